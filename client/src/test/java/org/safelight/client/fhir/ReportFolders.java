package org.safelight.client.fhir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.safelight.format.pdf.ReportImages;
import org.safelight.format.pdf.ReportPdf;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.SharedFiles;

/**
 * Opened reports as the endpoint hands them to a destination: a folder with metadata.json, a real
 * report.pdf and the media named by their item IDs, from the shared fixtures.
 */
final class ReportFolders {
    private final Map<MediaItem, Path> media = new LinkedHashMap<>();
    private String notes;

    static ReportFolders report() {
        return new ReportFolders();
    }

    ReportFolders photo(String id, Path source) {
        return item(id, MediaItem.MediaType.PHOTO, source);
    }

    ReportFolders video(String id, Path source) {
        return item(id, MediaItem.MediaType.VIDEO, source);
    }

    ReportFolders audio(String id, Path source) {
        return item(id, MediaItem.MediaType.AUDIO, source);
    }

    ReportFolders notes(String value) {
        this.notes = value;
        return this;
    }

    /** The fixtures' landscape photo, clip and voice note. */
    static ReportFolders sample() {
        return report().photo("IMG_0001", SharedFiles.media("photo-landscape.jpg"))
                .photo("IMG_0002", SharedFiles.media("signature.jpg"))
                .video("VID_0001", SharedFiles.media("clip.m4v"))
                .audio("AUD_0001", SharedFiles.media("voice.m4a"));
    }

    private ReportFolders item(String id, MediaItem.MediaType type, Path source) {
        media.put(new MediaItem(new ItemId(id), type, Set.of(ConsentLevel.TREATMENT)), source);
        return this;
    }

    private static final Map<ReportMetadata, byte[]> PDFS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Rendering takes a second or two on a busy machine: once per metadata and JVM. */
    private static byte[] pdf(ReportMetadata metadata) throws IOException {
        byte[] known = PDFS.get(metadata);
        if (known != null) {
            return known;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ReportPdf.render(metadata, ReportImages.none(), out);
        PDFS.put(metadata, out.toByteArray());
        return out.toByteArray();
    }

    /** Writes the folder and returns its metadata. */
    ReportMetadata write(Path folder) throws IOException {
        ReportMetadata metadata = SampleReports.metadata(media.keySet().toArray(MediaItem[]::new));
        if (notes != null) {
            metadata = metadata.withDetails(new ReportMetadata.Details(notes, metadata.details().datetime(),
                    metadata.details().reportid(), "", "", "", "", null, "", "", "", "", "", "", "", ""));
        }
        Files.createDirectories(folder);
        Files.write(folder.resolve("metadata.json"), MetadataJson.write(metadata));
        Files.write(folder.resolve("report.pdf"), pdf(metadata));
        for (Map.Entry<MediaItem, Path> e : media.entrySet()) {
            Files.copy(e.getValue(), folder.resolve(e.getKey().fileName()));
        }
        return metadata;
    }

    static List<String> itemIds(ReportMetadata metadata) {
        List<String> ids = new ArrayList<>();
        metadata.media().forEach(m -> ids.add(m.id().value()));
        return ids;
    }
}
