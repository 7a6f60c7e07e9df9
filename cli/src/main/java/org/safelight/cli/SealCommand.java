package org.safelight.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.picsafe.StaticKeys;
import org.safelight.format.seal.Draft;
import org.safelight.format.seal.Sealer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "seal", mixinStandardHelpOptions = true,
        description = {"Seal a draft folder into a report.",
            "The folder holds metadata.json, the media ({ItemID}.jpg, .m4v, .m4a; any case, .jpeg too) and consent.jpg"
                + " or consent.m4a.",
            "Thumbnails, report.pdf, the report ID and date are generated; photos lose location and device data.",
            "Protect it one way: --keyserver URL (the usual), --static-key FILE, --plain, or --password with"
                + " --keyserver-url."})
final class SealCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "DRAFT_DIR", description = "The draft folder.")
    Path draftDir;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = {"The file to write, or a folder (existing, or ending in /) to write",
                "{ReportID}.picsafe (.zip when --plain) into."})
    String out;

    @Option(names = "--keyserver", paramLabel = "URL",
            description = {"Protect the report with a key made by this key server for you as the signed-in user"
                + " (see 'login'): the usual choice."})
    String keyserver;

    @Option(names = "--static-key", paramLabel = "PUBLIC_KEY",
            description = "Encrypt for an institution's RSA public key (PEM or base64 SPKI); no key server.")
    Path staticKey;

    @Option(names = "--plain", description = "Do not encrypt: write package.zip itself (for HTTPS endpoints only).")
    boolean plain;

    @ArgGroup(exclusive = false)
    KeyOptions key;

    @Option(names = "--keyserver-url", paramLabel = "URL",
            description = {"With --password: the key server that will hold that report key, written into"
                + " package.json (you put the key there yourself)."})
    String keyserverUrl;

    @Override
    public Integer call() throws Exception {
        Mode mode = mode();
        Draft draft = Draft.load(draftDir, Clock.systemDefaultZone());
        Protection protection;
        if (mode == Mode.KEY_SERVER) {
            URI url = keyServerUrl(keyserver);
            // Named on this command line, so trusted for it (plain http only to this computer or the sign-in's server).
            String key = new ClientContext(main, List.of(url.toString())).keyServer.createKey(url,
                    draft.metadata().reportId());
            protection = new Protection.DynamicKey(key, url.toString());
        } else if (mode == Mode.PLAIN) {
            protection = new Protection.Plain();
        } else if (mode == Mode.STATIC_KEY) {
            protection = new Protection.StaticKey(StaticKeys.readPublicKey(staticKey));
        } else {
            try {
                protection = new Protection.DynamicKey(key.read(), keyserverUrl);
            } catch (IllegalArgumentException e) {
                throw new Failures.UsageException(e.getMessage());
            }
        }
        Path target = Path.of(out);
        if (out.endsWith("/") || out.endsWith(java.io.File.separator)) {
            java.nio.file.Files.createDirectories(target);
        }
        Path written = Sealer.seal(draft, protection, target);
        main.stdout.println("Sealed report " + draft.metadata().details().reportid() + " ("
                + Summaries.media(draft.metadata()) + ") into " + written);
        return ExitCode.OK;
    }

    private enum Mode { KEY_SERVER, STATIC_KEY, PLAIN, REPORT_KEY }

    /**
     * Which one protection the options choose. Checked here rather than by picocli so that each
     * mistake gets a sentence that says what to give instead.
     */
    private Mode mode() {
        boolean reportKey = key != null && key.given();
        if (keyserver != null && reportKey) {
            throw new Failures.UsageException("--password is a report key you hold yourself; with --keyserver the key"
                    + " server makes the report key, so leave out --password (your account password is asked by"
                    + " 'safelight login')");
        }
        if (keyserver != null && keyserverUrl != null) {
            throw new Failures.UsageException("give --keyserver URL alone (--keyserver-url goes with --password)");
        }
        List<Mode> chosen = new java.util.ArrayList<>();
        if (keyserver != null) {
            chosen.add(Mode.KEY_SERVER);
        }
        if (staticKey != null) {
            chosen.add(Mode.STATIC_KEY);
        }
        if (plain) {
            chosen.add(Mode.PLAIN);
        }
        if (reportKey || keyserverUrl != null) {
            chosen.add(Mode.REPORT_KEY);
        }
        if (chosen.isEmpty()) {
            throw new Failures.UsageException("say how to protect the report: with a key from your key server"
                    + " (--keyserver URL), for an institution's public key (--static-key FILE), or not at all for an"
                    + " HTTPS endpoint (--plain)");
        }
        if (chosen.size() > 1) {
            throw new Failures.UsageException("choose one way to protect the report: --keyserver, --static-key,"
                    + " --plain, or --password with --keyserver-url");
        }
        if (chosen.get(0) == Mode.REPORT_KEY && (!reportKey || keyserverUrl == null)) {
            throw new Failures.UsageException(reportKey
                    ? "--password needs --keyserver-url URL, the key server that will hold that report key"
                    : "--keyserver-url needs the report key it holds: --password KEY or --password-file FILE");
        }
        return chosen.get(0);
    }

    private static URI keyServerUrl(String text) {
        try {
            URI url = URI.create(text.replaceAll("/+$", ""));
            if (!("https".equals(url.getScheme()) || "http".equals(url.getScheme())) || url.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return url;
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("the key server must be an http:// or https:// URL");
        }
    }
}
