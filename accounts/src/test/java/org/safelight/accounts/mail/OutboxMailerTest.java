package org.safelight.accounts.mail;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.testing.MutableClock;
import org.safelight.accounts.testing.Outbox;

class OutboxMailerTest {
    @TempDir
    Path dataDir;

    @Test
    void each_message_becomes_an_eml_file_in_the_outbox_that_only_the_owner_can_read() throws Exception {
        MutableClock clock = new MutableClock();
        OutboxMailer mailer = new OutboxMailer(dataDir, "Safelight <no-reply@safelight.test>", clock);
        mailer.send(AccountMails.verifyAddress("ada@hospital.org", "https://s.test/verify?token=first"));
        mailer.send(AccountMails.resetPassword("ada@hospital.org", "https://s.test/reset?token=second"));

        Path outbox = dataDir.resolve("outbox");
        List<Path> files;
        try (Stream<Path> s = Files.list(outbox)) {
            files = s.sorted().toList();
        }
        assertThat(files).hasSize(2).allSatisfy(f -> {
            assertThat(f.getFileName().toString()).matches("20261122T100000000Z-\\d{6}-[0-9a-f]{16}\\.eml");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        });
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(outbox))).isEqualTo("rwx------");

        List<MimeMessage> messages = new Outbox(outbox).messages();
        assertThat(messages.get(0).getSubject()).isEqualTo("Confirm your email address for Safelight");
        assertThat(Outbox.linkIn(messages.get(0))).isEqualTo("https://s.test/verify?token=first");
        assertThat(Outbox.linkIn(messages.get(1))).isEqualTo("https://s.test/reset?token=second");
        assertThat(Outbox.recipient(messages.get(1))).isEqualTo("ada@hospital.org");
        assertThat(messages.get(1).getSentDate().toInstant()).isEqualTo(clock.instant());
    }

    @Test
    void the_log_names_the_file_but_never_the_link() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            new OutboxMailer(dataDir).send(AccountMails.verifyAddress("ada@hospital.org",
                    "https://s.test/verify?token=SECRET-TOKEN-VALUE"));
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains(dataDir.resolve("outbox").toString()).contains(".eml");
        assertThat(log).doesNotContain("SECRET-TOKEN-VALUE");
    }

    @Test
    void no_half_written_file_is_left_behind() throws Exception {
        new OutboxMailer(dataDir).send(new MailMessage("a@b.org", "s", "b"));
        try (Stream<Path> s = Files.list(dataDir.resolve("outbox"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }
}
