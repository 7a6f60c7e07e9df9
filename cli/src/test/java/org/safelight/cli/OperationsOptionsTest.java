package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's operations flags: bad values are usage errors that name the flag, before anything starts. */
class OperationsOptionsTest {
    @TempDir
    Path dir;

    @Test
    void an_unknown_log_format_is_refused_naming_the_flag_and_the_choices() {
        Cli.Result r = Cli.run("serve", "--data-dir", dir.resolve("data").toString(), "--port", "0",
                "--log-format", "xml");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--log-format").contains("text or json");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void a_negative_shutdown_grace_or_a_port_out_of_range_is_refused() {
        Cli.Result grace = Cli.run("serve", "--data-dir", dir.resolve("data").toString(), "--shutdown-grace", "-1");
        assertThat(grace.exitCode()).isEqualTo(2);
        assertThat(grace.stderr()).contains("--shutdown-grace");
        Cli.Result port = Cli.run("serve", "--data-dir", dir.resolve("data").toString(), "--metrics-port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.stderr()).contains("--metrics-port");
    }

    @Test
    void a_negative_shutdown_drain_is_refused_and_help_names_the_drain_and_the_metrics_host() {
        Cli.Result drain = Cli.run("serve", "--data-dir", dir.resolve("data").toString(), "--shutdown-drain", "-1");
        assertThat(drain.exitCode()).isEqualTo(2);
        assertThat(drain.stderr()).contains("--shutdown-drain");
        assertThat(dir.resolve("data")).doesNotExist();
        Cli.Result help = Cli.run("serve", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--shutdown-drain", "TimeoutStopSec",
                "--metrics-host", "127.0.0.1");
    }
}
