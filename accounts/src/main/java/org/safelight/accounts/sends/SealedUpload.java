package org.safelight.accounts.sends;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.safelight.server.http.ErrorCode;
import org.safelight.server.http.MultipartReader;
import org.safelight.server.http.PathRules;
import org.safelight.server.http.Refusal;

/**
 * A multipart form holding one report file ({@code picsafe_file}) and a few short text fields,
 * streamed from the request: the file into a private temporary folder (so a report is never
 * whole in memory), refused once it passes the size limit. Closing deletes the folder. Not
 * thread-safe.
 */
final class SealedUpload implements AutoCloseable {
    private static final int MAX_FIELD_BYTES = 4096;

    private final Path folder;
    private final Map<String, String> fields = new HashMap<>();
    private Path file;
    private String fileName;

    private SealedUpload(Path folder) {
        this.folder = folder;
    }

    /**
     * Reads the form.
     *
     * @param textFields the text fields kept (others are skipped)
     * @throws Refusal {@code bad_request} when the form is malformed or has no file, {@code too_large}
     *                 when the file is over {@code maxBytes}
     */
    static SealedUpload read(Context ctx, long maxBytes, Set<String> textFields) throws IOException {
        SealedUpload upload = new SealedUpload(Files.createTempDirectory("safelight-send-"));
        try {
            MultipartReader form = MultipartReader.of(PathRules.body(ctx), ctx.contentType());
            for (MultipartReader.Part part; (part = form.next()) != null; ) {
                if (part.name().equals("picsafe_file") && upload.file == null) {
                    upload.fileName = part.fileName() == null ? "" : part.fileName();
                    upload.file = upload.folder.resolve("upload");
                    spool(part.body(), upload.file, maxBytes);
                } else if (textFields.contains(part.name())) {
                    byte[] bytes = part.body().readNBytes(MAX_FIELD_BYTES + 1);
                    if (bytes.length > MAX_FIELD_BYTES) {
                        throw new Refusal(ErrorCode.BAD_REQUEST, "the field '" + part.name() + "' is too long");
                    }
                    upload.fields.put(part.name(), new String(bytes, StandardCharsets.UTF_8).strip());
                }
            }
            if (upload.file == null) {
                throw new Refusal(ErrorCode.BAD_REQUEST, "send the sealed report as the form's 'picsafe_file'");
            }
            return upload;
        } catch (MultipartReader.MalformedMultipartException e) {
            upload.close();
            throw new Refusal(ErrorCode.BAD_REQUEST, e.getMessage());
        } catch (IOException | RuntimeException e) {
            upload.close();
            throw e;
        }
    }

    private static void spool(InputStream in, Path target, long maxBytes) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new Refusal(ErrorCode.TOO_LARGE, "the report is larger than the " + megabytes(maxBytes)
                            + " this server sends; download it and send it another way");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    static String megabytes(long bytes) {
        return bytes % 1_000_000 == 0 ? bytes / 1_000_000 + " MB" : bytes + " bytes";
    }

    /** A text field as sent (stripped), or null. */
    String field(String name) {
        return fields.get(name);
    }

    /** The file name the client gave, or "". */
    String fileName() {
        return fileName;
    }

    /**
     * The file, renamed {@code {reportId}.picsafe} (the name it is attached or posted under).
     */
    Path named(String reportId) throws IOException {
        Path target = folder.resolve(reportId + ".picsafe");
        if (!file.equals(target)) {
            file = Files.move(file, target);
        }
        return file;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try (var entries = Files.list(folder)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // a temporary folder left behind holds a sealed (encrypted) file only
        }
    }
}
