package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.safelight.client.NotSignedInException;
import org.safelight.client.RefusedException;
import org.safelight.client.UntrustedKeyServerException;
import org.safelight.cli.share.Recipient;
import org.safelight.cli.share.ShareMessage;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportFileKind;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.report.ReportId;
import org.safelight.format.report.ReportMetadata;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Send a report as the signed-in user: its cloud link (cloud, sms:, whatsapp:), or the report"
                + " itself to an institution's endpoint (endpoint:URL) or attached to an email (email:ADDRESS).",
            "cloud, sms:, whatsapp: upload the sealed report and print the link, a blank line, the message (how long"
                + " the link works and what the report holds), and for sms:/whatsapp: the URL that opens that app"
                + " with the message.",
            "endpoint:URL posts the report (sealed, or plain over https) to URL/api/report with a token only that"
                + " endpoint accepts, and prints the report ID it stored.",
            "email:ADDRESS writes an email with the sealed report attached and how to open it: sent through"
                + " --smtp-host when given, else saved as an .eml file (-o) to send from your mail program.",
            "fhir:URL files the report's photos, videos, audio and report.pdf into a FHIR server (STU3 or R4) for the"
                + " patient, as the seed's app does: you pick yourself from the server's practitioners and, unless one"
                + " patient record fits exactly, the patient from its candidates (or create them); scripts answer with"
                + " --practitioner, --patient, --create-patient. See 'safelight fhir practitioners URL'.",
            "box, dropbox upload the sealed report into your Box's Safelight folder or your Dropbox's app folder"
                + " (PRO; connect once with 'safelight connect box|dropbox').",
            "To count the report's photos, videos and audio recordings the report is opened with --password,"
                + " --private-key, or the key from its key server as the signed-in user; when none works the"
                + " message says only 'a Safelight report'."})
final class SendCommand implements Callable<Integer> {
    /** How long the cloud keeps a report (DESIGN §4). */
    static final long LINK_DAYS = 7;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE",
            description = "The sealed .picsafe file (endpoint: and fhir: also a plain report ZIP).")
    Path file;

    @Option(names = "--to", required = true,
            paramLabel = "cloud|sms:NUMBER|whatsapp:NUMBER|endpoint:URL|email:ADDRESS|fhir:URL|box|dropbox",
            description = "Where it goes; NUMBER in international form, e.g. +61400123456.")
    String to;

    @Option(names = "--allow-plain-http",
            description = "endpoint: also send an unencrypted report to an http:// endpoint; fhir: also to a FHIR server"
                    + " on another computer over http:// (for testing only).")
    boolean allowPlainHttp;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "email: without SMTP, save the email here (default: {ReportID}.eml in this folder).")
    Path output;

    @Mixin
    SmtpOptions smtp = new SmtpOptions();

    @Mixin
    FhirServerOptions fhirServer = new FhirServerOptions();

    @Mixin
    FhirFilingOptions fhirFiling = new FhirFilingOptions();

    @ArgGroup(exclusive = true)
    OfflineKey keyChoice;

    @Option(names = "--key-server", paramLabel = "URL",
            description = "Trust this key server for this command (repeatable); see 'safelight trust'.")
    List<String> keyServers = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Recipient recipient;
        try {
            recipient = Recipient.parse(to);
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException(e.getMessage());
        }
        if (recipient instanceof Recipient.Fhir fhir) {
            return new SendToFhir(this).send(file, fhir);
        }
        if (fhirServer.given() || fhirFiling.given()) {
            throw new Failures.UsageException("the --fhir-*, --practitioner, --patient and --create-patient options are"
                    + " for --to fhir:URL");
        }
        Inspection inspection = Inspection.of(file);
        if (recipient instanceof Recipient.Endpoint endpoint) {
            ClientContext clients = new ClientContext(main, keyServers);
            clients.accounts.current(); // not signed in: say so before any work
            if (inspection.kind() == ReportFileKind.PICSAFE) {
                refuseIfRevoked(clients, inspection.packageJson());
            }
            return new SendToEndpoint(this).send(file, endpoint, allowPlainHttp, clients);
        }
        if (inspection.kind() != ReportFileKind.PICSAFE) {
            if (recipient instanceof Recipient.Email) {
                throw new Failures.UsageException("only a sealed report (.picsafe) goes by email, where anyone on the"
                        + " way could read a plain one: seal it first");
            }
            throw new Failures.UsageException("only a sealed report (.picsafe) can go to the cloud, Box or Dropbox:"
                    + " seal it first");
        }
        PackageJson packageJson = inspection.packageJson();
        if (recipient instanceof Recipient.Storage storage) {
            return new SendToStorage(this).send(file, reportId(packageJson), storage);
        }
        ClientContext clients = new ClientContext(main, keyServers);
        clients.accounts.current(); // not signed in: say so before any work
        refuseIfRevoked(clients, packageJson);
        if (recipient instanceof Recipient.Email email) {
            return new SendByEmail(this, Clock.systemUTC()).send(file, reportId(packageJson), email,
                    smtp.relay(main.env), output, clients);
        }
        ReportMetadata metadata = metadata(clients, packageJson);

        String queryId = packageJson.reportId() != null && ReportId.isValid(packageJson.reportId()) ? null
                : reportIdFromName();
        JsonNode uploaded = clients.cloud.upload(file, queryId);
        String link = uploaded.path("link").asText();
        recordSend(clients, uploaded.path("report_id").asText(), recipient);
        String message = ShareMessage.compose(metadata, LINK_DAYS, link);
        main.stdout.println(link);
        main.stdout.println();
        main.stdout.println(message);
        String url = ShareMessage.deliveryUrl(recipient, message);
        if (url != null) {
            main.stdout.println();
            main.stdout.println(url);
        }
        return ExitCode.OK;
    }

    /** A revoked report can be opened by nobody: the recipient would get a report or link that fails. */
    private void refuseIfRevoked(ClientContext clients, PackageJson packageJson) {
        Revocations.refuseIfRevoked(clients, packageJson, new ReportId(reportId(packageJson)),
                "so it was not sent; seal the photos again to send them", this::note);
    }

    private String reportId(PackageJson packageJson) {
        return packageJson.reportId() != null && ReportId.isValid(packageJson.reportId()) ? packageJson.reportId()
                : reportIdFromName();
    }

    java.io.PrintWriter err() {
        return main.spec.commandLine().getErr();
    }

    /**
     * Best effort: My reports misses this send when it cannot be recorded, but the link went out. A
     * server without the route (from before My reports kept sends) is not asked twice and not warned about.
     */
    void recordSend(ClientContext clients, String reportId, Recipient recipient) {
        try {
            clients.accounts.recordSend(reportId, recipient.channel(), recipient.address());
        } catch (RefusedException e) {
            if (e.status() != 404 || !"not_found".equals(e.code())) {
                main.spec.commandLine().getErr().println("safelight: warning: the send was not recorded in My"
                        + " reports (" + e.getMessage() + ")");
            }
        } catch (IOException e) {
            main.spec.commandLine().getErr().println("safelight: warning: the send was not recorded in My reports ("
                    + e.getMessage() + ")");
        }
    }

    /** The report's metadata, for the counts; null when no key is at hand. */
    private ReportMetadata metadata(ClientContext clients, PackageJson packageJson) throws IOException {
        ReportKey key = OfflineKey.of(keyChoice);
        if (key instanceof ReportKey.None && packageJson.hasKeyServer()) {
            try {
                // The sender asks for their own report's key; the key server logs it like any fetch.
                key = new ReportKey.Password(clients.keyServer.fetchKey(packageJson.keyServerOrigin(),
                        new ReportId(packageJson.reportId() != null && ReportId.isValid(packageJson.reportId())
                                ? packageJson.reportId() : reportIdFromName())));
            } catch (UntrustedKeyServerException e) {
                note(e.getMessage() + ", so the message does not count the report's contents");
                return null;
            } catch (RefusedException | IOException | NotSignedInException | IllegalArgumentException e) {
                note("the report's key could not be had from its key server (" + e.getMessage()
                        + (e instanceof RefusedException r ? ", " + r.code() : "") + "), so the message does not count its contents");
                return null;
            }
        }
        if (key instanceof ReportKey.None) {
            note("no key for this report was given (--password or --private-key), so the message does not"
                    + " count its contents");
            return null;
        }
        Path scratch = Files.createTempDirectory("safelight-send-");
        try {
            return new ReportOpener(ZipLimits.REPORT, true).open(file, key, scratch.resolve("report")).metadata();
        } finally {
            SafeUnzip.deleteTree(scratch);
        }
    }

    private void note(String text) {
        main.spec.commandLine().getErr().println("safelight: note: " + text);
    }

    private String reportIdFromName() {
        String name = file.getFileName().toString();
        String id = name.endsWith(".picsafe") ? name.substring(0, name.length() - ".picsafe".length()) : name;
        if (!ReportId.isValid(id)) {
            throw new Failures.UsageException("cannot tell the report ID: name the file {ReportID}.picsafe as it was"
                    + " sealed");
        }
        return id;
    }
}
