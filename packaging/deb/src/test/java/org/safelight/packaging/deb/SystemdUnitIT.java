package org.safelight.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The service's unit: how it runs the server, and what the server may do. */
class SystemdUnitIT {
    private static final Path UNIT = BuiltPackage.source("systemd/safelight.service");
    private final Unit unit = Unit.parse(DebPackageIT.read(UNIT));

    @Test
    void it_runs_serve_as_the_system_user_on_the_packaged_configuration_and_data_folder() {
        assertThat(unit.execStart()).containsExactly("/usr/bin/safelight", "serve", "--config",
                "/etc/safelight/safelight.conf", "--data-dir", "/var/lib/safelight");
        assertThat(unit.get("User")).isEqualTo("safelight");
        assertThat(unit.get("Group")).isEqualTo("safelight");
        assertThat(unit.get("EnvironmentFile")).isEqualTo("-/etc/safelight/safelight.env");
        assertThat(unit.get("StateDirectory")).isEqualTo("safelight");
        assertThat(unit.get("StateDirectoryMode")).isEqualTo("0700");
        assertThat(unit.get("Restart")).isEqualTo("on-failure");
        // cli Failures.USAGE: a configuration the server refuses
        assertThat(unit.get("RestartPreventExitStatus")).isEqualTo("2");
        assertThat(unit.get("WantedBy")).isEqualTo("multi-user.target");
    }

    @Test
    void it_waits_longer_than_the_shutdown_grace_and_counts_the_jvm_exit_on_sigterm_as_a_success() {
        // serve's --shutdown-grace defaults to 20 s; the JVM exits 143 (128 + SIGTERM) after its hooks
        assertThat(Integer.parseInt(unit.get("TimeoutStopSec"))).isGreaterThan(20 + 10);
        assertThat(unit.get("SuccessExitStatus")).isEqualTo("143");
    }

    @Test
    void it_is_hardened_but_lets_the_jit_compiler_write_executable_memory() {
        assertThat(unit.directives()).containsAllEntriesOf(Map.ofEntries(
                Map.entry("NoNewPrivileges", List.of("yes")),
                Map.entry("PrivateTmp", List.of("yes")),
                Map.entry("PrivateDevices", List.of("yes")),
                Map.entry("ProtectSystem", List.of("strict")),
                Map.entry("ProtectHome", List.of("yes")),
                Map.entry("ReadWritePaths", List.of("/var/lib/safelight")),
                Map.entry("ProtectKernelTunables", List.of("yes")),
                Map.entry("ProtectKernelModules", List.of("yes")),
                Map.entry("ProtectControlGroups", List.of("yes")),
                Map.entry("RestrictAddressFamilies", List.of("AF_INET AF_INET6 AF_UNIX")),
                Map.entry("RestrictNamespaces", List.of("yes")),
                Map.entry("LockPersonality", List.of("yes")),
                Map.entry("CapabilityBoundingSet", List.of("")),
                Map.entry("UMask", List.of("0077"))));
        assertThat(unit.directives()).doesNotContainKey("MemoryDenyWriteExecute");
    }

    @Test
    void systemd_rates_its_exposure_below_3_5_of_10() {
        Commands.requireTool("systemd-analyze", "systemd");
        // --threshold is on systemd's 0-100 scale; the command fails above it (this unit: 3.2 with systemd 252)
        Commands.Result security = Commands.run("systemd-analyze", "security", "--offline=true", "--threshold=35",
                "--no-pager", UNIT.toString());
        assertThat(security.code()).as(security.out() + security.err()).isZero();
        assertThat(security.out()).containsPattern("Overall exposure level for safelight.service: [0-3]\\.\\d");
    }
}
