package org.safelight.endpoint.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.Destination;
import org.safelight.endpoint.delivery.NeedsPersonException;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.delivery.Question;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.StoringIntake;
import org.safelight.endpoint.open.ReportOpening;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.endpoint.store.ReceivedReports;
import org.safelight.endpoint.store.StoredReports;
import org.safelight.endpoint.testing.TestReports;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;
import org.safelight.server.testing.MutableClock;

/**
 * A destination that asks for a person: the delivery waits (no retries, no backoff, its attempts
 * not counted toward parking), the report stays opened and its file kept, and the answer reaches
 * the destination when the delivery runs again.
 */
class NeedsPersonPipelineTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    /** Asks until it gets a patient, then fails once for a reason that may pass, then delivers. */
    private static final class Asking implements Destination {
        final List<Answers> seen = new ArrayList<>();
        boolean failedOnce;

        @Override
        public String name() {
            return "asking";
        }

        @Override
        public void deliver(OpenedReport report) {
            throw new AssertionError("the pipeline must hand the answers over");
        }

        @Override
        public void deliver(OpenedReport report, Answers answers) throws DeliveryException {
            seen.add(answers);
            if (answers.get(Answers.PATIENT).isEmpty()) {
                throw new NeedsPersonException(new Question("patient", "several_matches", "Pick the patient.",
                        Map.of("family", "Quill"), List.of(Map.of("reference", "Patient/1", "display", "Ada Quill")),
                        false));
            }
            if (!failedOnce) {
                failedOnce = true;
                throw new DeliveryException("the server answered 503", false);
            }
        }
    }

    private record Rig(EndpointStore store, Pipeline pipeline, StoredReports reports) {
    }

    /** A pipeline to {@code destination} with a limit of 2 attempts, and report {@code reportId} received. */
    private Rig rig(Database db, Destination destination, String reportId) throws Exception {
        db.migrate("endpoint");
        MasterKey master = MasterKey.load(dir, Map.of());
        ReceivedFiles files = new ReceivedFiles(dir.resolve("received"), master, clock);
        EndpointStore store = new EndpointStore(db, master);
        Pipeline pipeline = new Pipeline(store, files, new ReportOpening(files, List.of(), null, null, clock),
                List.of(destination), new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), 2, () -> 0.5),
                Duration.ofMinutes(10), Duration.ofDays(30), dir.resolve("work"), clock);
        new StoringIntake(files, store, 1 << 20, pipeline.destinationNames(), () -> { })
                .receive(new ByteArrayInputStream(TestReports.plain(reportId)),
                        new Arrival(Arrival.Source.HTTPS, "noor@example.org", true, null, clock.instant()));
        return new Rig(store, pipeline, new StoredReports(db, clock, master));
    }

    @EachDatabase
    void a_delivery_waits_for_its_answer_without_retries_and_its_wait_counts_no_attempt(Supplier<Database> database)
            throws Exception {
        try (Database db = database.get()) {
            Asking asking = new Asking();
            // A limit of 2: had the waits counted, the 503 after the answer would park the delivery.
            Rig rig = rig(db, asking, "R-1");
            Pipeline pipeline = rig.pipeline();
            EndpointStore store = rig.store();
            StoredReports reports = rig.reports();

            pipeline.drain();
            reports.retry("R-1");
            clock.advance(Duration.ofDays(2));
            int laterSteps = pipeline.drain();

            ReceivedReports.Delivery waiting = reports.find("R-1").orElseThrow().deliveries().get(0);
            assertThat(waiting.status()).isEqualTo("needs_person");
            assertThat(waiting.attempts()).isZero();
            assertThat(waiting.nextAttemptAt()).isNull();
            assertThat(waiting.question().candidates()).extracting(c -> c.get("reference")).containsExactly("Patient/1");
            assertThat(reports.find("R-1").orElseThrow().state()).isEqualTo("opened");
            assertThat(laterSteps).isZero();
            assertThat(asking.seen).hasSize(1);
            assertThat(store.isPurged("R-1")).isFalse();

            ReceivedReports.AnswerResult answered = reports.answer("R-1", "asking",
                    new ReceivedReports.PersonAnswer(Optional.of("Patient/1"), false, Optional.empty(), false), "it@example.org");
            pipeline.drain();
            ReceivedReports.Delivery failed = reports.find("R-1").orElseThrow().deliveries().get(0);
            clock.advance(Duration.ofMinutes(1));
            pipeline.drain();

            assertThat(answered.outcome()).isEqualTo(ReceivedReports.AnswerResult.Outcome.ANSWERED);
            assertThat(failed.status()).isEqualTo("pending");
            assertThat(failed.attempts()).isEqualTo(1);
            assertThat(failed.nextAttemptAt()).as("backoff").isAfter(clock.instant().minus(Duration.ofMinutes(1)));
            assertThat(reports.find("R-1").orElseThrow().state()).isEqualTo("delivered");
            assertThat(asking.seen).hasSize(3);
            assertThat(asking.seen.get(2).get(Answers.PATIENT)).contains("Patient/1");
        }
    }

    /** Throws what a FHIR destination's sealed record of its resources throws during a rotation, then delivers. */
    private static final class RotationStruck implements Destination {
        int refusals = 3;
        int delivered;

        @Override
        public String name() {
            return "fhir-like";
        }

        @Override
        public void deliver(OpenedReport report) {
            if (refusals-- > 0) {
                throw new org.safelight.server.crypto.SealingRefusedException("a master key rotation is under way");
            }
            delivered++;
        }
    }

    @EachDatabase
    void a_delivery_that_cannot_seal_during_a_rotation_is_put_off_without_counting_an_attempt(
            Supplier<Database> database) throws Exception {
        try (Database db = database.get()) {
            RotationStruck destination = new RotationStruck();
            // A limit of 2: had the refusals counted, the second would park the delivery.
            Rig rig = rig(db, destination, "R-2");
            Pipeline pipeline = rig.pipeline();
            StoredReports reports = rig.reports();

            pipeline.drain();
            ReceivedReports.Delivery putOff = reports.find("R-2").orElseThrow().deliveries().get(0);
            assertThat(putOff.status()).isEqualTo("pending");
            assertThat(putOff.attempts()).isZero();
            assertThat(putOff.nextAttemptAt()).isEqualTo(clock.instant().plus(Pipeline.SEALING_REFUSED_RETRY));
            assertThat(putOff.lastError()).contains("master key");
            for (int i = 0; i < 3; i++) {
                clock.advance(Pipeline.SEALING_REFUSED_RETRY);
                pipeline.drain();
            }

            ReceivedReports.Delivery done = reports.find("R-2").orElseThrow().deliveries().get(0);
            assertThat(destination.delivered).isEqualTo(1);
            assertThat(done.status()).isEqualTo("delivered");
            assertThat(done.attempts()).as("the delivery that went through, and none of the refusals").isEqualTo(1);
        }
    }
}
