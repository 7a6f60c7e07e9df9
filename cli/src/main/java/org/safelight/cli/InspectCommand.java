package org.safelight.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.DisplayDates;
import org.safelight.format.report.ReportId;
import org.safelight.format.report.ReportMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Tell what a file is (sealed report, plain report, RNCryptor data) without any key.")
final class InspectCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
        Inspection i = Inspection.of(file);
        PrintStream out = main.stdout;
        row(out, "file", file + " (" + i.size() + " bytes)");
        switch (i.kind()) {
            case PICSAFE -> picsafe(out, i);
            case PLAIN_REPORT -> plain(out, i.metadata());
            case RNCRYPTOR -> {
                row(out, "kind", "RNCryptor v3 data (not a report)");
                row(out, "mode", mode(i.rncryptorOptions()));
            }
            case OTHER_ZIP -> row(out, "kind", "a ZIP archive, but not a report");
            case UNKNOWN -> row(out, "kind", "not a report, a ZIP or RNCryptor data");
        }
        if (!i.entries().isEmpty()) {
            row(out, "contents", "");
            for (Inspection.Entry e : i.entries()) {
                out.printf("  %-32s %,14d bytes%n", e.name(), e.size());
            }
        }
        return i.kind() == org.safelight.format.picsafe.ReportFileKind.UNKNOWN
                || i.kind() == org.safelight.format.picsafe.ReportFileKind.OTHER_ZIP ? ExitCode.MALFORMED : ExitCode.OK;
    }

    private void picsafe(PrintStream out, Inspection i) {
        row(out, "kind", ".picsafe report (encrypted)");
        PackageJson p = i.packageJson();
        // Only what the file itself states: a file name is anyone's to change, so it proves nothing.
        String stated = p == null ? null : p.reportId();
        row(out, "report id", stated != null && ReportId.isValid(stated) ? stated
                : "not stated in the file (it is inside the encrypted package)");
        if (p == null) {
            row(out, "key", "unknown: package.json is missing");
        } else {
            if (p.hasKeyServer()) {
                row(out, "key", "held by the key server at " + p.keyserverUrl());
            }
            if (p.hasStaticKey()) {
                row(out, "key", "static: " + p.staticKey().alg() + " for the key with id " + p.staticKey().kid());
            }
        }
        row(out, "encryption", i.rncryptorVersion() == 3 ? "RNCryptor v3, " + mode(i.rncryptorOptions())
                : "unknown (version byte " + i.rncryptorVersion() + ")");
    }

    private static void plain(PrintStream out, ReportMetadata m) {
        row(out, "kind", "plain report ZIP (not encrypted: anyone with the file can read it)");
        row(out, "report id", m.details().reportid());
        row(out, "date", DisplayDates.iso(m.details().datetime()));
        row(out, "media", Summaries.media(m));
        String levels = ConsentLevel.toList(m.consent().levels());
        row(out, "consent", m.consent().type().wire() + (levels.isEmpty() ? "" : " (" + levels.replace(",", ", ") + ")"));
    }

    private static String mode(int options) {
        return switch (options) {
            case 1 -> "password mode";
            case 0 -> "raw-key mode";
            default -> "unknown mode (options byte " + options + ")";
        };
    }

    private static void row(PrintStream out, String label, String value) {
        out.printf("%-11s %s%n", label + ":", value);
    }
}
