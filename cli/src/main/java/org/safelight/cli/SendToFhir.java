package org.safelight.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safelight.cli.share.Recipient;
import org.safelight.client.Credentials;
import org.safelight.client.fhir.CreatedResources;
import org.safelight.client.fhir.FhirClient;
import org.safelight.client.fhir.FhirException;
import org.safelight.client.fhir.FhirMode;
import org.safelight.client.fhir.FhirPatient;
import org.safelight.client.fhir.FhirPractitioner;
import org.safelight.client.fhir.FhirResults;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.FiledReport;
import org.safelight.client.fhir.PatientDetails;
import org.safelight.client.fhir.PatientMatch;
import org.safelight.client.fhir.PatientMatcher;
import org.safelight.client.fhir.ReportFiler;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.report.ReportMetadata;

/**
 * {@code safelight send FILE --to fhir:URL}: the report's contents filed into a FHIR server (STU3 or
 * R4) as the seed's app does it. The report is opened into a private temporary folder (deleted
 * after); the sender is a Practitioner picked from the server's list ({@code GET /Practitioner}) or
 * named with {@code --practitioner}; the patient is matched by the client's rules (patient ID as an
 * identifier, then given + family + birth date, then family + birth date) and, unless exactly one
 * record agrees, asked at the terminal: a candidate, create the patient, or cancel. Then the media,
 * report.pdf and the grouping resource are created, each conditionally (a copy found must be for the
 * same patient and practitioner), and a large item already filed is found by its resource's
 * identifier and not uploaded again (only an upload cut short before its owner was stored can be
 * left on the server unreferenced).
 */
final class SendToFhir {
    private final SendCommand command;

    SendToFhir(SendCommand command) {
        this.command = command;
    }

    int send(Path file, Recipient.Fhir to) throws IOException {
        FhirFilingOptions filing = command.fhirFiling;
        filing.check();
        FhirMode mode = filing.mode();
        if (mode == FhirMode.DOCUMENT && command.fhirServer.version() != FhirVersion.R4) {
            throw new Failures.UsageException("--fhir-mode document (DocumentReference + Binary) is R4 only: add"
                    + " --fhir-version r4, or leave the mode at media");
        }
        Main main = command.main;
        FhirClient client = command.fhirServer.connect(to.url(), command.allowPlainHttp, main.env, main.terminal);
        Path scratch = Files.createTempDirectory("safelight-fhir-"); // owner-only on POSIX
        try {
            ReportOpener.Opened opened = ReportOpening.open(main, file, command.keyChoice, command.keyServers,
                    scratch.resolve("report"));
            String reportId;
            try {
                reportId = file(client, mode, opened, to);
            } catch (FhirException e) {
                return FhirFailures.report(command.err(), to.url(), e);
            }
            recordSend(reportId, to);
            return ExitCode.OK;
        } finally {
            SafeUnzip.deleteTree(scratch);
        }
    }

    private String file(FhirClient client, FhirMode mode, ReportOpener.Opened opened, Recipient.Fhir to)
            throws FhirException, IOException {
        FhirFilingOptions filing = command.fhirFiling;
        ReportMetadata metadata = opened.metadata();
        String reportId = metadata.reportId().value();
        FhirChoices choices = new FhirChoices(Questions.of(command.main));
        FhirPractitioner practitioner = practitioner(client, choices, to);

        ReportFiler filer = new ReportFiler(client, mode, ReportFiler.DEFAULT_INLINE_LIMIT);
        CreatedResources created = CreatedResources.inMemory();
        PatientDetails details = PatientDetails.of(metadata.patient());
        FhirPatient patient;
        String how;
        if (filing.patient != null) {
            patient = client.patient(filing.patient).orElseThrow(() -> new Failures.UsageException(
                    "the FHIR server " + to.url() + " has no " + filing.patient + " (--patient); nothing was filed"));
            how = "given with --patient";
        } else {
            PatientMatch match = new PatientMatcher(client, filing.idSystem()).match(details);
            if (match instanceof PatientMatch.Linked linked) {
                patient = linked.patient();
                how = linked.how() == PatientMatch.How.PATIENT_ID ? "found by the report's patient ID"
                        : "found by name and birth date";
            } else {
                PatientMatch.NeedsPerson need = (PatientMatch.NeedsPerson) match;
                String whyNot = need.whyNotCreate(details).orElse(null);
                FhirChoices.PatientChoice choice;
                if (filing.createPatient) {
                    if (whyNot != null) {
                        throw new Failures.UsageException("--create-patient: the patient cannot be created ("
                                + need.reason().id() + "): " + whyNot + "; pass --patient Patient/ID; nothing was"
                                + " filed");
                    }
                    choice = new FhirChoices.PatientChoice.Create();
                } else {
                    choice = choices.patient(details, need, whyNot);
                }
                if (choice instanceof FhirChoices.PatientChoice.Existing existing) {
                    patient = existing.patient();
                    how = "picked";
                } else {
                    patient = filer.createPatient(details, reportId, filing.idSystem(), created);
                    how = "created";
                }
            }
        }
        FiledReport filed = filer.file(opened.folder(), metadata, patient, practitioner, created);
        printFiled(reportId, to, client.version(), mode, patient, how, practitioner, metadata, filed);
        return reportId;
    }

    /** {@code --practitioner}'s record from the server's list, or the one the person picks from it. */
    private FhirPractitioner practitioner(FhirClient client, FhirChoices choices, Recipient.Fhir to)
            throws FhirException, IOException {
        String given = command.fhirFiling.practitioner;
        FhirResults<FhirPractitioner> all = client.practitioners(Map.of());
        if (given == null) {
            return choices.practitioner(all, to.url().toString());
        }
        Optional<FhirPractitioner> listed = all.stream().filter(p -> p.reference().equals(given)).findFirst();
        if (listed.isPresent()) {
            return listed.get();
        }
        Optional<FhirPractitioner> read = all.truncated() ? readPractitioner(client, given) : Optional.empty();
        if (read.isPresent()) {
            return read.get(); // a long list is cut short: the server's own record of it
        }
        throw new Failures.UsageException(given + " is not among the practitioners of " + to.url() + ": see"
                + " 'safelight fhir practitioners " + to.url() + "'; nothing was filed");
    }

    private static Optional<FhirPractitioner> readPractitioner(FhirClient client, String reference) throws FhirException {
        try {
            return client.practitioner(reference);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void printFiled(String reportId, Recipient.Fhir to, FhirVersion version, FhirMode mode, FhirPatient patient,
                            String how, FhirPractitioner practitioner, ReportMetadata metadata, FiledReport filed) {
        var out = command.main.stdout;
        out.println("Filed report " + reportId + " into " + to.url() + " (FHIR " + version.id() + ", " + mode.id()
                + " mode): " + filed.grouping());
        out.println("  patient:      " + patient.reference() + " (" + how + ")");
        out.println("  practitioner: " + practitioner.reference());
        long raw = filed.binaries().stream().filter(b -> b != null).count();
        out.println("  items:        " + filed.items().size() + " (" + Summaries.media(metadata) + ")"
                + (filed.items().isEmpty() ? "" : ": " + String.join(", ", filed.items()))
                + (raw == 0 ? "" : "; " + raw + " uploaded as raw Binary"));
        out.println("  report.pdf:   " + filed.pdf());
    }

    /** Best effort, and only for a signed-in user: My reports lists the send. */
    private void recordSend(String reportId, Recipient.Fhir to) throws IOException {
        if (Credentials.load(command.main.env).isEmpty()) {
            return;
        }
        command.recordSend(new ClientContext(command.main, command.keyServers), reportId, to);
    }
}
