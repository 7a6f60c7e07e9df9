package org.safelight.accounts.mail;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail work a request causes, done after its answer is sent: looking the address up, storing a
 * link's token, writing the message. A request whose answer must not tell whether an account
 * exists (sign-up, resend, password reset) then takes the same time either way, whatever the mail
 * relay does. One worker thread, a bounded queue: when it is full the work is dropped and logged
 * (the user can ask again). Failures are logged by type only. Thread-safe.
 */
public final class MailQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MailQueue.class);
    private static final int CAPACITY = 1000;

    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(CAPACITY), r -> {
                Thread t = new Thread(r, "accounts-mail");
                t.setDaemon(true);
                return t;
            });
    private final Object lock = new Object();
    private int pending;

    /** Runs {@code work} after the current request; {@code what} names it in the log, without any address. */
    public void later(String what, Runnable work) {
        synchronized (lock) {
            pending++;
        }
        try {
            worker.execute(() -> {
                try {
                    work.run();
                } catch (RuntimeException e) {
                    LOG.warn("{} failed: {}", what, e.getClass().getName());
                } finally {
                    done();
                }
            });
        } catch (RejectedExecutionException e) {
            done();
            LOG.warn("{} dropped: the mail queue is full or closed", what);
        }
    }

    /**
     * Waits until every piece of work handed in so far is done (tests, and shutdown).
     *
     * @return false when some is still going on after {@code timeout}
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    private void done() {
        synchronized (lock) {
            pending--;
            lock.notifyAll();
        }
    }

    /** Finishes the queued work for up to 10 s, then stops. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("mail work still queued at shutdown was dropped");
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.shutdownNow();
        }
    }
}
