package org.safelight.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.safelight.client.ApiClient;
import org.safelight.client.EnterpriseReports;
import org.safelight.client.KeyServerTrust;
import org.safelight.client.RefusedException;
import org.safelight.client.filing.FailureRule;
import org.safelight.client.filing.FilingListener;
import org.safelight.client.filing.ReceivedReportOpener;
import org.safelight.client.filing.ReportKeys;
import org.safelight.client.sync.ReportSync;
import org.safelight.client.sync.SyncState;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.StaticKeys;
import org.safelight.format.report.MalformedReportException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Download, verify and decrypt the enterprise's cloud reports into DIR/{ReportID}/.",
            "The API key lists and downloads the reports of the enterprise's members; the Key Server Token gets"
                + " their keys. Progress is kept in DIR/" + SyncState.FILE + ", so running again only fetches"
                + " new reports.",
            "Secrets come from the flags, from files (--api-key-file, --key-server-token-file) or from"
                + " SAFELIGHT_API_KEY and SAFELIGHT_KEY_SERVER_TOKEN; they are never printed."})
final class SyncCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The Safelight server (accounts and cloud).")
    URI server;

    @Option(names = "--api-key", paramLabel = "KEY", description = "The enterprise API key (slak_...).")
    String apiKey;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "Read the API key from the first line of FILE.")
    Path apiKeyFile;

    @Option(names = "--key-server-token", paramLabel = "TOKEN", description = "The enterprise Key Server Token (slkst_...).")
    String keyServerToken;

    @Option(names = "--key-server-token-file", paramLabel = "FILE",
            description = "Read the Key Server Token from the first line of FILE.")
    Path keyServerTokenFile;

    @Option(names = "--key-server", paramLabel = "URL",
            description = {"A key server the Key Server Token may be sent to (repeatable); --server is always one.",
                "Reports naming any other key server are skipped, so no report can collect the token."})
    List<URI> keyServers = new ArrayList<>();

    @Option(names = "--private-key", paramLabel = "PRIVATE_KEY",
            description = "The institution's PKCS#8 PEM private key, for static-key reports.")
    Path privateKey;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the report folders go.")
    Path out;

    @Option(names = "--watch", description = "Keep going: look for new reports every --interval seconds until stopped.")
    boolean watch;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between looks with --watch (default ${DEFAULT-VALUE}).")
    long interval;

    @Override
    public Integer call() throws Exception {
        if (interval < 1) {
            throw new Failures.UsageException("--interval must be at least 1 second");
        }
        String key = secret(apiKey, apiKeyFile, "SAFELIGHT_API_KEY", "--api-key", "slak_");
        String token = secret(keyServerToken, keyServerTokenFile, "SAFELIGHT_KEY_SERVER_TOKEN", "--key-server-token",
                "slkst_");
        PrivateKey priv = privateKey == null ? null : StaticKeys.readPrivateKey(privateKey);
        URI home = origin(server, "--server");
        List<URI> trusted = new ArrayList<>();
        for (URI keyServer : keyServers) {
            URI keyOrigin = origin(keyServer, "--key-server");
            // The Key Server Token is permanent: the same plain-http rule as the CLI's sign-in.
            if (!KeyServerTrust.plainHttpAllowed(keyOrigin.toString(), home.toString())) {
                throw new Failures.UsageException("--key-server: " + KeyServerTrust.plainHttpRefusal(
                        keyOrigin.toString()).replace("a sign-in goes", "the Key Server Token goes")
                        .replace("the server you signed in to", "--server"));
            }
            trusted.add(keyOrigin);
        }
        trusted.add(home);
        Files.createDirectories(out);
        try (FileChannel lockFile = FileChannel.open(out.resolve(SyncState.FILE + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                throw new Failures.UsageException("another 'safelight sync' is writing into " + out);
            }
            EnterpriseReports enterprise = new EnterpriseReports(ApiClient.create(), server, key, token);
            ReceivedReportOpener opener = new ReceivedReportOpener(new ReportKeys(trusted, enterprise,
                    priv == null ? List.of() : List.of(priv), false));
            ReportSync sync = new ReportSync(enterprise, server.toString().replaceAll("/+$", ""), out, opener,
                    new PrintingListener(main.stdout, main.spec.commandLine().getErr()));
            return watch ? watch(sync) : report(run(sync));
        }
    }

    private ReportSync.Result run(ReportSync sync) throws IOException {
        try {
            return sync.run();
        } catch (IllegalStateException e) {
            throw new Failures.UsageException(e.getMessage());
        }
    }

    private int report(ReportSync.Result r) {
        main.stdout.println("Synced into " + out + ": " + r.written() + " new, " + r.present() + " already there"
                + (r.skipped() > 0 ? ", " + r.skipped() + " skipped" : "") + ".");
        return r.exitCode();
    }

    /** Passes until interrupted; a transient failure is one line, and the next pass tries again. */
    private int watch(ReportSync sync) throws IOException {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                report(run(sync));
            } catch (RefusedException e) {
                if (e.status() == 401 || e.status() == 403) {
                    throw e; // a revoked or wrong credential will not mend by waiting
                }
                main.spec.commandLine().getErr().println("safelight: " + Failures.message(e) + "; trying again in "
                        + interval + " s");
            } catch (IOException e) {
                main.spec.commandLine().getErr().println("safelight: " + Failures.message(e) + "; trying again in "
                        + interval + " s");
            }
            try {
                Thread.sleep(interval * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ExitCode.OK;
    }

    /** The pipeline's news as the lines sync has always printed: written reports on stdout, skips on stderr. */
    private record PrintingListener(PrintStream stdout, PrintWriter stderr) implements FilingListener {
        @Override
        public void written(String reportId, String sender, Path folder) {
            stdout.println("Wrote report " + reportId + " (from " + (sender == null ? "?" : sender) + ") to " + folder);
        }

        @Override
        public void skipped(String reportId, FailureRule.Skip why, String reason) {
            stderr.println(reportId == null ? "safelight: skipped a report with an unusable report ID"
                    : "safelight: skipped report " + reportId + ": " + reason);
        }
    }

    /** Key servers are compared, and asked, by origin only (DESIGN §3). */
    private static URI origin(URI url, String flag) {
        try {
            return PackageJson.originOf(url.toString());
        } catch (MalformedReportException e) {
            throw new Failures.UsageException(flag + " " + url + ": " + e.getMessage());
        }
    }

    /** A secret from its flag, its file or the environment, in that order; required. */
    private String secret(String flag, Path file, String env, String name, String prefix) throws IOException {
        if (flag != null && file != null) {
            throw new Failures.UsageException("give " + name + " or " + name + "-file, not both");
        }
        String value = flag;
        if (file != null) {
            value = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        } else if (value == null) {
            value = main.env.get(env);
        }
        if (value == null || value.isBlank()) {
            throw new Failures.UsageException(name + " is needed (or " + name + "-file, or " + env + ")");
        }
        if (!value.startsWith(prefix)) {
            throw new Failures.UsageException(name + " does not look like one (it starts with " + prefix + ")");
        }
        return value.trim();
    }
}
