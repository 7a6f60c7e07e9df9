package org.safelight.endpoint.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.Destination;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.delivery.Sending;
import org.safelight.format.container.SafeUnzip;
import org.safelight.format.report.MediaItem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a report's photos to a PACS: each photo as a DICOM VL Photographic Image
 * ({@link PhotoEncoder}: the JPEG without its metadata, patient, study and series from the report)
 * in one DICOMweb STOW-RS request, {@code POST {url}/studies}, with HTTP Basic auth, the body
 * streamed with an exact {@code Content-Length} from stripped copies of the photos, made in a
 * private folder beside the report's decrypted files and deleted when the delivery ends. Videos,
 * audio and the PDF are not sent (a VL Photographic Image holds a photo); a report without photos
 * is delivered with nothing sent.
 *
 * <p>A report without a patient ID is parked at once (fail closed: a PACS files images by patient
 * ID, and a study under an empty ID would be lost or merged with others). So is a photo that is
 * truncated, damaged or not a baseline JPEG; every photo is checked and copied before anything is
 * sent, so then none of the report's photos is. The same report and item always give the same SOP
 * Instance UID, so a retry after a lost answer stores no second copy. The answer is read by {@link StowAnswer}: a refused
 * connection, a timeout, 408, 429 and 5xx are retried; a wrong user or password, other refusals and
 * failed instances park the delivery. Thread-safe.
 */
public final class DicomDestination implements Destination {
    public static final String NAME = "dicom";
    private static final Logger LOG = LoggerFactory.getLogger(DicomDestination.class);
    /** Slowest upload rate allowed before a request times out: the timeout grows with the body. */
    private static final long MIN_BYTES_PER_SECOND = 1_000_000;
    /** The most of a PACS's answer read: its DICOM JSON lists one item per instance sent. */
    private static final int MAX_ANSWER = 1 << 20;

    private final URI studies;
    private final String authorization;
    private final HttpClient http;
    private final Duration answerTimeout;

    public DicomDestination(URI url, String user, String password, Duration connectTimeout, Duration answerTimeout) {
        String base = url.toString().replaceAll("/+$", "");
        this.studies = URI.create(base + "/studies");
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.answerTimeout = answerTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * The destination of {@code --endpoint-dicom-*}, with a 10 s connection and a 60 s answer timeout.
     *
     * @param allowPlainHttp {@code --endpoint-allow-plain-http}: without it an {@code http://} URL is
     *                       refused unless its host is this machine (patient data crosses it)
     * @throws IllegalArgumentException naming what is wrong with the URL or the password file
     */
    public static DicomDestination create(DicomSettings settings, boolean allowPlainHttp) {
        return new DicomDestination(checked(settings.url(), allowPlainHttp), settings.user(),
                readPassword(settings.passwordFile()), Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    static URI checked(URI url, boolean allowPlainHttp) {
        String scheme = url.getScheme() == null ? "" : url.getScheme();
        if (url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException("--endpoint-dicom-url must be an https:// URL (the PACS's DICOMweb base)");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("--endpoint-dicom-url is the DICOMweb base, without a query or fragment");
        }
        if (url.getRawUserInfo() != null) {
            // It would be logged and shown with the URL.
            throw new IllegalArgumentException("--endpoint-dicom-url holds a user or password (user:password@host): give"
                    + " them with --endpoint-dicom-user and --endpoint-dicom-password-file instead");
        }
        String host = url.getHost();
        boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (scheme.equals("http") && !local && !allowPlainHttp) {
            throw new IllegalArgumentException("--endpoint-dicom-url is plain http:// to another machine: photos and"
                    + " patient details would cross the network in the clear; use https:// (or"
                    + " --endpoint-allow-plain-http for testing)");
        }
        return url;
    }

    static String readPassword(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("--endpoint-dicom-password-file cannot be read: " + file, e);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("--endpoint-dicom-password-file is empty: " + file);
        }
        return text;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void deliver(OpenedReport report) throws DeliveryException {
        Optional<String> noPatient = PhotoEncoder.patientIdProblem(report.metadata());
        if (noPatient.isPresent()) {
            throw new DeliveryException(noPatient.get() + "; it is not sent to the PACS", true);
        }
        List<MediaItem> media = photoItems(report);
        if (media.isEmpty()) {
            return;
        }
        Path copies = cleanCopiesFolder(report);
        try {
            send(media, encode(report, media, copies));
        } finally {
            try {
                SafeUnzip.deleteTree(copies);
            } catch (IOException e) {
                // The pipeline deletes the report's work folder, this one inside it, right after.
                LOG.warn("the PACS copies of report {} were not deleted ({}); the report's work folder will be",
                        report.reportId(), e.getClass().getSimpleName());
            }
        }
    }

    /**
     * A new private folder beside the report's decrypted files, in the pipeline's work folder: the
     * copies are as sensitive as the photos, and go when the report's work folder goes (also after
     * a crash, when the work folder is emptied at start).
     */
    private static Path cleanCopiesFolder(OpenedReport report) throws DeliveryException {
        Path parent = report.contents().toAbsolutePath().getParent();
        try {
            return Files.createTempDirectory(parent, "dicom-");
        } catch (IOException e) {
            throw new DeliveryException("the photos could not be copied without their metadata ("
                    + e.getClass().getSimpleName() + ")", false, e);
        }
    }

    private void send(List<MediaItem> media, List<EncodedPhoto> photos) throws DeliveryException {
        Map<String, String> items = new LinkedHashMap<>();
        for (int i = 0; i < photos.size(); i++) {
            items.put(photos.get(i).sopInstanceUid(), media.get(i).id().value());
        }
        StowBody body = new StowBody(photos);
        long length = body.length();
        HttpRequest request = HttpRequest.newBuilder(studies)
                .timeout(answerTimeout.plusSeconds(length / MIN_BYTES_PER_SECOND))
                .header("Content-Type", body.contentType())
                .header("Accept", "application/dicom+json")
                .header("Authorization", authorization)
                .header("User-Agent", "Safelight-Endpoint")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body::open), length))
                .build();
        HttpResponse<InputStream> response = Sending.send(http, request, HttpResponse.BodyHandlers.ofInputStream(), "the PACS");
        int status = response.statusCode();
        byte[] answer = read(response.body());
        StowAnswer.check(status, answer, items);
    }

    private static List<MediaItem> photoItems(OpenedReport report) {
        return report.metadata().media().stream().filter(m -> m.type() == MediaItem.MediaType.PHOTO).toList();
    }

    /** Every photo, stripped into {@code copies}, before anything is sent: one unusable photo and none is stored. */
    private static List<EncodedPhoto> encode(OpenedReport report, List<MediaItem> media, Path copies)
            throws DeliveryException {
        List<EncodedPhoto> photos = new ArrayList<>();
        int number = 0;
        for (MediaItem item : media) {
            number++;
            Path file = report.contents().resolve(item.fileName()).normalize();
            try {
                photos.add(PhotoEncoder.encode(report.metadata(), report.reportId(), item.id(), number, file,
                        copies.resolve("photo-" + number + ".jpg")));
            } catch (NoSuchFileException e) {
                throw new DeliveryException("photo " + item.id().value() + " is not in the report", true, e);
            } catch (UnsuitablePhotoException e) {
                throw new DeliveryException("photo " + item.id().value() + " " + e.getMessage(), true, e);
            } catch (IOException e) {
                throw new DeliveryException("photo " + item.id().value() + " could not be read ("
                        + e.getClass().getSimpleName() + ")", false, e);
            }
        }
        return photos;
    }

    /** At most {@link #MAX_ANSWER} bytes of the PACS's answer; nothing if it breaks (the status decides). */
    private static byte[] read(InputStream in) {
        try (in) {
            return in.readNBytes(MAX_ANSWER);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
