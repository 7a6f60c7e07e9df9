package org.safelight.packaging.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The package on this machine as an admin uses it: {@code dpkg -i}, the service started as its
 * unit starts it, a user who signs up, an upgrade to a newer package, {@code dpkg -r} and
 * {@code dpkg -P}. Needs root, and a machine without a safelight package of its own (CI's).
 */
class DebInstallIT {
    private static final Path DATA = Path.of("/var/lib/safelight");
    private static final Path CONF = Path.of("/etc/safelight/safelight.conf");
    private static final Path ENV = Path.of("/etc/safelight/safelight.env");
    private static final Map<String, String> NONINTERACTIVE = Map.of("DEBIAN_FRONTEND", "noninteractive");
    private static final String EMAIL = "dana.packager@hospital.example";
    private static final String PASSWORD = "lantern pebble orchard 4711";

    private final Path work = Path.of(System.getProperty("safelight.deb.dir", "target"), "deb-it");
    private boolean userExisted;

    @BeforeEach
    void thisMachineCanTakeThePackage() throws IOException {
        for (String[] tool : List.of(new String[] {"dpkg", "dpkg"}, new String[] {"dpkg-deb", "dpkg"},
                new String[] {"setpriv", "util-linux"}, new String[] {"systemd-analyze", "systemd"})) {
            Commands.requireTool(tool[0], tool[1]);
        }
        Commands.require(Commands.root(), "installing a package needs root (CI runs as root)");
        Commands.require(Commands.run("dpkg-query", "-W", "safelight").code() != 0,
                "a safelight package is already on this machine, which this test would replace and purge");
        userExisted = Commands.run("getent", "passwd", "safelight").code() == 0;
        Files.createDirectories(work);
        Files.deleteIfExists(work.resolve("serve.log"));
    }

    @Test
    void it_installs_serves_and_keeps_its_data_and_edited_settings_through_an_upgrade_and_a_removal_until_purged()
            throws Exception {
        Path first = BuiltPackage.file();
        String version = Commands.run("dpkg-deb", "--field", first.toString(), "Version").ok().out().strip();
        try {
            Commands.run(List.of("dpkg", "-i", first.toString()), NONINTERACTIVE).ok();
            assertThat(status()).isEqualTo("install ok installed " + version);
            installedAsDocumented();
            int port = freePort();
            String masterKey = firstRun(port);

            Commands.run(List.of("dpkg", "-i", "--force-confold", nextVersion(first, version + "+next").toString()),
                    NONINTERACTIVE).ok();
            assertThat(status()).isEqualTo("install ok installed " + version + "+next");
            upgraded(port, masterKey);

            Commands.run(List.of("dpkg", "-r", "safelight"), NONINTERACTIVE).ok();
            assertThat(status()).startsWith("deinstall ok config-files");
            removedButDataKept(port, masterKey);

            Commands.run(List.of("dpkg", "-P", "safelight"), NONINTERACTIVE).ok();
            assertThat(Commands.run("dpkg-query", "-W", "safelight").code()).isNotZero();
            assertThat(DATA).as("data removed on purge").doesNotExist();
            assertThat(Path.of("/etc/safelight")).doesNotExist();
            assertThat(unitLinks()).as("systemd links left in /etc/systemd/system").isEmpty();
            assertThat(Commands.run("getent", "passwd", "safelight").code()).as("the system user stays").isZero();
        } finally {
            cleanUp();
        }
    }

    /** A refused setting, then the admin's port, a user who signs up, a clean stop; the master key's hash. */
    private String firstRun(int port) throws Exception {
        // a typo in the settings stops the start with the status the unit does not restart on
        String conf = Files.readString(CONF);
        Files.writeString(CONF, conf + "prot=8081\n");
        assertThat(InstalledService.refusedStart(work.resolve("serve.log"))).isEqualTo(Integer.parseInt(
                Unit.parse(Files.readString(Path.of("/lib/systemd/system/safelight.service")))
                        .get("RestartPreventExitStatus")));
        Files.writeString(CONF, conf.replace("\nport=8080\n", "\nport=" + port + "\n"));
        try (InstalledService service = InstalledService.start(port, work.resolve("serve.log"))) {
            new Accounts(service.url, DATA).signUpAndConfirm(EMAIL, PASSWORD);
            assertThat(new Accounts(service.url, DATA).signIn(EMAIL, PASSWORD)).isEqualTo(200);
            assertThat(service.stop()).as("exit status on SIGTERM (the unit's SuccessExitStatus)").isEqualTo(143);
        }
        assertOwnedBySafelight(DATA.resolve("master.key"), "rw-------");
        assertOwnedBySafelight(DATA.resolve("safelight.db"), "rw-------");
        // the operator's command from the README, as the service's user with the service's secrets
        Commands.run("runuser", "-u", "safelight", "--", "sh", "-c", "cd / && set -a && . " + ENV
                + " && exec safelight audit verify --config " + CONF + " --data-dir " + DATA).ok();
        return sha256(DATA.resolve("master.key"));
    }

    private void upgraded(int port, String masterKey) throws Exception {
        // the admin's edit stays; the package's new text waits beside it
        assertThat(Files.readString(CONF)).contains("\nport=" + port + "\n").doesNotContain("next version");
        assertThat(Files.readString(Path.of(CONF + ".dpkg-dist"))).contains("next version");
        assertThat(attributes(ENV).group().getName()).isEqualTo("safelight");
        assertOwnedBySafelight(DATA, "rwx------");
        assertThat(sha256(DATA.resolve("master.key"))).isEqualTo(masterKey);
        try (InstalledService service = InstalledService.start(port, work.resolve("serve.log"))) {
            Accounts accounts = new Accounts(service.url, DATA);
            assertThat(accounts.signIn(EMAIL, PASSWORD)).as("the user of the old version signs in").isEqualTo(200);
            assertThat(accounts.signIn(EMAIL, PASSWORD + "!")).isEqualTo(401);
            assertThat(service.stop()).isEqualTo(143);
        }
    }

    private void removedButDataKept(int port, String masterKey) throws IOException {
        assertThat(Path.of("/usr/bin/safelight")).doesNotExist();
        assertThat(Path.of("/usr/share/safelight")).doesNotExist();
        assertThat(Path.of("/lib/systemd/system/safelight.service")).doesNotExist();
        assertOwnedBySafelight(DATA, "rwx------");
        assertThat(sha256(DATA.resolve("master.key"))).as("data kept on remove").isEqualTo(masterKey);
        assertThat(DATA.resolve("safelight.db")).exists();
        assertThat(Files.readString(CONF)).contains("\nport=" + port + "\n");
    }

    private void installedAsDocumented() throws IOException {
        String[] user = Commands.run("getent", "passwd", "safelight").ok().out().strip().split(":");
        assertThat(Integer.parseInt(user[2])).as("a system user's uid").isLessThan(1000);
        assertThat(user[5]).isEqualTo("/var/lib/safelight");
        assertThat(user[6]).isEqualTo("/usr/sbin/nologin");
        assertThat(Commands.run("getent", "group", "safelight").code()).isZero();
        assertOwnedBySafelight(DATA, "rwx------");
        assertThat(attributes(ENV).owner().getName()).isEqualTo("root");
        assertThat(attributes(ENV).group().getName()).isEqualTo("safelight");
        assertThat(PosixFilePermissions.toString(attributes(ENV).permissions())).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(attributes(CONF).permissions())).isEqualTo("rw-r--r--");
        assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/safelight.service"))
                .as("enabled for the next boot").isSymbolicLink();
        Commands.Result verify = Commands.run("systemd-analyze", "verify", "/lib/systemd/system/safelight.service");
        assertThat(verify.code()).as(verify.err()).isZero();
        assertThat(Commands.run("/usr/bin/safelight", "--version").ok().out())
                .startsWith("safelight " + BuiltPackage.mavenVersion());
    }

    /** The first package repacked as a newer version whose configuration file changed. */
    private Path nextVersion(Path first, String version) throws IOException {
        Path tree = work.resolve("next");
        Commands.run("rm", "-rf", tree.toString()).ok();
        Commands.run("dpkg-deb", "-R", first.toString(), tree.toString()).ok();
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: " + version));
        Path conf = tree.resolve("etc/safelight/safelight.conf");
        Files.writeString(conf, Files.readString(conf) + "# a setting of the next version would be here\n");
        Path sums = tree.resolve("DEBIAN/md5sums");
        Files.writeString(sums, Files.readString(sums).replaceFirst("(?m)^\\S+(  etc/safelight/safelight\\.conf)$",
                md5(conf) + "$1"));
        Path deb = work.resolve("safelight_" + version + "_all.deb");
        Commands.run("dpkg-deb", "-Znone", "-b", tree.toString(), deb.toString()).ok();
        Commands.run("rm", "-rf", tree.toString()).ok();
        return deb;
    }

    private void cleanUp() {
        if (Commands.run("dpkg-query", "-W", "safelight").code() == 0) {
            Commands.run(List.of("dpkg", "-P", "safelight"), NONINTERACTIVE);
        }
        if (!userExisted && Commands.run("getent", "passwd", "safelight").code() == 0) {
            Commands.run("userdel", "safelight");
        }
        if (!userExisted && Commands.run("getent", "group", "safelight").code() == 0) {
            Commands.run("groupdel", "safelight");
        }
        Commands.run("rm", "-rf", work.resolve("next").toString());
        try (Stream<Path> debs = Files.list(work)) {
            for (Path deb : debs.filter(f -> f.toString().endsWith(".deb")).toList()) {
                Files.delete(deb);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String status() {
        return Commands.run("dpkg-query", "-W", "-f=${Status} ${Version}", "safelight").ok().out().strip();
    }

    private static List<Path> unitLinks() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("/etc/systemd/system"))) {
            return files.filter(f -> f.getFileName().toString().equals("safelight.service")).toList();
        }
    }

    private static void assertOwnedBySafelight(Path path, String mode) throws IOException {
        PosixFileAttributes a = attributes(path);
        assertThat(a.owner().getName()).as("owner of %s", path).isEqualTo("safelight");
        assertThat(a.group().getName()).as("group of %s", path).isEqualTo("safelight");
        assertThat(PosixFilePermissions.toString(a.permissions())).as("mode of %s", path).isEqualTo(mode);
    }

    private static PosixFileAttributes attributes(Path path) throws IOException {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String sha256(Path file) throws IOException {
        return digest("SHA-256", file);
    }

    private static String md5(Path file) throws IOException {
        return digest("MD5", file);
    }

    private static String digest(String algorithm, Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
