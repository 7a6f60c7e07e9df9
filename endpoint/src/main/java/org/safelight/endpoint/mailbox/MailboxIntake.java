package org.safelight.endpoint.mailbox;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.safelight.endpoint.intake.Intake;
import org.safelight.endpoint.intake.Senders;
import org.safelight.server.role.Worker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailbox intake: a background worker that reads an IMAP(S) folder for mailed reports and
 * takes them into the same {@link Intake} as {@code POST /api/report} (see {@link MailboxPass} for
 * what happens to each message). After each pass it waits for new mail with IDLE where the server
 * offers it (renewed every poll interval), and otherwise reads again every poll interval. A lost
 * connection is retried with a growing pause (up to the poll interval); nothing is lost meanwhile,
 * since a message leaves the folder only once its reports are stored.
 *
 * <p>{@link #start} once; {@link #stop} stops it between two messages: a report being streamed is
 * given 5 s to finish, then its connection is closed, which leaves its message for the next start.
 * Logs say how many messages were filed, rejected or left and the
 * class of a failure, never an address, a subject or a message's content.
 */
public final class MailboxIntake implements Worker, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailboxIntake.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final MailboxSettings settings;
    private final Intake intake;
    private final Senders senders;
    private final Clock clock;
    private final Path spool;
    private final Session session;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ScheduledExecutorService renewer;
    private volatile boolean stopping;
    private volatile Connection current;
    private Thread worker;

    /** Taking mail from anyone (no senders file). */
    public MailboxIntake(MailboxSettings settings, Intake intake, Clock clock) {
        this(settings, intake, Senders.anyone(), clock);
    }

    /**
     * @param senders who may send reports ({@code --endpoint-senders}), applied to each message's
     *                From address: a claim of the sender's mail program, not a proof
     */
    public MailboxIntake(MailboxSettings settings, Intake intake, Senders senders, Clock clock) {
        this(settings, intake, senders, clock, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /**
     * @param spool the folder for the private temporary copy of each message while its reports are
     *              taken out (a mailed video can be large). Created owner-only if missing; copies a
     *              crash left there are deleted now (their messages are still in the mailbox)
     */
    public MailboxIntake(MailboxSettings settings, Intake intake, Senders senders, Clock clock, Path spool) {
        this.settings = settings;
        this.intake = intake;
        this.senders = senders;
        this.clock = clock;
        this.spool = prepared(spool);
        this.session = Session.getInstance(settings.sessionProperties());
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "endpoint-mailbox-idle-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "endpoint-mailbox";
    }

    /** Starts reading the mailbox on a thread of its own. */
    @Override
    public synchronized void start() {
        if (worker != null) {
            throw new IllegalStateException("the mailbox intake is started already");
        }
        worker = new Thread(this::run, "endpoint-mailbox");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * One pass over the folder now, on the caller's thread, with a connection of its own: what the
     * worker does each time it wakes.
     */
    public MailboxPass.Result passOnce() throws MessagingException {
        try (Connection c = connect()) {
            return c.pass();
        }
    }

    private void run() {
        Duration pause = FIRST_RETRY;
        String failing = null;
        while (!stopping) {
            try (Connection c = connect()) {
                current = c;
                if (failing != null) {
                    LOG.info("the mailbox can be read again");
                    failing = null;
                }
                pause = FIRST_RETRY;
                while (!stopping) {
                    MailboxPass.Result result = c.pass();
                    if (result.moved() == 0 && !stopping) {
                        c.waitForMail(result.remaining());
                    }
                }
            } catch (MessagingException | RuntimeException e) {
                if (stopping) {
                    break;
                }
                String what = e.getClass().getSimpleName();
                if (!what.equals(failing)) {
                    LOG.warn("the mailbox could not be read ({}); trying again in {} s", what, pause.toSeconds());
                    failing = what;
                }
                await(pause);
                pause = pause.multipliedBy(2).compareTo(settings.pollInterval()) > 0 ? settings.pollInterval()
                        : pause.multipliedBy(2);
            } finally {
                current = null;
            }
        }
    }

    private static Path prepared(Path spool) {
        try {
            if (spool.equals(Path.of(System.getProperty("java.io.tmpdir")))) {
                return spool; // shared with others: neither its mode nor its files are ours
            }
            Files.createDirectories(spool);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwx------"));
            }
            try (DirectoryStream<Path> left = Files.newDirectoryStream(spool, MailboxPass.SPOOL_PREFIX + "*.eml")) {
                for (Path copy : left) {
                    Files.deleteIfExists(copy);
                }
            }
            return spool;
        } catch (IOException e) {
            throw new UncheckedIOException("the mailbox spool folder " + spool + " cannot be used: " + e.getMessage(), e);
        }
    }

    private Connection connect() throws MessagingException {
        IMAPStore store = (IMAPStore) session.getStore(settings.scheme());
        store.connect(settings.host(), settings.port(), settings.user(), settings.password());
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder(settings.folder());
            Folder filed = MailboxPass.target(store, MailboxPass.FILED);
            Folder rejected = MailboxPass.target(store, MailboxPass.REJECTED);
            inbox.open(Folder.READ_WRITE);
            return new Connection(store, inbox, new MailboxPass(store, inbox, filed, rejected, intake, senders, clock, spool));
        } catch (MessagingException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private final class Connection implements AutoCloseable {
        private final IMAPStore store;
        private final IMAPFolder inbox;
        private final MailboxPass pass;

        Connection(IMAPStore store, IMAPFolder inbox, MailboxPass pass) {
            this.store = store;
            this.inbox = inbox;
            this.pass = pass;
        }

        MailboxPass.Result pass() throws MessagingException {
            return pass.run(() -> stopping);
        }

        /**
         * Until the server tells of a change, or the poll interval passed, or stopping. Mail that
         * came during the pass ({@code remaining} is how many messages the pass left behind) is
         * taken at once: an IDLE started now would not tell of it.
         */
        void waitForMail(int remaining) throws MessagingException {
            interruptIdle(inbox); // a NOOP: the server reports what arrived since the pass began
            if (inbox.getMessageCount() > remaining) {
                return;
            }
            if (!settings.useIdle() || !store.hasCapability("IDLE")) {
                await(settings.pollInterval());
                return;
            }
            ScheduledFuture<?> renewal = renewer.schedule(() -> interruptIdle(inbox),
                    settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
            try {
                if (!stopping) {
                    inbox.idle(true);
                }
            } finally {
                renewal.cancel(false);
            }
        }

        @Override
        public void close() {
            try {
                if (inbox.isOpen()) {
                    inbox.close(false);
                }
            } catch (MessagingException | RuntimeException e) {
                LOG.debug("closing the mailbox folder failed ({})", e.getClass().getSimpleName());
            }
            try {
                store.close();
            } catch (MessagingException | RuntimeException e) {
                LOG.debug("closing the mailbox connection failed ({})", e.getClass().getSimpleName());
            }
        }
    }

    /** Any command from another thread ends an IDLE in progress; a NOOP changes nothing else. */
    private static void interruptIdle(IMAPFolder folder) {
        try {
            folder.doCommand(protocol -> {
                protocol.simpleCommand("NOOP", null);
                return null;
            });
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("ending an IDLE failed ({})", e.getClass().getSimpleName());
        }
    }

    private void await(Duration pause) {
        try {
            stopped.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /**
     * Stops after the message in hand: waits up to 5 s, then closes the connection (a report still
     * streaming fails and its message stays for the next start) and waits up to 5 s more.
     */
    @Override
    public void stop() {
        Thread running;
        synchronized (this) {
            running = worker;
        }
        stopping = true;
        stopped.countDown();
        if (running != null) {
            waitFor(running, Duration.ofSeconds(5), false);
            if (running.isAlive()) {
                Connection c = current;
                if (c != null) {
                    c.close();
                }
                waitFor(running, Duration.ofSeconds(5), true);
            }
            if (running.isAlive()) {
                LOG.warn("the mailbox intake did not stop within 10 s; its thread is left to end with the process");
            }
        }
        renewer.shutdownNow();
    }

    /** Joins {@code running}, ending an IDLE in progress now and then (a stop may race with its start). */
    private void waitFor(Thread running, Duration limit, boolean closed) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (running.isAlive() && System.nanoTime() < deadline) {
            Connection c = current;
            if (c != null && !closed) {
                renewer.execute(() -> interruptIdle(c.inbox));
            }
            try {
                running.join(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
