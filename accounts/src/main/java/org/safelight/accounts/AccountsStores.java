package org.safelight.accounts;

import java.time.Clock;
import java.time.Instant;
import org.safelight.accounts.enterprise.EnterpriseCredentials;
import org.safelight.accounts.enterprise.Enterprises;
import org.safelight.accounts.sends.DailyEmails;
import org.safelight.accounts.sends.Destinations;
import org.safelight.accounts.tokens.RefreshTokens;
import org.safelight.accounts.uploads.ReportSends;
import org.safelight.accounts.uploads.UploadLog;
import org.safelight.accounts.uploads.UploadRecording;
import org.safelight.accounts.users.OneTimeTokens;
import org.safelight.accounts.users.UserStore;
import org.safelight.server.db.Database;

/** The accounts role's repositories, all on one database. */
public record AccountsStores(UserStore users, OneTimeTokens oneTimeTokens, RefreshTokens refreshTokens,
                             Enterprises enterprises, EnterpriseCredentials credentials,
                             UploadLog uploads, ReportSends sends, Destinations destinations,
                             DailyEmails dailyEmails) {

    /** How uploads are put on the log: with their sender as their account is now. */
    public UploadRecording uploadRecording() {
        return new UploadRecording(uploads, users, enterprises);
    }

    /**
     * Who administers which enterprise, as the accounts know it now: the in-process answer for
     * roles in this process (the endpoint's institution view).
     */
    public org.safelight.server.enterprise.EnterpriseAdmins admins() {
        return new org.safelight.accounts.enterprise.AdminCheck(users, enterprises,
                org.safelight.server.http.ServiceCredential.NONE);
    }

    /** Migrates the accounts tables of {@code db} (idempotent) and opens the repositories on it. */
    public static AccountsStores open(Database db, Clock clock) {
        db.migrate(AccountsRole.NAME);
        return new AccountsStores(new UserStore(db.jdbi()), new OneTimeTokens(db.jdbi()),
                new RefreshTokens(db.jdbi()), new Enterprises(db.jdbi(), clock),
                new EnterpriseCredentials(db.jdbi(), clock), new UploadLog(db.jdbi(), clock),
                new ReportSends(db.jdbi()), new Destinations(db.jdbi(), clock), new DailyEmails(db.jdbi()));
    }

    /**
     * Deletes verification, reset and refresh tokens that expired before {@code now}: none of them
     * can be used any more, so keeping them only keeps hashes around; and the sends of reports that
     * are off their senders' lists (their recipients are personal data), and the count of emails sent
     * for users once it is a day old. Serve runs this hourly.
     *
     * @return how many were deleted
     */
    public int purgeExpired(Instant now) {
        return oneTimeTokens.purgeExpired(now) + refreshTokens.purgeExpired(now)
                + sends.purgeBefore(now.minus(ReportSends.KEPT_FOR)) + dailyEmails.purge(now);
    }
}
