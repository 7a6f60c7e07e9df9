package org.safelight.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.safelight.cli.cluster.ClusterClient.Answer;
import org.safelight.cli.cluster.ClusterClient.User;
import org.safelight.cli.cluster.MixedLoad.Account;

/**
 * Three {@code safelight serve} processes on one PostgreSQL and one S3 bucket behind Debian's nginx
 * behave as one server (DESIGN §1): a token one instance issued is taken by the others, limits are
 * counted once for all, and with one instance killed (SIGKILL) in the middle of a mixed load,
 * everything that was acknowledged is there exactly once afterwards and the audit chain verifies.
 *
 * <p>The cluster is started once for the class (it takes a while on two cores); the test that kills
 * an instance runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterTest {
    private static final int INSTANCES = 3;
    private static final int SENDERS = 4;
    private static final int RECIPIENTS = 2;
    private static final int REPORTS_PER_SENDER = 10;
    /** The instance is killed once this many uploads were acknowledged: a third into the load. */
    private static final int KILL_AFTER_UPLOADS = SENDERS * REPORTS_PER_SENDER / 3;

    private Cluster cluster;
    private ClusterClient client;
    private final List<Account> senders = new ArrayList<>();
    private final List<Account> recipients = new ArrayList<>();

    @BeforeAll
    void startTheCluster() throws Exception {
        if (!Nginx.installed()) {
            String reason = "nginx is not installed at " + Nginx.BINARY + " (apt-get install nginx-light)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(reason + "; CI must run this test");
            }
            Assumptions.assumeTrue(false, reason);
        }
        Path base = Files.createDirectories(Path.of("target", "cluster").toAbsolutePath());
        cluster = Cluster.start(Files.createTempDirectory(base, "run-"), new Cluster.Options(INSTANCES,
                // small, quick-starting JVMs: three of them share two cores with the test
                List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                List.of("--key-requests-per-minute", "100000"), 1, true));
        client = new ClusterClient(cluster.publicUrl());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Account>> made = new ArrayList<>();
            for (int i = 0; i < SENDERS + RECIPIENTS; i++) {
                User user = new User("user" + i + "@hospital.example", "correct horse battery staple " + i,
                        "198.51.100." + (10 + i));
                made.add(pool.submit(() -> signedUp(user)));
            }
            for (int i = 0; i < made.size(); i++) {
                (i < SENDERS ? senders : recipients).add(made.get(i).get(2, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Signs up, confirms the address and signs in through nginx, as a new user does. */
    private Account signedUp(User user) throws InterruptedException {
        client.signUp(user);
        client.verify(user, cluster.outboxes());
        String token = client.signIn(user);
        return new Account(user, token, client.keyServerToken(user, token));
    }

    @AfterAll
    void stopTheCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void a_token_one_instance_issued_is_taken_by_every_other_instance() {
        List<ServeInstance> instances = cluster.instances();
        User sender = senders.get(0).user();
        User recipient = recipients.get(0).user();
        String userToken = client.signIn(instances.get(0).url(), sender);
        for (ServeInstance instance : instances) {
            assertThat(client.me(instance.url(), sender, userToken).status())
                    .as("%s takes a user token from %s", instance.name(), instances.get(0).name()).isEqualTo(200);
        }
        // A key made through one instance with a token from a second is handed out by a third,
        // to a recipient whose tokens came from yet another.
        String senderKeyToken = client.keyServerToken(instances.get(1).url(), sender, userToken);
        String reportId = SealedReports.newReportId("across");
        Answer created = client.createKey(instances.get(2).url(), sender, senderKeyToken, reportId);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String recipientToken = client.signIn(instances.get(2).url(), recipient);
        String recipientKeyToken = client.keyServerToken(instances.get(0).url(), recipient, recipientToken);
        for (ServeInstance instance : instances) {
            Answer fetched = client.fetchKey(instance.url(), recipient, recipientKeyToken, reportId);
            assertThat(fetched.status()).as("%s: %s", instance.name(), fetched).isEqualTo(200);
            assertThat(fetched.json().path("key").asText()).isEqualTo(created.json().path("key").asText());
        }
    }

    @Test
    @Order(2)
    void sign_in_failures_spread_over_the_instances_meet_one_limit() {
        // Someone on another network guesses an account's password, one instance after the other.
        User owner = senders.get(3).user();
        User guesser = new User(owner.email(), "not the password", "203.0.113.7");
        List<ServeInstance> instances = cluster.instances();
        List<Integer> statuses = new ArrayList<>();
        for (int attempt = 0; attempt < 12; attempt++) {
            URI at = instances.get(attempt % instances.size()).url();
            statuses.add(client.signInOnce(at, guesser, guesser.password()).status());
        }
        // Ten failures per account and network in all (not ten per instance), then 429.
        assertThat(statuses.subList(0, 10)).as("%s", statuses).containsOnly(401);
        assertThat(statuses.subList(10, 12)).as("%s", statuses).contains(429);
        // The owner, on their own network, is not locked out.
        assertThat(client.signIn(owner)).isNotBlank();
    }

    @Test
    @Order(3)
    void with_one_instance_killed_mid_load_everything_acknowledged_is_there_once_and_the_audit_verifies()
            throws Exception {
        ServeInstance victim = cluster.instances().get(1);
        MixedLoad load = new MixedLoad(cluster, client, senders, recipients);
        load.run(REPORTS_PER_SENDER, KILL_AFTER_UPLOADS, () -> {
            try {
                victim.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });

        assertThat(load.unexpected).as("answers other than acknowledgements and failures of the killed instance")
                .isEmpty();
        assertThat(load.killed()).as("the instance was killed during the load").isTrue();
        assertThat(victim.alive()).isFalse();
        assertThat(cluster.alive()).hasSize(INSTANCES - 1);
        assertThat(load.acknowledgedAfterKill.get()).as("the others went on acknowledging after the kill")
                .isGreaterThanOrEqualTo(SENDERS);
        assertThat(cluster.nginx().requestsByUpstream()).as("nginx spread the load over every instance")
                .containsKeys(cluster.instances().stream().map(i -> "127.0.0.1:" + i.port()).toArray(String[]::new));

        everyAcknowledgedKeyIsFetchableAndEveryRevocationHolds(load);
        everyAcknowledgedUploadDownloadsByteForByte(load);
        theDatabaseHoldsEachAcknowledgedOperationOnce(load);

        Cluster.Command verify = cluster.auditVerify();
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("OK");

        System.out.printf("ClusterTest: %d instances, one killed after %d uploads; %d keys, %d uploads (%d without"
                        + " an answer), %d revoked, %d key fetches by readers, %d failed requests (cut or 502-504),"
                        + " %d key creations lost to them, %d acknowledgements after the kill; nginx: %s%n",
                INSTANCES, KILL_AFTER_UPLOADS, load.keys.size(), load.uploads.size(), load.uncertainUploads.size(),
                load.revoked.size(), load.readerFetches.get(), client.failures(), load.keyCreationsLost.get(),
                load.acknowledgedAfterKill.get(), cluster.nginx().requestsByUpstream());
    }

    /** Through nginx and on each surviving instance: the same key, or the revocation. */
    private void everyAcknowledgedKeyIsFetchableAndEveryRevocationHolds(MixedLoad load) {
        Account recipient = recipients.get(1);
        List<URI> targets = new ArrayList<>(List.of(cluster.publicUrl()));
        cluster.alive().forEach(i -> targets.add(i.url()));
        for (MixedLoad.Key key : load.keys.values()) {
            for (URI at : targets) {
                Answer a = client.fetchKey(at, recipient.user(), recipient.keyServerToken(), key.reportId());
                if (load.revoked.contains(key.reportId())) {
                    assertThat(a.status()).as("%s at %s: %s", key.reportId(), at, a).isEqualTo(410);
                } else {
                    assertThat(a.status()).as("%s at %s: %s", key.reportId(), at, a).isEqualTo(200);
                    assertThat(a.json().path("key").asText()).isEqualTo(key.key());
                }
            }
        }
    }

    private void everyAcknowledgedUploadDownloadsByteForByte(MixedLoad load) {
        Account recipient = recipients.get(1);
        for (MixedLoad.Stored stored : load.uploads.values()) {
            Answer a = client.download(recipient.user(), recipient.token(), stored.downloadUrl());
            assertThat(a.status()).as(stored.reportId()).isEqualTo(200);
            assertThat(a.body()).as(stored.reportId()).isEqualTo(stored.bytes());
        }
    }

    private void theDatabaseHoldsEachAcknowledgedOperationOnce(MixedLoad load) {
        for (MixedLoad.Key key : load.keys.values()) {
            String id = key.reportId();
            assertThat(cluster.number("SELECT count(*) FROM report_keys WHERE report_id = ?", id)).as(id).isEqualTo(1);
            assertThat(cluster.number("SELECT count(*) FROM audit_events WHERE report_id = ? AND action = 'key_created'"
                    + " AND outcome = 'granted'", id)).as("%s: its creation is on the record", id).isPositive();
            long granted = cluster.number("SELECT count(*) FROM audit_events WHERE report_id = ?"
                    + " AND action = 'key_fetched' AND outcome = 'granted'", id);
            int received = load.keysReceived.getOrDefault(id, new java.util.concurrent.atomic.AtomicInteger()).get();
            assertThat(granted).as("%s: no key left without its audit event", id).isGreaterThanOrEqualTo(received);
            assertThat(cluster.number("SELECT count(*) FROM audit_events WHERE report_id = ?"
                    + " AND action = 'report_revoked'", id)).as("%s: revoked once, or never", id)
                    .isEqualTo(load.revoked.contains(id) ? 1 : 0);
        }
        for (MixedLoad.Stored stored : load.uploads.values()) {
            assertThat(cluster.number("SELECT count(*) FROM cloud_reports WHERE region = ? AND name = ?"
                    + " AND report_id = ? AND deleted_at IS NULL", stored.region(), stored.name(), stored.reportId()))
                    .as(stored.reportId()).isEqualTo(1);
            assertThat(cluster.number("SELECT count(*) FROM uploads WHERE region = ? AND name = ? AND report_id = ?",
                    stored.region(), stored.name(), stored.reportId())).as("%s on its sender's list", stored.reportId())
                    .isEqualTo(1);
        }
        // Each report was uploaded once (nginx passes no upload to a second instance): never two copies.
        assertThat(cluster.column("SELECT report_id FROM cloud_reports GROUP BY report_id HAVING count(*) > 1"))
                .as("reports stored twice").isEmpty();
        assertThat(cluster.column("SELECT report_id FROM uploads GROUP BY report_id HAVING count(*) > 1"))
                .as("reports listed twice").isEmpty();
        assertThat(cluster.number("SELECT count(*) FROM cloud_reports")).as("stored: the acknowledged uploads and"
                + " at most those that got no answer").isBetween((long) load.uploads.size(),
                (long) load.uploads.size() + load.uncertainUploads.size());
        assertThat(cluster.column("SELECT email FROM users GROUP BY email HAVING count(*) > 1")).isEmpty();
        // One chain, numbered without gaps, its head where its last event is.
        long events = cluster.number("SELECT count(*) FROM audit_events");
        assertThat(cluster.number("SELECT max(seq) FROM audit_events")).isEqualTo(events);
        assertThat(cluster.number("SELECT last_seq FROM audit_head")).isEqualTo(events);
    }
}
