package org.safelight.accounts.mail;

/** The texts of the messages accounts sends, in plain words. */
public final class AccountMails {
    private AccountMails() {
    }

    public static MailMessage verifyAddress(String to, String firstName, String link) {
        return new MailMessage(to, "Confirm your email address for Safelight", """
                Hello %s,

                A Safelight account was just created with this email address. To confirm
                that the address is yours, open this link within 24 hours:

                %s

                The link works once. Until the address is confirmed, reports cannot be
                opened with this account.

                If you did not sign up for Safelight, you can ignore this message: nothing
                more will be sent and the account stays unconfirmed.

                Safelight
                """.formatted(firstName, link));
    }

    public static MailMessage resetPassword(String to, String firstName, String link) {
        return new MailMessage(to, "Choose a new Safelight password", """
                Hello %s,

                Someone asked to choose a new password for the Safelight account of this
                email address. If it was you, open this link within one hour and pick the
                new password:

                %s

                The link works once. Setting a new password signs this account out on every
                device.

                If you did not ask for this, ignore this message: your password stays as it
                is and nobody else can use this link without access to your mailbox.

                Safelight
                """.formatted(firstName, link));
    }
}
