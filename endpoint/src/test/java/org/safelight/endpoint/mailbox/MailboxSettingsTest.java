package org.safelight.endpoint.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailboxSettingsTest {
    @TempDir
    Path dir;

    @Test
    void a_mailbox_url_names_user_host_port_and_folder_and_the_user_may_be_an_address() throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "s3cret pass\n");
        MailboxSettings s = MailboxSettings.parse("imaps://picsafe@hospital.example@mail.hospital.example:10993/INBOX",
                password);
        assertThat(s.user()).isEqualTo("picsafe@hospital.example");
        assertThat(s.host()).isEqualTo("mail.hospital.example");
        assertThat(s.port()).isEqualTo(10993);
        assertThat(s.folder()).isEqualTo("INBOX");
        assertThat(s.password()).isEqualTo("s3cret pass");
        assertThat(s.useIdle()).isTrue();
        assertThat(s.toString()).doesNotContain("s3cret").doesNotContain("picsafe");

        MailboxSettings plain = MailboxSettings.parse("imap://reports%40hospital.example@mail.hospital.example", password);
        assertThat(plain.user()).isEqualTo("reports@hospital.example");
        assertThat(plain.port()).isEqualTo(143);
        assertThat(plain.folder()).isEqualTo("INBOX");
        assertThat(plain.sessionProperties()).containsEntry("mail.imap.starttls.required", "true");
        assertThat(MailboxSettings.parse("imaps://u@h/Reports/PicSafe", password).port()).isEqualTo(993);
        assertThat(MailboxSettings.parse("imaps://u@h/Reports/PicSafe", password).folder()).isEqualTo("Reports/PicSafe");
    }

    @Test
    void a_wrong_scheme_a_missing_user_or_an_empty_password_file_is_refused_with_what_to_fix() throws Exception {
        Path password = Files.writeString(dir.resolve("pw"), "s3cret\n");
        assertThatThrownBy(() -> MailboxSettings.parse("pop3://u@h/INBOX", password)).hasMessageContaining("imaps://");
        assertThatThrownBy(() -> MailboxSettings.parse("imaps://mail.hospital.example/INBOX", password))
                .hasMessageContaining("USER@");
        assertThatThrownBy(() -> MailboxSettings.parse("imaps://u@h:x/INBOX", password)).hasMessageContaining("port");
        assertThatThrownBy(() -> MailboxSettings.parse("imaps://u@h/INBOX", Files.writeString(dir.resolve("e"), "")))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> MailboxSettings.parse("imaps://u@h/INBOX", dir.resolve("missing")))
                .hasMessageContaining("cannot be read").hasMessageNotContaining("s3cret");
    }
}
