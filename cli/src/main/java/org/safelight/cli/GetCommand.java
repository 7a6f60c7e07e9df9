package org.safelight.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.safelight.client.ShareLink;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.report.ReportId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "get", mixinStandardHelpOptions = true,
        description = {"Download the sealed report of a share link as the signed-in user, without opening it.",
            "Only from the server you signed in to. The file is written whole or not at all.",
            "Open it later with 'safelight open FILE -o DIR'."})
final class GetCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "LINK", description = "The share link ({server}/app/report/...).")
    String source;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "The file to write (must not exist), or a folder to write {ReportID}.picsafe into.")
    Path out;

    @Option(names = "--key-server", paramLabel = "URL",
            description = "Trust this key server for this command (repeatable), to ask whether the report is revoked.")
    List<String> keyServers = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ShareLink link = ShareLink.parse(source).orElseThrow(() -> new Failures.UsageException(
                "not a Safelight share link (they look like https://SERVER/app/report/REGION/CODE-REPORTID): "
                        + source));
        Path target = Files.isDirectory(out) ? out.resolve(link.report().reportId() + ".picsafe") : out;
        ClientContext clients = new ClientContext(main, keyServers);
        long size = clients.cloud.download(link, target);
        try {
            // a revoked report downloads, but nobody can open it: say so rather than leave a useless file
            Revocations.refuseIfRevoked(clients, Inspection.of(target).packageJson(),
                    new ReportId(link.report().reportId()), "so it was not kept", this::note);
        } catch (RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        main.stdout.println("Saved report " + link.report().reportId() + " (" + size + " bytes) as " + target);
        return ExitCode.OK;
    }

    private void note(String text) {
        main.spec.commandLine().getErr().println("safelight: note: " + text);
    }
}
