package org.safelight.cli.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.safelight.cli.cluster.ClusterClient.Answer;
import org.safelight.cli.cluster.ClusterClient.User;

/**
 * What clinicians do all day, from several threads through nginx: senders make a report's key,
 * seal and upload the report, a recipient fetches the key and downloads the report, and every
 * fourth report is revoked (then each live instance, asked directly, must refuse its key at once).
 * Meanwhile readers fetch keys of reports already made. Once enough uploads were acknowledged, the
 * {@code kill} action runs in the middle of it all, and the load goes on.
 *
 * <p>The ledger it keeps is what was acknowledged (a 200 or 201 received): keys, uploads with their
 * bytes, keys received per report, revocations; what was not (a cut connection, a 502 from nginx)
 * is counted, and an upload without an answer is kept apart as uncertain. Any other answer is
 * unexpected and kept for the test to show.
 */
final class MixedLoad {
    /** A signed-in user with a token for the accounts and cloud routes and one for the key server. */
    record Account(User user, String token, String keyServerToken) {
    }

    record Key(String reportId, Account owner, String key) {
    }

    record Stored(String reportId, String region, String name, String downloadUrl, byte[] bytes) {
    }

    private static final int READERS = 2;

    private final Cluster cluster;
    private final ClusterClient client;
    private final List<Account> senders;
    private final List<Account> recipients;

    final Map<String, Key> keys = new ConcurrentHashMap<>();
    final Map<String, Stored> uploads = new ConcurrentHashMap<>();
    final Set<String> uncertainUploads = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicInteger> keysReceived = new ConcurrentHashMap<>();
    final Set<String> revoked = ConcurrentHashMap.newKeySet();
    final Queue<String> unexpected = new ConcurrentLinkedQueue<>();
    final AtomicInteger keyCreationsLost = new AtomicInteger();
    final AtomicInteger acknowledgedAfterKill = new AtomicInteger();
    final AtomicInteger readerFetches = new AtomicInteger();
    private final List<String> fetchable = new CopyOnWriteArrayList<>();
    private final Queue<String> refusedAsRevoked = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.CountDownLatch firstFetchable = new java.util.concurrent.CountDownLatch(1);
    private final AtomicBoolean killStarted = new AtomicBoolean();
    private volatile boolean killed;

    MixedLoad(Cluster cluster, ClusterClient client, List<Account> senders, List<Account> recipients) {
        this.cluster = cluster;
        this.client = client;
        this.senders = senders;
        this.recipients = recipients;
    }

    /**
     * Runs {@code iterations} reports per sender; {@code kill} runs once {@code killAfterUploads}
     * uploads were acknowledged. Returns when every sender is done and the readers stopped.
     */
    void run(int iterations, int killAfterUploads, Runnable kill) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(senders.size() + READERS);
        AtomicBoolean done = new AtomicBoolean();
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                Account reader = recipients.get(r % recipients.size());
                readers.add(pool.submit(() -> read(reader, done)));
            }
            List<Future<?>> writers = new ArrayList<>();
            for (int s = 0; s < senders.size(); s++) {
                int w = s;
                writers.add(pool.submit(() -> {
                    for (int k = 0; k < iterations; k++) {
                        report(w, k, killAfterUploads, kill);
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get(4, TimeUnit.MINUTES);
            }
            done.set(true);
            for (Future<?> f : readers) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            done.set(true);
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        for (String id : refusedAsRevoked) {
            if (!revoked.contains(id)) {
                unexpected.add("a reader was refused the key of " + id + " as revoked, which nobody revoked");
            }
        }
    }

    boolean killed() {
        return killed;
    }

    /** One report: key, seal, upload, the recipient's key and download, maybe a revocation. */
    private void report(int w, int k, int killAfterUploads, Runnable kill) {
        Account owner = senders.get(w);
        Account recipient = recipients.get(w % recipients.size());
        String id = SealedReports.newReportId("c" + w + "-" + k);
        Answer created = client.createKey(owner.user(), owner.keyServerToken(), id);
        if (transientFailure(created)) {
            keyCreationsLost.incrementAndGet();
            return;
        }
        if (created.status() != 201 && created.status() != 200) {
            unexpected.add("key creation: " + created);
            return;
        }
        String key = created.json().path("key").asText();
        keys.put(id, new Key(id, owner, key));
        acknowledged();
        byte[] sealed = SealedReports.seal(id, key, client.base().toString(),
                16 * 1024 + ThreadLocalRandom.current().nextInt(48 * 1024));
        Answer up = client.upload(owner.user(), owner.token(), sealed);
        Stored stored = null;
        if (up.status() == 201) {
            String url = up.json().path("download_url").asText();
            stored = new Stored(id, up.json().path("region").asText(), url.substring(url.lastIndexOf('/') + 1), url,
                    sealed);
            uploads.put(id, stored);
            acknowledged();
            if (uploads.size() >= killAfterUploads && killStarted.compareAndSet(false, true)) {
                kill.run();
                killed = true;
            }
        } else if (transientFailure(up)) {
            uncertainUploads.add(id);
        } else {
            unexpected.add("upload: " + up);
        }
        Answer got = fetchRetried(client.base(), recipient, id);
        if (got.status() == 200 && key.equals(got.json().path("key").asText())) {
            keysReceived.computeIfAbsent(id, x -> new AtomicInteger()).incrementAndGet();
            fetchable.add(id);
            firstFetchable.countDown();
        } else {
            unexpected.add("the recipient's key fetch: " + got);
        }
        if (stored != null) {
            Answer down = client.download(recipient.user(), recipient.token(), stored.downloadUrl());
            if (down.status() != 200 || !Arrays.equals(down.body(), sealed)) {
                unexpected.add("the recipient's download: " + down.status() + ", " + down.body().length + " of "
                        + sealed.length + " bytes" + (down.status() == 200 ? " (different bytes)" : ""));
            }
        }
        if (k % 4 == 3) {
            Answer r = client.revoke(owner.user(), owner.keyServerToken(), id);
            if (r.status() != 200) {
                unexpected.add("revocation: " + r);
                return;
            }
            revoked.add(id);
            fetchable.remove(id);
            refusedEverywhere(recipient, id);
        }
    }

    /** Right after the revocation was acknowledged, every live instance refuses the key. */
    private void refusedEverywhere(Account recipient, String id) {
        for (ServeInstance instance : cluster.instances()) {
            if (!instance.alive()) {
                continue;
            }
            Answer a = client.fetchKey(instance.url(), recipient.user(), recipient.keyServerToken(), id);
            if (a.status() == 0 && !instance.alive()) {
                continue; // killed between the check and the request
            }
            if (a.status() != 410 || !"report_revoked".equals(a.json().path("error").asText())) {
                unexpected.add(instance.name() + " did not refuse a revoked report's key at once: " + a);
            }
        }
    }

    /** Key fetches of reports already made, as fast as they come, until {@code done}. */
    private Void read(Account reader, AtomicBoolean done) throws InterruptedException {
        while (!done.get() && !firstFetchable.await(100, TimeUnit.MILLISECONDS)) {
            // no report made yet: waiting for the first, or for the end when none ever comes
        }
        while (!done.get()) {
            List<String> now = List.copyOf(fetchable);
            if (now.isEmpty()) {
                Thread.sleep(10); // every report made so far was revoked: waiting for the next
                continue;
            }
            String id = now.get(ThreadLocalRandom.current().nextInt(now.size()));
            Answer a = fetchRetried(client.base(), reader, id);
            readerFetches.incrementAndGet();
            if (a.status() == 200 && keys.get(id).key().equals(a.json().path("key").asText())) {
                keysReceived.computeIfAbsent(id, x -> new AtomicInteger()).incrementAndGet();
            } else if (a.status() == 410) {
                refusedAsRevoked.add(id); // checked against the revocations once all is done
            } else {
                unexpected.add("a reader's key fetch: " + a);
            }
        }
        return null;
    }

    /** A key fetch as a client makes it: retried, as reads are, when the connection or nginx fails. */
    private Answer fetchRetried(URI at, Account who, String id) {
        Answer a = null;
        for (int attempt = 0; attempt < ClusterClient.ATTEMPTS; attempt++) {
            a = client.fetchKey(at, who.user(), who.keyServerToken(), id);
            if (!transientFailure(a)) {
                return a;
            }
        }
        return a;
    }

    private void acknowledged() {
        if (killed) {
            acknowledgedAfterKill.incrementAndGet();
        }
    }

    static boolean transientFailure(Answer a) {
        return a.status() == 0 || a.status() == 502 || a.status() == 503 || a.status() == 504;
    }
}
