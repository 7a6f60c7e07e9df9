package org.safelight.format.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.safelight.format.media.MalformedMediaException;
import org.safelight.format.media.Mp4Metadata;
import org.safelight.format.media.Photos;
import org.safelight.format.pdf.ReportImages;
import org.safelight.format.pdf.ReportPdf;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.report.Consent;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MetadataJson;

/**
 * Seals a {@link Draft}: thumbnails, photos and MP4 files without location or device metadata, report.pdf,
 * package.zip, then the protection chosen. The per-item work runs on one thread per core
 * ({@link MediaWork}); memory holds the thumbnails and a few photos, however many the draft has.
 */
public final class Sealer {
    private Sealer() {
    }

    /** Seals into {@code out}; when it is a folder, into {@code {ReportID}.picsafe} (or {@code .zip} plain) there. */
    public static Path seal(Draft draft, Protection protection, Path out) throws IOException {
        return seal(draft, protection, out, MediaWork.defaultThreads());
    }

    static Path seal(Draft draft, Protection protection, Path out, int threads) throws IOException {
        Path target = Files.isDirectory(out)
                ? out.resolve(draft.metadata().details().reportid()
                        + (protection instanceof Protection.Plain ? ".zip" : ".picsafe"))
                : out;
        // started before the writer derives the keys, so the thumbnails are under way meanwhile
        try (MediaWork work = new MediaWork(draft, threads)) {
            warmUpReport();
            PicsafeWriter.write(target, protection, draft.metadata().details().reportid(),
                    zip -> writePackage(draft, zip, work));
        }
        return target;
    }

    /**
     * Loads PDFBox and the fonts on a thread of its own while the keys are derived and the photos read: in a
     * one-shot process that is a third of report.pdf's cost, and a core is often idle then (always with one photo).
     * Daemon: nothing waits for it; the report's rendering simply finds the classes loaded.
     */
    private static void warmUpReport() {
        Thread warm = new Thread(ReportPdf::warmUp, "seal-pdf-warm-up");
        warm.setDaemon(true);
        warm.setPriority(Thread.MIN_PRIORITY);
        warm.start();
    }

    /** Writes package.zip: metadata.json, report.pdf, consent, and each item's thumbnail and file. */
    public static void writePackage(Draft draft, OutputStream out) throws IOException {
        writePackage(draft, out, MediaWork.defaultThreads());
    }

    /**
     * As {@link #writePackage(Draft, OutputStream)}, with the per-item work on {@code threads}
     * threads; the bytes written do not depend on that number.
     */
    static void writePackage(Draft draft, OutputStream out, int threads) throws IOException {
        try (MediaWork work = new MediaWork(draft, threads)) {
            writePackage(draft, out, work);
        }
    }

    static void writePackage(Draft draft, OutputStream out, MediaWork work) throws IOException {
        // the items' failures first, then the consent's, as a serial run would find them
        Map<ItemId, byte[]> thumbnails = work.thumbnails();
        MediaWork.StrippedPhoto signature = null;
        if (draft.metadata().consent().type() == Consent.ConsentType.SIGNED && draft.consentFile() != null) {
            try {
                signature = strippedPhoto(draft.consentFile());
            } catch (MalformedMediaException e) {
                throw naming(draft.consentFile(), e);
            }
        }

        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setLevel(Deflater.DEFAULT_COMPRESSION);
        put(zip, "metadata.json", MetadataJson.write(draft.metadata()));
        zip.putNextEntry(new ZipEntry("report.pdf"));
        ReportPdf.render(draft.metadata(), new ReportImages(thumbnails,
                signature == null ? null : Arrays.copyOf(signature.bytes(), signature.length())), zip);
        zip.closeEntry();
        // Media are already compressed: deflating them again costs CPU and saves nothing.
        zip.setLevel(Deflater.NO_COMPRESSION);
        if (signature != null) {
            putStored(zip, "consent.jpg", signature);
        } else if (draft.consentFile() != null) {
            copy(zip, "consent.m4a", draft.consentFile());
        }
        for (MediaItem item : draft.metadata().media()) {
            putStored(zip, item.thumbnailName(), stored(thumbnails.get(item.id())));
            if (item.type() == MediaItem.MediaType.PHOTO) {
                // stripped by the pool while the previous photos were written; a large one streams here
                MediaWork.StrippedPhoto stripped = work.strippedPhoto(item);
                if (stripped != null) {
                    putStored(zip, item.fileName(), stripped);
                } else {
                    stripInto(zip, item.fileName(), draft.mediaFiles().get(item.id()));
                }
            } else {
                copy(zip, item.fileName(), draft.mediaFiles().get(item.id()));
            }
        }
        zip.finish();
    }

    private static MediaWork.StrippedPhoto strippedPhoto(Path file) throws IOException {
        try {
            return MediaWork.strip(file).call();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * An entry stored as is: for JPEGs, which do not deflate, this spares running every byte
     * through zlib's stored blocks. Possible because the bytes, so their CRC, are known first.
     */
    private static void putStored(ZipOutputStream zip, String name, MediaWork.StrippedPhoto bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length());
        entry.setCompressedSize(bytes.length());
        entry.setCrc(bytes.crc());
        zip.putNextEntry(entry);
        zip.write(bytes.bytes(), 0, bytes.length());
        zip.closeEntry();
    }

    private static MediaWork.StrippedPhoto stored(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return new MediaWork.StrippedPhoto(bytes, bytes.length, crc.getValue());
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Strips a large photo straight into the package, as it streams: never whole in memory. */
    private static void stripInto(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        try (InputStream in = Files.newInputStream(file)) {
            Photos.stripMetadata(in, zip);
        } catch (MalformedMediaException e) {
            throw naming(file, e);
        }
        zip.closeEntry();
    }

    /** Copies an MP4 file into the package without its metadata: no file goes in as the draft holds it. */
    private static void copy(ZipOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        try {
            Mp4Metadata.strip(file, zip);
        } catch (MalformedMediaException e) {
            throw naming(file, e);
        }
        zip.closeEntry();
    }

    /** The draft's file name in front of what is wrong with it: a user with 30 photos must know which. */
    static MalformedMediaException naming(Path file, MalformedMediaException e) {
        return new MalformedMediaException(file.getFileName() + ": " + e.getMessage(), e);
    }
}
