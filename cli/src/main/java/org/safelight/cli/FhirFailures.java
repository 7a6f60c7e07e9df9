package org.safelight.cli;

import java.io.PrintWriter;
import java.net.URI;
import org.safelight.client.fhir.FhirException;

/**
 * A FHIR server's failure as one stderr line and an exit code (DESIGN §7): 5 when the server refused
 * (wrong credentials, not allowed, a resource it would not take), 1 when it did not answer or failed
 * itself (trying again later may work; what was created is found again, not duplicated).
 */
final class FhirFailures {
    private FhirFailures() {
    }

    static int report(PrintWriter err, URI server, FhirException e) {
        err.println("safelight: " + line(server, e));
        return exitCode(e);
    }

    static int exitCode(FhirException e) {
        return e.status() >= 400 && e.status() < 500 && e.status() != 408 && e.status() != 429 ? ExitCode.REFUSED
                : ExitCode.FAILURE;
    }

    static String line(URI server, FhirException e) {
        String detail = String.valueOf(e.getMessage()).strip().replaceAll("\\s+", " ");
        int status = e.status();
        if (detail.startsWith("the token server ") && exitCode(e) == ExitCode.REFUSED) {
            // OAuth2: the authorization server, not the FHIR server, said no
            return detail + ": check --fhir-client-id and --fhir-client-key-file (or the secret) with the FHIR"
                    + " server's IT team; nothing more was filed";
        }
        if (status == 401) {
            return "the FHIR server " + server + " refused the credentials (HTTP 401): check --fhir-auth, --fhir-user"
                    + " and the password (or the client's key); nothing more was filed (" + detail + ")";
        }
        if (status == 403) {
            return "the FHIR server " + server + " does not allow this (HTTP 403): ask its IT team; nothing more was"
                    + " filed (" + detail + ")";
        }
        if (status == 0 && !e.retryable()) {
            return "the report could not be filed into " + server + ": " + detail;
        }
        if (status == 0) {
            return "no answer from the FHIR server " + server + " (" + detail + "): try again later; sending again"
                    + " files nothing twice";
        }
        if (exitCode(e) == ExitCode.REFUSED) {
            return "the FHIR server " + server + " refused a request (HTTP " + status + "): " + detail
                    + "; nothing more was filed";
        }
        return "the FHIR server " + server + " failed (HTTP " + status + "): " + detail + "; try again later;"
                + " sending again files nothing twice";
    }
}
