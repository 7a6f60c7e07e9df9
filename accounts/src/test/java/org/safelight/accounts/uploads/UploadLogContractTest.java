package org.safelight.accounts.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.safelight.accounts.AccountsRole;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

class UploadLogContractTest {
    private final MutableClock clock = new MutableClock();

    private UploadEntry entry(String name, String user, String enterprise) {
        Instant now = clock.instant();
        return new UploadEntry("R" + name, "AU", name + "-R" + name, "https://s.example/app/report/AU/" + name,
                "https://s.example/api/v1/cloud/reports/AU/" + name, user, user + "@h.example", "Dr " + user,
                enterprise, 1234, now, now.plus(Duration.ofDays(7)), "https://keys.h.example");
    }

    @EachDatabase
    void a_users_list_is_newest_first_and_keeps_expired_uploads_for_thirty_days(Database db) {
        db.migrate(AccountsRole.NAME);
        UploadLog log = new UploadLog(db.jdbi(), clock);
        log.record(entry("a", "ada", ""));
        clock.advance(Duration.ofMinutes(1));
        log.record(entry("b", "ada", ""));
        log.record(entry("b", "ada", ""));
        log.record(entry("c", "bob", ""));
        assertThat(log.ofUser("ada")).extracting(UploadEntry::reportId).containsExactly("Rb", "Ra");
        assertThat(log.ofUser("ada").get(0).expiredAt(clock.instant())).isFalse();

        clock.advance(Duration.ofDays(7));
        List<UploadEntry> expired = log.ofUser("ada");
        assertThat(expired).hasSize(2).allMatch(e -> e.expiredAt(clock.instant()));
        clock.advance(Duration.ofDays(30));
        assertThat(log.ofUser("ada")).isEmpty();
    }

    @EachDatabase
    void an_enterprise_pages_through_its_members_live_uploads_oldest_first(Database db)
            throws Exception {
        db.migrate(AccountsRole.NAME);
        UploadLog log = new UploadLog(db.jdbi(), clock);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String n = "n" + i;
                done.add(pool.submit(() -> log.record(entry(n, "ada", "ent-1"))));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        log.record(entry("other", "cy", "ent-2"));
        log.record(entry("none", "bob", ""));

        List<String> seen = new ArrayList<>();
        long after = 0;
        while (true) {
            List<UploadLog.Logged> page = log.ofEnterprise("ent-1", after, 6);
            if (page.isEmpty()) {
                break;
            }
            assertThat(page.get(0).seq()).isGreaterThan(after);
            page.forEach(l -> seen.add(l.entry().name()));
            after = page.get(page.size() - 1).seq();
        }
        assertThat(seen).hasSize(20).doesNotHaveDuplicates().allMatch(n -> n.startsWith("n"));
        assertThat(log.ofEnterprise("ent-2", 0, 100)).hasSize(1);
        assertThat(log.ofEnterprise("", 0, 100)).isEmpty();

        clock.advance(Duration.ofDays(7));
        assertThat(log.ofEnterprise("ent-1", 0, 100)).as("expired uploads are not listed").isEmpty();
    }
}
