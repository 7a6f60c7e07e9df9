package org.safelight.client.filing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.safelight.client.RefusedException;
import org.safelight.client.filing.FailureRule.Skip;
import org.safelight.client.filing.FailureRule.Step;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.picsafe.KeyNeededException;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.rncryptor.TamperedDataException;

/** The pipeline's rule: what a report's content causes skips it; what waiting or an operator mends stops the run. */
class FailureRuleTest {
    @Test
    void a_credential_a_rate_limit_or_a_server_error_from_the_download_or_the_key_route_stops_the_run() {
        for (Step step : new Step[] {Step.DOWNLOAD, Step.KEY}) {
            for (int status : new int[] {401, 429, 500, 502, 503}) {
                assertThat(FailureRule.classify(step, new RefusedException(status, "x", "no"))).as(step + " " + status)
                        .isNull();
            }
        }
    }

    @Test
    void transport_and_disk_failures_stop_the_run_wherever_they_happen() {
        for (Step step : Step.values()) {
            assertThat(FailureRule.classify(step, new ConnectException("refused"))).isNull();
            assertThat(FailureRule.classify(step, new IOException("No space left on device"))).isNull();
        }
    }

    @Test
    void other_refusals_skip_the_report() {
        for (int status : new int[] {400, 403, 404, 410}) {
            assertThat(FailureRule.classify(Step.KEY, new RefusedException(status, "x", "no"))).isEqualTo(Skip.REFUSED);
            assertThat(FailureRule.classify(Step.DOWNLOAD, new RefusedException(status, "x", "no")))
                    .isEqualTo(Skip.REFUSED);
        }
        // a key server the operator did not trust: the report's fault, whatever status it is given
        assertThat(FailureRule.classify(Step.OPEN, new RefusedException(403, "untrusted_key_server", "no")))
                .isEqualTo(Skip.REFUSED);
    }

    @Test
    void anything_the_reports_content_causes_skips_it() {
        assertThat(FailureRule.classify(Step.OPEN, new UnsafeZipException("gap"))).isEqualTo(Skip.MALFORMED);
        assertThat(FailureRule.classify(Step.OPEN, new MalformedReportException("bad JSON"))).isEqualTo(Skip.MALFORMED);
        assertThat(FailureRule.classify(Step.OPEN, new TamperedDataException("HMAC"))).isEqualTo(Skip.INTEGRITY);
        assertThat(FailureRule.classify(Step.OPEN, new KeyNeededException("static", null))).isEqualTo(Skip.NEEDS_KEY);
        assertThat(FailureRule.classify(Step.OPEN, new IllegalArgumentException("malformed input")))
                .isEqualTo(Skip.MALFORMED);
        assertThat(FailureRule.classify(Step.OPEN, new NullPointerException())).isEqualTo(Skip.MALFORMED);
    }

    @Test
    void the_line_for_an_unexpected_failure_names_its_kind_not_its_message() {
        assertThat(FailureRule.reason(Skip.MALFORMED, new IllegalStateException("Ada Quill, MRN-204817")))
                .isEqualTo("it could not be read (IllegalStateException)");
    }

    @Test
    void the_line_for_a_failure_that_waiting_mends_names_who_failed_by_status_and_code_not_the_servers_words() {
        assertThat(FailureRule.retryReason(Step.KEY, new RefusedException(503, "unavailable", "Ada Quill's report")))
                .isEqualTo("the key server answered 503 (unavailable)");
        assertThat(FailureRule.retryReason(Step.KEY, new IOException("cannot connect to https://keys.example.org")))
                .isEqualTo("cannot connect to https://keys.example.org");
        assertThat(FailureRule.retryReason(Step.OPEN, new IOException("/data/Ada Quill.pdf: No space left")))
                .isEqualTo("the disk failed (IOException)");
    }
}
