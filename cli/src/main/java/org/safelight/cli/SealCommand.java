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
            "The folder holds metadata.json, the media ({ItemID}.jpg, .m4v, .m4a) and consent.jpg or consent.m4a.",
            "Thumbnails, report.pdf, the report ID and date are generated; photos lose location and device data."})
final class SealCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "DRAFT_DIR", description = "The draft folder.")
    Path draftDir;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
            description = {"The file to write, or a folder (existing, or ending in /) to write",
                "{ReportID}.picsafe (.zip when --plain) into."})
    String out;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @ArgGroup(exclusive = false)
        Dynamic dynamic;

        @Option(names = "--static-key", paramLabel = "PUBLIC_KEY",
                description = "Encrypt for an institution's RSA public key (PEM or base64 SPKI); no key server.")
        Path staticKey;

        @Option(names = "--plain", description = "Do not encrypt: write package.zip itself (for HTTPS endpoints only).")
        boolean plain;

        @Option(names = "--keyserver", paramLabel = "URL",
                description = "Get the report key from this key server as the signed-in user (see 'login').")
        String keyserver;
    }

    static final class Dynamic {
        @ArgGroup(exclusive = false, multiplicity = "1")
        KeyOptions key;

        @Option(names = "--keyserver-url", required = true, paramLabel = "URL",
                description = "The key server that holds the report key, written into package.json.")
        String keyserverUrl;
    }

    @Override
    public Integer call() throws Exception {
        Draft draft = Draft.load(draftDir, Clock.systemDefaultZone());
        Protection protection;
        if (mode.keyserver != null) {
            URI url = keyServerUrl(mode.keyserver);
            // Named on this command line, so trusted for it (plain http only to this computer or the sign-in's server).
            String key = new ClientContext(main, List.of(url.toString())).keyServer.createKey(url,
                    draft.metadata().reportId());
            protection = new Protection.DynamicKey(key, url.toString());
        } else if (mode.plain) {
            protection = new Protection.Plain();
        } else if (mode.staticKey != null) {
            protection = new Protection.StaticKey(StaticKeys.readPublicKey(mode.staticKey));
        } else {
            try {
                protection = new Protection.DynamicKey(mode.dynamic.key.read(), mode.dynamic.keyserverUrl);
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
