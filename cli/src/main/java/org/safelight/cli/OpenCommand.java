package org.safelight.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.safelight.client.ShareLink;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.picsafe.ReportOpener;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "open", mixinStandardHelpOptions = true,
        description = {"Open a .picsafe file, a plain report ZIP, or a share link into a new folder.",
            "A share link ({server}/app/report/...) is downloaded first as the signed-in user, from the server you"
                + " signed in to only.",
            "Without a key, the key is asked from the report's key server as the signed-in user (see 'login'),",
            "if that is the server you signed in to, one you trust ('safelight trust') or one given with --key-server.",
            "The package is verified before it is decrypted; a damaged or hostile file writes nothing."})
final class OpenCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE|LINK", description = "The .picsafe file, report ZIP or share link.")
    String source;

    private Path file;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "A new (or empty) folder for the report's files.")
    Path outDir;

    @ArgGroup(exclusive = true)
    OfflineKey keyChoice;

    @Option(names = "--key-server", paramLabel = "URL",
            description = "Trust this key server for this command (repeatable); see 'safelight trust'.")
    List<String> keyServers = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!ShareLink.looksLikeLink(source)) {
            file = Path.of(source);
            return open();
        }
        ShareLink link = ShareLink.parse(source).orElseThrow(() -> new Failures.UsageException(
                "not a Safelight share link (they look like https://SERVER/app/report/REGION/CODE-REPORTID): "
                        + source));
        if (Files.exists(outDir)) {
            // checked before the download too, so a busy folder costs no download
            try (var entries = Files.list(outDir)) {
                if (entries.findAny().isPresent()) {
                    throw new java.nio.file.DirectoryNotEmptyException(outDir.toString());
                }
            }
        }
        Path scratch = Files.createTempDirectory("safelight-open-");
        try {
            file = scratch.resolve(link.report().reportId() + ".picsafe");
            new ClientContext(main, keyServers).cloud.download(link, file);
            return open();
        } finally {
            SafeUnzip.deleteTree(scratch);
        }
    }

    private int open() throws Exception {
        ReportOpener.Opened opened = ReportOpening.open(main, file, keyChoice, keyServers, outDir);
        main.stdout.println("Opened report " + opened.metadata().details().reportid() + " ("
                + Summaries.media(opened.metadata()) + ", " + opened.files().size() + " files) into " + opened.folder());
        return ExitCode.OK;
    }
}
