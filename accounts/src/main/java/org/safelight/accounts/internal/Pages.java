package org.safelight.accounts.internal;

import static org.safelight.server.http.Html.escape;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The few HTML pages accounts serves itself: what opening an email link shows, and the password
 * reset form. They carry My Safelight's look (its colours, header and card, in one style block
 * allowed by its hash: the accounts role may run apart from the web role, so no stylesheet is
 * fetched), fit a 390 px phone, and need no script at all. An error stands next to its field,
 * which is marked {@code aria-invalid} and focused; a page that ends a task links onward to My
 * Safelight's sign-in. The page forbids framing and sends no Referer, so a token in the address
 * does not travel on.
 */
public final class Pages {
    private static final String STYLE = ":root{--ink:#1d2733;--muted:#5b6775;--edge:#6b7785;--accent:#0b5cad;"
            + "--bad:#a31515;--bg:#f5f7fa}*{box-sizing:border-box}"
            + "body{margin:0;font-family:system-ui,sans-serif;color:var(--ink);background:var(--bg);line-height:1.5}"
            + "header{padding:.6rem 1rem;background:#fff;border-bottom:1px solid var(--edge)}"
            + ".brand{font-weight:700;color:var(--accent);text-decoration:none;font-size:1.15rem;display:inline-block;"
            + "min-height:44px;line-height:44px}"
            + "main{max-width:30rem;margin:1.5rem auto;padding:0 1rem}"
            + ".card{background:#fff;border:1px solid var(--edge);border-radius:8px;padding:1rem 1.25rem;"
            + "overflow-wrap:anywhere}"
            + "h1{font-size:1.4rem;margin-top:.2rem}h2{font-size:1.1rem}label{display:block;margin-top:1rem}"
            + "input{display:block;width:100%;min-height:44px;padding:.45rem;font-size:1rem;border:1px solid var(--edge);"
            + "border-radius:4px}input[aria-invalid=true]{border:2px solid var(--bad)}"
            + "input[type=checkbox]{display:inline-block;width:1.4rem;min-height:1.4rem;margin-right:.5rem;"
            + "vertical-align:middle}"
            + "button,.button{display:inline-block;min-height:44px;margin-top:1.2rem;padding:.55rem 1.2rem;"
            + "font-size:1rem;border:1px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;"
            + "text-decoration:none;cursor:pointer}"
            + "a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid var(--accent);"
            + "outline-offset:2px}"
            + ".error{color:var(--bad);font-weight:600;margin:.3rem 0 0}.hint{color:var(--muted);font-size:.92rem}";
    private static final String CSP = "default-src 'none'; style-src 'sha256-" + sha256Base64(STYLE)
            + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /** Where a page links onward: the address (relative to the page) and the words of the link. */
    public record Onward(String href, String words) {
    }

    /** What a form came back with: the field it concerns ({@code id} of its input) and why, in words. */
    public record FieldError(String field, String message) {
    }

    /** An enterprise credential a reset page lists: its kind in words, id, last four characters, creation. */
    public record Credential(String kind, String id, String last4, String createdAt) {
    }

    private Pages() {
    }

    /** A page with a heading and one paragraph. */
    public static void message(Context ctx, int status, String heading, String text) {
        message(ctx, status, heading, text, null);
    }

    /** A page with a heading, one paragraph and, unless {@code onward} is null, a link onward as a button. */
    public static void message(Context ctx, int status, String heading, String text, Onward onward) {
        StringBuilder body = new StringBuilder("<h1>").append(escape(heading)).append("</h1>\n<p>").append(escape(text))
                .append("</p>\n");
        if (onward != null) {
            body.append("<p><a class=\"button\" href=\"").append(escape(onward.href())).append("\">")
                    .append(escape(onward.words())).append("</a></p>\n");
        }
        send(ctx, status, heading, body.toString());
    }

    /**
     * What the verification link opens: the password chosen at sign-up and one button, posting back
     * to {@code action} (the link's own address). Opening the link changes nothing, so a mail scanner
     * that follows it confirms nothing; and only the person who signed up knows the password, so the
     * owner of a mailbox who presses the button of someone else's sign-up confirms nothing either.
     *
     * @param error why the form came back (shown next to the password), or null
     */
    public static void verifyForm(Context ctx, int status, String action, String error) {
        StringBuilder body = new StringBuilder("<h1>Confirm your email address</h1>\n");
        body.append("<p>Enter the password you chose when you signed up, then press the button to confirm that this"
                        + " address is yours and finish creating your Safelight account.</p>\n")
                .append("<p class=\"hint\">If you did not sign up for Safelight, ignore this page and the mail: without"
                        + " that password the account stays unconfirmed and nobody can sign in to it.</p>\n")
                .append("<form method=\"post\" action=\"").append(escape(action)).append("\">\n");
        field(body, "password", "The password you chose when you signed up", "current-password", null,
                error == null || error.isEmpty() ? null : error);
        body.append("<button type=\"submit\">Confirm my address</button>\n</form>\n");
        send(ctx, status, "Confirm your email address", body.toString());
    }

    /**
     * The form to choose a new password; it posts (no script) to the completion route.
     *
     * @param action the completion route relative to the address this page is answered at, so that
     *               it works behind a path prefix too
     * @param error  why the form came back, next to the field it concerns ({@code password} or
     *               {@code password_confirm}), or null
     */
    public static void resetForm(Context ctx, int status, String action, String token, FieldError error,
                                 List<Credential> credentials) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Choose a new password</h1>\n")
                .append("<form method=\"post\" action=\"").append(escape(action)).append("\">\n")
                .append("<input type=\"hidden\" name=\"token\" value=\"").append(escape(token)).append("\">\n");
        field(body, "password", "New password", "new-password", "At least 10 characters; a few words are easy to"
                + " type and hard to guess.", error != null && !error.field().equals("password_confirm")
                ? error.message() : null);
        field(body, "password_confirm", "The same password again", "new-password", null,
                error != null && error.field().equals("password_confirm") ? error.message() : null);
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

    /** A labelled password field, its hint and its error below it; an erroneous field is marked and focused. */
    private static void field(StringBuilder body, String id, String label, String autocomplete, String hint,
                              String error) {
        body.append("<label for=\"").append(id).append("\">").append(escape(label)).append("</label>\n");
        if (hint != null) {
            body.append("<p class=\"hint\" id=\"").append(id).append("-hint\">").append(escape(hint)).append("</p>\n");
        }
        String describedBy = ((hint != null ? id + "-hint " : "") + (error != null ? id + "-error" : "")).strip();
        body.append("<input id=\"").append(id).append("\" name=\"").append(id).append("\" type=\"password\"")
                .append(" autocomplete=\"").append(autocomplete).append("\" required");
        if (autocomplete.equals("new-password")) {
            body.append(" minlength=\"10\"");
        }
        if (!describedBy.isEmpty()) {
            body.append(" aria-describedby=\"").append(describedBy).append("\"");
        }
        if (error != null) {
            body.append(" aria-invalid=\"true\" autofocus");
        }
        body.append(">\n");
        if (error != null) {
            body.append("<p class=\"error\" id=\"").append(id).append("-error\">").append(escape(error)).append("</p>\n");
        }
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
                        + "</head>\n<body>\n<header><span class=\"brand\">Safelight</span></header>\n"
                        + "<main>\n<div class=\"card\">\n" + body + "</div>\n</main>\n</body>\n</html>\n");
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
