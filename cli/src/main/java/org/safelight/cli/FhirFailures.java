package org.safelight.cli;

import java.io.PrintWriter;
import java.net.URI;
import org.safelight.client.fhir.FhirException;
import org.safelight.client.fhir.FilingConflictException;
import org.safelight.client.fhir.PatientExistsException;

/**
 * A FHIR server's failure as one stderr line and an exit code (DESIGN §7): 5 when the server refused
 * (wrong credentials, not allowed, a resource it would not take), 1 when it did not answer or failed
 * itself (trying again later may work: resources with an identifier are found again, and a large
 * item's raw Binary is not uploaded again once the Media or DocumentReference that owns it is
 * stored; one whose upload was cut short before that may be left on the server unreferenced).
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
        if (e instanceof PatientExistsException) {
            return "the patient was not created in " + server + ": " + detail.replaceFirst("^the patient was not"
                    + " created: ", "") + "; nothing was filed: if that is the patient, pass --patient with it";
        }
        if (e instanceof FilingConflictException) {
            return "the report was not filed into " + server + ": " + detail;
        }
        if (status == 0 && !e.retryable()) {
            return "the report could not be filed into " + server + ": " + detail;
        }
        if (status == 0) {
            return "no answer from the FHIR server " + server + " (" + detail + "): try again later; sending again"
                    + " reuses what was filed";
        }
        if (exitCode(e) == ExitCode.REFUSED) {
            return "the FHIR server " + server + " refused a request (HTTP " + status + "): " + detail
                    + "; nothing more was filed";
        }
        return "the FHIR server " + server + " failed (HTTP " + status + "): " + detail + "; try again later;"
                + " sending again reuses what was filed";
    }
}
