package org.safelight.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.cli.serve.SafelightServer;

/**
 * The data folder is private whatever the umask: what the server creates is created owner-only,
 * and what it finds open to others at start is narrowed (when it is ours) or stops the start.
 */
class DataFolderPermissionsTest {
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @TempDir
    Path dir;

    /** Every path under {@code root} that others may access, with its mode. */
    private static Map<String, String> openToOthers(Path root) throws Exception {
        Map<String, String> open = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                if (perms.stream().anyMatch(OTHERS::contains)) {
                    open.put(root.relativize(p).toString(), PosixFilePermissions.toString(perms));
                }
            }
        }
        return open;
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void a_new_data_folder_and_everything_the_server_writes_in_it_are_owner_only() throws Exception {
        Path data = dir.resolve("data");
        try (SafelightServer server = TestServer.start(data)) {
            // a sign-up writes the database (its WAL and SHM files) and a message into the outbox
            new TestUsers(dir, data, server.url().toString()).signUpVerifyAndLogIn("ada", "ada@hospital.example");

            assertThat(data.resolve("safelight.db-wal")).exists();
            assertThat(data.resolve("outbox")).isDirectory();
            assertThat(openToOthers(data)).isEmpty();
            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(data.resolve("safelight.db"))).isEqualTo("rw-------");
            assertThat(mode(data.resolve("safelight.db-shm"))).isEqualTo("rw-------");
        }
    }

    @Test
    void an_existing_folder_open_to_others_is_narrowed_at_start() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path db = Files.createFile(data.resolve("safelight.db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Path policy = Files.writeString(data.resolve("blacklist"), "# nobody\n");
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-rw-r--"));
        Path cloud = Files.createDirectories(data.resolve("cloud/AU"));
        Files.setPosixFilePermissions(cloud, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path blob = Files.write(cloud.resolve("old-blob"), new byte[] {1});
        Files.setPosixFilePermissions(blob, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(openToOthers(data)).hasSize(6);

        try (SafelightServer server = TestServer.start(data)) {
            assertThat(server.database()).isNotNull();
            assertThat(openToOthers(data)).isEmpty();
            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(db)).isEqualTo("rw-------");
            assertThat(mode(cloud)).isEqualTo("rwx------");
            assertThat(mode(blob)).isEqualTo("rw-------");
            assertThat(mode(policy)).isEqualTo("rw-------");
        }
    }

    @Test
    void a_master_key_others_could_read_is_never_narrowed_silently() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path key = Files.writeString(data.resolve("master.key"), "c2FmZWxpZ2h0LXRlc3QtbWFzdGVyLWtleS0zMmJ5dGU=\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> TestServer.start(data).close())
                .hasMessageContaining(key.toString()).hasMessageContaining("chmod 600");
        assertThat(mode(key)).isEqualTo("rw-r--r--");
    }

    @Test
    void a_file_open_to_others_that_is_not_ours_to_narrow_stops_the_start_naming_it() throws Exception {
        UserPrincipal nobody;
        try {
            nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (java.io.IOException e) {
            nobody = null;
        }
        assumeTrue(nobody != null && "root".equals(System.getProperty("user.name")),
                "giving a file to another user needs root");
        Path data = Files.createDirectory(dir.resolve("data"));
        Path db = Files.createFile(data.resolve("safelight.db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setOwner(db, nobody);

        assertThatThrownBy(() -> TestServer.start(data).close())
                .isInstanceOf(org.safelight.cli.serve.DataFolder.NotPrivateException.class)
                .hasMessageContaining(db.toString()).hasMessageContaining("chmod 600");
        assertThat(mode(db)).isEqualTo("rw-r--r--");
    }
}
