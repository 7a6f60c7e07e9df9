package org.safelight.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.safelight.server.db.Database;
import org.safelight.server.testing.TestDatabases;

/** Instances started together on an empty PostgreSQL database all migrate it, none stops. */
class ConcurrentMigrationTest {
    private static final int INSTANCES = 3;
    private static final int ROUNDS = 4;

    @Test
    void instances_starting_together_on_an_empty_database_all_migrate_it() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                try (Database first = TestDatabases.postgres()) {
                    String url = ((HikariDataSource) first.dataSource()).getJdbcUrl();
                    List<Database> others = new ArrayList<>();
                    others.add(first);
                    for (int i = 1; i < INSTANCES; i++) {
                        others.add(Database.open(url, "postgres", "postgres"));
                    }
                    CyclicBarrier together = new CyclicBarrier(INSTANCES);
                    List<Future<?>> runs = new ArrayList<>();
                    for (Database db : others) {
                        runs.add(pool.submit(() -> {
                            together.await(30, TimeUnit.SECONDS);
                            db.migrate("kittest");
                            return null;
                        }));
                    }
                    for (Future<?> run : runs) {
                        run.get(120, TimeUnit.SECONDS); // throws if an instance's migration failed
                    }
                    Integer applied = first.jdbi().withHandle(h -> h.createQuery(
                            "SELECT count(*) FROM flyway_history_kittest WHERE success").mapTo(Integer.class).one());
                    assertThat(applied).isPositive();
                    for (Database db : others.subList(1, others.size())) {
                        db.close();
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
