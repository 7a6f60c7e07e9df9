package org.safelight.accounts.internal;

import static org.safelight.server.http.Html.escape;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The few HTML pages accounts serves itself: what opening an email link shows, and the password
 * reset form. No script at all; the one style block is allowed by its hash, and the page forbids
 * framing and sends no Referer, so a token in the address does not travel on.
 */
public final class Pages {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;"
            + "padding:0 1rem;line-height:1.5;color:#1d2733}h1{font-size:1.4rem}label{display:block;margin-top:1rem}"
            + "input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}"
            + "input[type=checkbox]{display:inline;width:auto;margin-right:.5rem}"
            + "button{margin-top:1.2rem;padding:.5rem 1.2rem;font-size:1rem}.error{color:#a31515}";
    private static final String CSP = "default-src 'none'; style-src 'sha256-" + sha256Base64(STYLE)
            + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private Pages() {
    }

    /** A page with a heading and one paragraph. */
    public static void message(Context ctx, int status, String heading, String text) {
        send(ctx, status, heading, "<h1>" + escape(heading) + "</h1>\n<p>" + escape(text) + "</p>\n");
    }

    /**
     * What the verification link opens: the password chosen at sign-up and one button, posting back
     * to {@code action} (the link's own address). Opening the link changes nothing, so a mail scanner
     * that follows it confirms nothing; and only the person who signed up knows the password, so the
     * owner of a mailbox who presses the button of someone else's sign-up confirms nothing either.
     *
     * @param error why the form came back (shown above it), or null
     */
    public static void verifyForm(Context ctx, int status, String action, String error) {
        StringBuilder body = new StringBuilder("<h1>Confirm your email address</h1>\n");
        if (error != null && !error.isEmpty()) {
            body.append("<p class=\"error\">").append(escape(error)).append("</p>\n");
        }
        body.append("<p>Enter the password you chose when you signed up, then press the button to confirm that this"
                        + " address is yours and finish creating your Safelight account.</p>\n")
                .append("<p>If you did not sign up for Safelight, ignore this page and the mail: without that password"
                        + " the account stays unconfirmed and nobody can sign in to it.</p>\n")
                .append("<form method=\"post\" action=\"").append(escape(action)).append("\">\n")
                .append("<label for=\"password\">The password you chose when you signed up</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\""
                        + " required>\n")
                .append("<button type=\"submit\">Confirm my address</button>\n</form>\n");
        send(ctx, status, "Confirm your email address", body.toString());
    }

    /** An enterprise credential a reset page lists: its kind in words, id, last four characters, creation. */
    public record Credential(String kind, String id, String last4, String createdAt) {
    }

    /**
     * The form to choose a new password; it posts (no script) to the completion route.
     *
     * @param action the completion route relative to the address this page is answered at, so that
     *               it works behind a path prefix too
     */
    public static void resetForm(Context ctx, int status, String action, String token, String error,
                                 java.util.List<Credential> credentials) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Choose a new password</h1>\n");
        if (error != null && !error.isEmpty()) {
            body.append("<p class=\"error\">").append(escape(error)).append("</p>\n");
        }
        body.append("<form method=\"post\" action=\"").append(escape(action)).append("\">\n")
                .append("<input type=\"hidden\" name=\"token\" value=\"").append(escape(token)).append("\">\n")
                .append("<label for=\"password\">New password (at least 10 characters)</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\""
                        + " minlength=\"10\" required>\n")
                .append("<label for=\"password_confirm\">The same password again</label>\n")
                .append("<input id=\"password_confirm\" name=\"password_confirm\" type=\"password\""
                        + " autocomplete=\"new-password\" minlength=\"10\" required>\n");
        if (!credentials.isEmpty()) {
            body.append("<h2>Credentials made since this address was confirmed</h2>\n<p>This account administers an"
                    + " enterprise. If you do not know every one of these, someone else may have used the account:"
                    + " revoke them all here, then make new ones for the machines that need them.</p>\n<ul>\n");
            for (Credential c : credentials) {
                body.append("<li>").append(escape(c.kind())).append(" ").append(escape(c.id())).append(" (ends in ")
                        .append(escape(c.last4())).append("), made ").append(escape(c.createdAt())).append("</li>\n");
            }
            body.append("</ul>\n<label><input type=\"checkbox\" name=\"revoke_credentials\" value=\"yes\""
                    + " checked> Revoke all of them</label>\n");
        }
        body.append("<button type=\"submit\">Set the new password</button>\n</form>\n");
        send(ctx, status, "Choose a new password", body.toString());
    }

    private static void send(Context ctx, int status, String title, String body) {
        ctx.status(status)
                .header("Content-Security-Policy", CSP)
                .header("Referrer-Policy", "no-referrer")
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store")
                .html("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                        + "<title>" + escape(title) + " · Safelight</title>\n<style>" + STYLE + "</style>\n"
                        + "</head>\n<body>\n" + body + "</body>\n</html>\n");
    }

    private static String sha256Base64(String s) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
