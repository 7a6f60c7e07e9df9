package org.safelight.server.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTaskTest {

    @Test
    void a_round_that_throws_does_not_stop_the_next_ones() throws Exception {
        AtomicInteger rounds = new AtomicInteger();
        CountDownLatch third = new CountDownLatch(3);
        PeriodicTask task = new PeriodicTask("test-task", Duration.ofMillis(1), () -> {
            rounds.incrementAndGet();
            third.countDown();
            throw new IllegalStateException("this round fails");
        });
        try {
            assertThat(third.await(10, TimeUnit.SECONDS)).as("three rounds ran despite each failing").isTrue();
        } finally {
            task.close();
        }
        assertThat(rounds.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void the_first_round_runs_at_once_not_after_the_period() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        PeriodicTask task = new PeriodicTask("test-task", Duration.ofDays(1), ran::countDown);
        try {
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            task.close();
        }
    }

    @Test
    void a_job_that_keeps_failing_the_same_way_is_one_warning_not_one_a_round() throws Exception {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = System.err;
        CountDownLatch twenty = new CountDownLatch(20);
        // Logback's console appender writes to whatever System.err is when it logs
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            PeriodicTask task = new PeriodicTask("failing-task", Duration.ofMillis(1), () -> {
                twenty.countDown();
                throw new IllegalStateException("this round fails");
            });
            try {
                assertThat(twenty.await(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                task.close();
            }
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("failing-task failed"))).hasSize(1);
    }
}
