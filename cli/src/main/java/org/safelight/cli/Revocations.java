package org.safelight.cli;

import java.io.IOException;
import java.util.function.Consumer;
import org.safelight.client.KeyServer;
import org.safelight.client.RefusedException;
import org.safelight.client.UntrustedKeyServerException;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.report.DisplayDates;
import org.safelight.format.report.ReportId;

/** Whether a report's key server has revoked it, asked before work that would be useless if so. */
final class Revocations {
    private Revocations() {
    }

    /**
     * Throws a refusal naming the date when the report's key server says it is revoked (nobody can
     * open it). A report without a key server, or one whose key server cannot be asked, passes
     * with a note, as before key servers could say.
     *
     * @param consequence what the refusal means for this command, e.g. "so it was not sent"
     */
    static void refuseIfRevoked(ClientContext clients, PackageJson packageJson, ReportId id, String consequence,
                                Consumer<String> note) {
        if (packageJson == null || !packageJson.hasKeyServer()) {
            return;
        }
        KeyServer.Revocation revocation;
        try {
            revocation = clients.keyServer.revocation(packageJson.keyServerOrigin(), id);
        } catch (UntrustedKeyServerException | RefusedException | IOException | IllegalArgumentException e) {
            note.accept("whether the report is revoked could not be checked (" + e.getMessage() + ")");
            return;
        }
        if (revocation.revoked()) {
            throw new RefusedException(410, "report_revoked", "report " + id.value() + " was revoked by its sender"
                    + (revocation.revokedAt() == null ? "" : " on " + DisplayDates.dateTime(revocation.revokedAt()))
                    + ": nobody can open it, " + consequence);
        }
    }
}
