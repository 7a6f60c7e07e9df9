package org.safelight.client.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportEmailTest {
    private static final String ID = "0000000011462800528240";

    @TempDir
    Path dir;

    @Test
    void an_address_is_one_mailbox_without_a_name_or_a_list() {
        assertThat(ReportEmail.address(" picsafe@hospital.example ").getAddress()).isEqualTo("picsafe@hospital.example");
        for (String bad : new String[] {"IT <it@hospital.example>", "a@b.example, c@d.example", "no-at-sign",
            "a@b.example\r\nBcc: x@y.example", ""}) {
            assertThatThrownBy(() -> ReportEmail.address(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not one email address");
        }
    }

    @Test
    void a_saved_draft_reads_back_with_the_report_attached_and_is_marked_unsent() throws Exception {
        Path sealed = Files.write(dir.resolve("x.picsafe"), new byte[] {'P', 'K', 3, 4, 0, (byte) 0xff});
        MimeMessage m = ReportEmail.compose(ReportEmail.offline(), ReportEmail.address("ada@hospital.example"),
                ReportEmail.address("picsafe@hospital.example"), sealed, ID, "https://safelight.example",
                Instant.parse("2026-11-27T10:00:00Z"));
        Path eml = dir.resolve("out/draft.eml");

        ReportEmail.saveDraft(m, eml);

        MimeMessage read;
        try (InputStream in = Files.newInputStream(eml)) {
            read = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        assertThat(read.getHeader("X-Unsent")).containsExactly("1");
        assertThat(read.getSentDate().toInstant()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
        Multipart parts = (Multipart) read.getContent();
        assertThat((String) parts.getBodyPart(0).getContent()).contains("safelight open " + ID + ".picsafe",
                "https://safelight.example");
        Part file = parts.getBodyPart(1);
        assertThat(file.getDisposition()).isEqualToIgnoringCase(Part.ATTACHMENT);
        assertThat(file.getFileName()).isEqualTo(ID + ".picsafe");
        try (InputStream in = file.getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(sealed));
        }
        assertThatThrownBy(() -> ReportEmail.saveDraft(m, eml)).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }
}
