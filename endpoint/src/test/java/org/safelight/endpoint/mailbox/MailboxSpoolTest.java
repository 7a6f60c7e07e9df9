package org.safelight.endpoint.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.endpoint.intake.Intake;
import org.safelight.endpoint.intake.Senders;

/** The folder the mailbox intake copies each message into while it takes the reports out. */
class MailboxSpoolTest {
    private static final Intake REFUSING = (file, arrival) -> {
        throw new AssertionError("nothing is received here");
    };

    @TempDir
    Path dir;

    private static MailboxSettings settings() {
        return new MailboxSettings("imaps", "picsafe", "localhost", 993, "INBOX", "secret",
                Duration.ofSeconds(60), true, "localhost");
    }

    private MailboxIntake intake(Path spool) {
        return new MailboxIntake(settings(), REFUSING, Senders.anyone(), Clock.systemUTC(), spool);
    }

    @Test
    void a_missing_spool_folder_is_created_for_the_endpoint_alone() throws Exception {
        Path spool = dir.resolve("endpoint").resolve("mail-spool");
        intake(spool).close();
        assertThat(Files.getPosixFilePermissions(spool)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void copies_a_crash_left_are_deleted_at_start_and_other_files_are_kept() throws Exception {
        Path spool = Files.createDirectories(dir.resolve("mail-spool"));
        Files.setPosixFilePermissions(spool, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path left = Files.writeString(spool.resolve(MailboxPass.SPOOL_PREFIX + "123.eml"), "a patient's mail");
        Path other = Files.writeString(spool.resolve("notes.txt"), "not ours");
        intake(spool).close();
        assertThat(left).as("the copy of a message still in the mailbox").doesNotExist();
        assertThat(other).hasContent("not ours");
        assertThat(Files.getPosixFilePermissions(spool)).as("a loose mode is tightened")
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void a_spool_folder_that_cannot_be_made_stops_the_endpoint_with_its_name() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> intake(file.resolve("mail-spool")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("mail-spool");
    }
}
