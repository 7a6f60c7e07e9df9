package org.safelight.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the package holds, read with dpkg-deb as an admin would before installing it. */
class DebPackageIT {
    @BeforeAll
    static void tools() {
        Commands.requireTool("dpkg-deb", "dpkg");
    }

    @Test
    void the_package_is_versioned_from_the_maven_version_and_asks_for_java_17_and_adduser() {
        Path deb = BuiltPackage.file();
        Map<String, String> control = fields(Commands.run("dpkg-deb", "--field", deb.toString()).ok().out());
        assertThat(control).containsEntry("Package", "safelight").containsEntry("Architecture", "all");
        String expected = BuiltPackage.mavenVersion().replace("-SNAPSHOT", "~snapshot");
        assertThat(control.get("Version")).isEqualTo(expected);
        assertThat(deb.getFileName()).hasToString("safelight_" + expected + "_all.deb");
        // a SNAPSHOT sorts before its release, so installing the release later is an upgrade
        if (expected.contains("~")) {
            Commands.run("dpkg", "--compare-versions", expected, "lt", expected.substring(0, expected.indexOf('~')))
                    .ok();
        }
        assertThat(control.get("Depends"))
                .contains("default-jre-headless (>= 2:1.17) | java17-runtime-headless").contains("adduser");
    }

    @Test
    void the_files_land_where_an_admin_looks_for_them_with_root_owning_them() {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : Commands.run("dpkg-deb", "--contents", BuiltPackage.file().toString()).ok().out().lines()
                .toList()) {
            String[] f = line.split("\\s+");
            // mode owner/group size date time path
            assertThat(f[1]).as("owner of %s", f[5]).isEqualTo("root/root");
            entries.put(f[5].replaceFirst("^\\.", ""), f[0]);
        }
        assertThat(entries).containsEntry("/usr/share/safelight/safelight.jar", "-rw-r--r--")
                .containsEntry("/usr/bin/safelight", "-rwxr-xr-x")
                .containsEntry("/etc/safelight/safelight.conf", "-rw-r--r--")
                .containsEntry("/etc/safelight/safelight.env", "-rw-r-----")
                .containsEntry("/lib/systemd/system/safelight.service", "-rw-r--r--");
        // the data folder is made by postinst for the system user, never unpacked (dpkg would own it)
        assertThat(entries.keySet()).noneMatch(p -> p.startsWith("/var/"));
    }

    @Test
    void both_files_in_etc_are_conffiles_and_the_maintainer_scripts_are_executable_sh(@TempDir Path dir) {
        Commands.run("dpkg-deb", "--control", BuiltPackage.file().toString(), dir.toString()).ok();
        assertThat(read(dir.resolve("conffiles")).lines())
                .containsExactlyInAnyOrder("/etc/safelight/safelight.conf", "/etc/safelight/safelight.env");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            Path file = dir.resolve(script);
            assertThat(file).isExecutable();
            assertThat(read(file)).startsWith("#!/bin/sh\n").contains("\nset -e\n");
            Commands.run("sh", "-n", file.toString()).ok();
        }
        // purge removes the data; plain remove must not
        String postrm = read(dir.resolve("postrm"));
        assertThat(postrm.substring(postrm.indexOf("\npurge)"))).contains("rm -rf /var/lib/safelight");
        assertThat(postrm.substring(postrm.indexOf("\nremove)"), postrm.indexOf("\npurge)")))
                .doesNotContain("/var/lib/safelight");
    }

    @Test
    void the_launcher_runs_the_installed_jar_with_java_and_passes_every_argument() {
        String launcher = read(BuiltPackage.source("bin/safelight"));
        assertThat(launcher).startsWith("#!/bin/sh\n")
                .contains("-jar /usr/share/safelight/safelight.jar \"$@\"").contains("exec ");
        Commands.run("sh", "-n", BuiltPackage.source("bin/safelight").toString()).ok();
    }

    @Test
    void the_configuration_file_sets_only_keys_serve_knows_and_holds_no_secret() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : read(BuiltPackage.source("etc/safelight.conf")).lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                settings.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        assertThat(settings).containsExactly(Map.entry("host", "127.0.0.1"), Map.entry("port", "8080"));
        assertThat(read(BuiltPackage.source("etc/safelight.env")).lines())
                .allMatch(line -> line.isBlank() || line.startsWith("#"));
    }

    static Map<String, String> fields(String control) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : control.lines().toList()) {
            int colon = line.indexOf(':');
            if (!line.startsWith(" ") && colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
