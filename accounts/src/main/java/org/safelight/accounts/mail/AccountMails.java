package org.safelight.accounts.mail;

/**
 * The texts of the messages accounts sends, in plain words. They carry nothing a user typed (no
 * names): whoever signs up chooses the name, and a message to an address nobody has confirmed yet
 * must not carry a stranger's words (a link, a phishing line) under Safelight's name.
 */
public final class AccountMails {
    private AccountMails() {
    }

    public static MailMessage verifyAddress(String to, String link) {
        return new MailMessage(to, "Confirm your email address for Safelight", """
                Hello,

                A Safelight account was just created with this email address. To confirm
                that the address is yours, open this link within 24 hours, enter the password
                you chose when you signed up and press the button on the page:

                %s

                The link works once, and only with that password. Until the address is
                confirmed, nobody can sign in to this account. If someone signs up again with
                this address before it is confirmed, this link stops working and only the
                newest one counts.

                If you did not sign up for Safelight, ignore this mail: do not try to confirm
                the account. Nothing more will be sent and the account stays unconfirmed.

                Safelight
                """.formatted(link));
    }

    /** To the owner of a confirmed account when someone signs up with its address again. */
    public static MailMessage addressTaken(String to) {
        return new MailMessage(to, "Someone tried to create a Safelight account with your address", """
                Hello,

                Someone just tried to create a new Safelight account with this email
                address. It already has an account, so nothing was created and nothing
                about your account changed.

                If it was you, sign in with your password. If you forgot it, ask for a link
                to choose a new one where you sign in to Safelight.

                If it was not you, you need not do anything.

                Safelight
                """);
    }

    public static MailMessage resetPassword(String to, String link) {
        return new MailMessage(to, "Choose a new Safelight password", """
                Hello,

                Someone asked to choose a new password for the Safelight account of this
                email address. If it was you, open this link within one hour and pick the
                new password:

                %s

                The link works once. Setting a new password signs this account out on every
                device. If the account administers an enterprise, the page also lists the
                API keys and Key Server Tokens made since the address was confirmed, and
                lets you revoke them in the same step: do so for any you do not know.

                If you did not ask for this, ignore this message: your password stays as it
                is and nobody else can use this link without access to your mailbox.

                Safelight
                """.formatted(link));
    }
}
