package org.safelight.accounts.sends;

import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.safelight.accounts.mail.ReportMail;
import org.safelight.accounts.uploads.SendChannel;
import org.safelight.accounts.users.User;
import org.safelight.accounts.users.UserStore;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.Refusal;
import org.safelight.server.tokens.TokenVerifier;
import org.safelight.server.tokens.UserToken;

/**
 * The signed-in user's sends through this server:
 * <pre>
 * POST /api/v1/accounts/me/reports/{reportId}/email     multipart to, picsafe_file → {sent, to, report_id}
 * GET  /api/v1/accounts/me/destinations                 → {destinations: [{id, name, kind, static_key}]}
 * POST /api/v1/accounts/me/destinations/{id}/reports    multipart report_id, picsafe_file → {sent, name, report_id}
 * </pre>
 * Only a sealed report of the given ID goes ({@link SealedCheck}); the account's address must be
 * verified (no one sends mail in the name of an address they have not proved). The answer comes
 * once the mail server or endpoint took the report. Thread-safe.
 */
public final class SendHandlers {
    private final ReportSender sender;
    private final UserStore users;
    private final TokenVerifier verifier;

    public SendHandlers(ReportSender sender, UserStore users, TokenVerifier verifier) {
        this.sender = sender;
        this.users = users;
        this.verifier = verifier;
    }

    public void email(Context ctx) throws IOException {
        User user = sender(ctx);
        String reportId = SealedCheck.reportId(ctx.pathParam("reportId"));
        try (SealedUpload upload = SealedUpload.read(ctx, sender.limits().maxBytes(), Set.of("to"))) {
            // Never quote the address back in an error: it is personal data, and messages may be logged.
            String to = SendChannel.EMAIL.recipient(upload.field("to")).filter(ReportMail::deliverable).orElseThrow(() ->
                    new Refusal(ErrorCode.BAD_REQUEST, "'to' must be one email address (name@host)"));
            PackageJson pkg = SealedCheck.check(upload.file(), reportId, upload.fileName());
            sender.email(user, reportId, to, upload.named(reportId), pkg);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("sent", true);
            answer.put("to", to);
            answer.put("report_id", reportId);
            ctx.json(answer);
        }
    }

    public void destinations(Context ctx) {
        User user = account(verifier.fromRequest(ctx));
        List<Map<String, Object>> list = sender.destinationsOf(user).stream().map(d -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", d.id());
            item.put("name", d.name());
            item.put("kind", d.kind().code());
            item.put("static_key", d.staticKey());
            return item;
        }).toList();
        ctx.header("Cache-Control", "no-store").json(Map.of("destinations", list));
    }

    public void toDestination(Context ctx) throws IOException {
        User user = sender(ctx);
        try (SealedUpload upload = SealedUpload.read(ctx, sender.limits().maxBytes(), Set.of("report_id"))) {
            String reportId = SealedCheck.reportId(upload.field("report_id"));
            SealedCheck.check(upload.file(), reportId, upload.fileName());
            Destination d = sender.toDestination(user, ctx.pathParam("id"), reportId, upload.named(reportId));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("sent", true);
            answer.put("name", d.name());
            answer.put("report_id", reportId);
            ctx.json(answer);
        }
    }

    private User sender(Context ctx) {
        User user = account(verifier.fromRequest(ctx));
        if (!user.emailVerified()) {
            throw new Refusal(ErrorCode.EMAIL_UNVERIFIED, "confirm your email address first: the server sends"
                    + " reports only for accounts with a confirmed address");
        }
        return user;
    }

    private User account(UserToken token) {
        return users.findById(token.userId()).orElseThrow(() ->
                new Refusal(ErrorCode.INVALID_TOKEN, "the account of this token no longer exists"));
    }
}
