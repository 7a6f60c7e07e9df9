package org.safelight.endpoint.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.intake.Intake;
import org.safelight.endpoint.intake.IntakeRefusedException;
import org.safelight.format.FormatException;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.picsafe.Inspection;
import org.safelight.format.picsafe.ReportFileKind;

/**
 * A stand-in {@link Intake} until the endpoint's own is merged: streams the file to a folder, takes
 * only .picsafe files by the format's ZIP reading, answers "already received" for the same bytes,
 * and can be told to fail as a full disk would.
 */
final class FolderIntake implements Intake {
    private final Path dir;
    final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    volatile boolean diskFull;

    FolderIntake(Path dir) {
        this.dir = dir;
    }

    @Override
    public Receipt receive(InputStream file, Arrival arrival) throws IntakeRefusedException, IOException {
        if (diskFull) {
            file.readNBytes(1024);
            throw new IOException("No space left on device");
        }
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, "receiving", ".partial");
        try {
            Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
            Inspection inspection;
            try {
                inspection = Inspection.of(partial);
            } catch (UnsafeZipException e) {
                throw new IntakeRefusedException("unsafe_zip", "the file is not a safe ZIP");
            } catch (FormatException e) {
                throw new IntakeRefusedException("not_a_report", "the file is not a report");
            }
            if (inspection.kind() != ReportFileKind.PICSAFE || inspection.packageJson().reportId() == null) {
                throw new IntakeRefusedException("not_a_report", "the file is not a report");
            }
            String id = inspection.packageJson().reportId();
            Path stored = dir.resolve(id + ".picsafe");
            if (Files.exists(stored)) {
                if (Files.mismatch(stored, partial) == -1) {
                    return new Receipt(id, true);
                }
                throw new IntakeRefusedException("report_id_conflict", "another report has this ID");
            }
            Files.move(partial, stored);
            arrivals.add(arrival);
            return new Receipt(id, false);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    List<String> stored() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".picsafe")).sorted().toList();
        }
    }
}
