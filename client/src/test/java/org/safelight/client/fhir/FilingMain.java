package org.safelight.client.fhir;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;

/**
 * Files one opened report folder, for {@link FlatMemoryTest}'s child JVM (started with a small
 * heap): {@code FilingMain BASE_URL stu3|r4 media|document FOLDER PATIENT PRACTITIONER [USER PASSWORD]}. Prints the filed
 * report; exits 0 when filed, 1 on a refusal, and dies of OutOfMemoryError if filing buffers a file.
 */
public final class FilingMain {
    private FilingMain() {
    }

    public static void main(String[] args) throws Exception {
        FhirAuth auth = args.length >= 8 ? FhirAuth.basic(args[6], args[7]) : FhirAuth.none();
        FhirClient client = new FhirClient(URI.create(args[0]), FhirVersion.parse(args[1]), auth);
        Path folder = Path.of(args[3]);
        ReportMetadata metadata;
        try (InputStream in = Files.newInputStream(folder.resolve("metadata.json"))) {
            metadata = MetadataJson.read(in);
        }
        FhirPatient patient = new FhirPatient(args[4], "", "", "", List.of());
        FhirPractitioner practitioner = new FhirPractitioner(args[5], "", List.of(), List.of());
        try {
            FiledReport filed = new ReportFiler(client, FhirMode.parse(args[2]), ReportFiler.DEFAULT_INLINE_LIMIT)
                    .file(folder, metadata, patient, practitioner, CreatedResources.inMemory());
            System.out.println(filed);
            System.out.println("max heap " + Runtime.getRuntime().maxMemory());
        } catch (FhirException e) {
            System.out.println("refused: " + e.getMessage());
            System.exit(1);
        }
    }
}
