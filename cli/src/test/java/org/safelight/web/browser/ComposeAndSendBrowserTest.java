package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.cryptonode.jncryptor.AES256JNCryptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.safelight.accounts.testing.Outbox;
import org.safelight.cli.Main;
import org.safelight.cli.share.ShareMessage;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SharedFiles;

/**
 * The proof, from the clinician's side to the recipient's: in Chromium with its fake camera
 * and microphone a clinician takes a photo, picks one (which carries GPS), records a video and a
 * voice note, signs consent, seals in the page and sends to the cloud. The sealed file then opens
 * with {@code safelight open} (every file, thumbnails, the PDF's text, photos without GPS), in My
 * Safelight from the share link, and with JNCryptor and the key from the key server. The tests run in
 * order on one report; each step's screenshot is kept ({@code send-*}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeAndSendBrowserTest extends BrowserTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    static String reportId;
    static String link;
    static Path sealedFile;

    @BeforeAll
    static void start() throws Exception {
        // one upload per hour: the last test's second upload is refused
        site = Site.withUploadsPerHour(dir.resolve("data"), 1);
        site.confirmedUser("noor@example.org", "Noor");
        site.confirmedUser("sam@example.org", "Sam");
        openBrowser();
    }

    @Test
    @Order(1)
    void a_clinician_captures_signs_seals_and_sends_to_the_cloud_and_the_draft_is_wiped() {
        SignIn.as(browser, site, "noor@example.org");
        Composer composer = new Composer(browser);
        composer.open();
        shows("send-1-new-report");
        composer.takePhotoWithTheCamera();
        composer.pickPhoto(SharedFiles.media("photo-landscape.jpg"));
        composer.record("video", "video");
        composer.record("voice", "audio");
        composer.patient("Ada", "Quill", "1961-03-07", "MRN-204817");
        composer.notes("Wound on the left shin, day 3.");
        browser.script("document.getElementById('items').scrollIntoView({block: 'center'})");
        shows("send-2-captured");
        composer.signConsent();
        shows("send-3-consent-signed");

        composer.sealAndSend();
        browser.visible("#send-cloud");
        reportId = browser.text("#sealed-id");
        assertThat(browser.text("#send-summary")).contains("2 photos, 1 video and 1 audio recording");
        assertThat(draftItems()).as("the draft is kept until it is sent").isEqualTo(4);
        shows("send-4-sealed");

        browser.click("#send-cloud");
        link = browser.text("#share-link");
        assertThat(link).startsWith(site.url + "/app/report/AU/").endsWith("-" + reportId);
        assertThat(browser.text("#send-result")).contains("Uploaded to the cloud");
        assertThat(draftItems()).as("the draft is wiped once it went out").isZero();
        shows("send-5-link");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    @Order(2)
    void the_sms_and_whatsapp_links_carry_the_clis_message_with_the_link_and_the_counts() throws Exception {
        String message = ShareMessage.forMedia(media(2, 1, 1), 7, link);
        assertThat(message).contains(link, "2 photos, 1 video and 1 audio recording");
        String sms = browser.visible("#share-sms").getAttribute("href");
        assertThat(sms).startsWith("sms:?&body=");
        assertThat(URLDecoder.decode(sms.substring("sms:?&body=".length()), StandardCharsets.UTF_8)).isEqualTo(message);
        String whatsapp = browser.visible("#share-whatsapp").getAttribute("href");
        assertThat(whatsapp).startsWith("https://wa.me/?text=");
        assertThat(URLDecoder.decode(whatsapp.substring("https://wa.me/?text=".length()), StandardCharsets.UTF_8))
                .isEqualTo(message);

        // one wording in the page and the CLI, whatever the report holds
        for (int[] counts : new int[][] {{1, 0, 0}, {0, 2, 0}, {0, 0, 1}, {3, 0, 2}, {0, 1, 5}, {0, 0, 0}}) {
            Object inPage = browser.asyncScript("const done = arguments[arguments.length - 1];"
                    + " import('/app/static/send-share.js').then(m => done(m.shareMessage("
                    + "{photos: arguments[0], videos: arguments[1], audios: arguments[2]}, arguments[3])));",
                    counts[0], counts[1], counts[2], link);
            assertThat(inPage).isEqualTo(ShareMessage.forMedia(media(counts[0], counts[1], counts[2]), 7, link));
        }

        JsonNode mine = site.call("GET", "/api/v1/accounts/me/reports", site.token("noor@example.org"), null);
        assertThat(mine.path("reports").get(0).path("report_id").asText()).isEqualTo(reportId);
        assertThat(mine.path("reports").get(0).path("sends").findValuesAsText("channel")).contains("cloud");
    }

    @Test
    @Order(3)
    void the_download_is_the_file_the_cloud_holds() throws Exception {
        browser.click("#download-picsafe");
        sealedFile = browser.downloaded(reportId + ".picsafe");
        assertThat(Files.readAllBytes(sealedFile)).isEqualTo(cloudBytes());
        assertThat(browser.text("#send-result")).contains("Saved " + reportId + ".picsafe");
    }

    @Test
    @Order(4)
    void the_server_emails_the_sealed_file() throws Exception {
        browser.type("#email-to", "colleague@example.org");
        browser.click("#send-email");
        browser.until(d -> browser.text("#send-result").contains("Emailed to colleague@example.org"));
        MimeMessage mail = new Outbox(site.dataDir.resolve("outbox")).awaitMessagesTo("colleague@example.org", 1).get(0);
        assertThat(attachment(mail, reportId + ".picsafe")).isEqualTo(Files.readAllBytes(sealedFile));
        shows("send-6-sent");
    }

    @Test
    @Order(5)
    void the_recipient_opens_the_link_with_safelight_open_every_file_there_and_no_gps() throws Exception {
        Path config = dir.resolve("sam-cli");
        Map<String, String> env = Map.of("XDG_CONFIG_HOME", config.toString(), "SAFELIGHT_PASSWORD", Site.PASSWORD);
        assertThat(cli(env, "login", "--server", site.url, "--email", "sam@example.org")).isZero();
        Path out = dir.resolve("opened");
        assertThat(cli(env, "open", link, "-o", out.toString())).isZero();

        ReportMetadata metadata;
        try (InputStream in = Files.newInputStream(out.resolve("metadata.json"))) {
            metadata = MetadataJson.read(in);
        }
        assertThat(metadata.details().reportid()).isEqualTo(reportId);
        assertThat(metadata.media()).extracting(MediaItem::type)
                .containsExactlyInAnyOrder(MediaType.PHOTO, MediaType.PHOTO, MediaType.VIDEO, MediaType.AUDIO);
        for (MediaItem item : metadata.media()) {
            assertThat(out.resolve(item.fileName())).isNotEmptyFile();
            assertThat(ImageIO.read(out.resolve(item.thumbnailName()).toFile())).as(item.thumbnailName()).isNotNull();
            if (item.type() == MediaType.VIDEO) {
                // a frame of the fake camera's 16:9 picture, not the 480x360 card drawn when the page found none
                BufferedImage thumbnail = ImageIO.read(out.resolve(item.thumbnailName()).toFile());
                assertThat(thumbnail.getWidth() + "x" + thumbnail.getHeight()).as(item.thumbnailName()).isEqualTo("480x270");
            }
            if (item.type() == MediaType.PHOTO) {
                assertThat(JpegGps.hasGps(Files.readAllBytes(out.resolve(item.fileName())))).as(item.fileName()).isFalse();
            }
        }
        assertThat(JpegGps.hasGps(Files.readAllBytes(SharedFiles.media("photo-landscape.jpg"))))
                .as("the picked photo had GPS").isTrue();
        assertThat(ImageIO.read(out.resolve("consent.jpg").toFile())).isNotNull();
        try (PDDocument pdf = Loader.loadPDF(out.resolve("report.pdf").toFile())) {
            assertThat(new PDFTextStripper().getText(pdf)).contains("Ada", "Quill", "MRN-204817");
        }

        Path fromDownload = dir.resolve("opened-download");
        assertThat(cli(env, "open", sealedFile.toString(), "-o", fromDownload.toString())).isZero();
        assertThat(fromDownload.resolve("report.pdf")).isNotEmptyFile();
    }

    @Test
    @Order(6)
    void jncryptor_decrypts_the_package_with_the_key_from_the_key_server() throws Exception {
        byte[] encrypted = entry(Files.readAllBytes(sealedFile), "package.encrypted");
        JsonNode packageJson = JSON.readTree(entry(Files.readAllBytes(sealedFile), "package.json"));
        assertThat(packageJson.toString()).contains(site.url);
        String token = site.keyServerToken(site.token("sam@example.org"), site.url);
        String key = site.call("GET", "/api/v1/reports/" + reportId + "/key", token, null).path("key").asText();
        byte[] inner = new AES256JNCryptor().decryptData(encrypted, key.toCharArray());
        assertThat(names(inner)).contains("metadata.json", "report.pdf", "consent.jpg");
    }

    @Test
    @Order(7)
    void the_share_link_opens_the_report_in_my_safelight() {
        SignIn.as(browser, site, "sam@example.org");
        browser.get(link);
        browser.click(onPhone() ? "#open-here" : "#view-here");
        assertThat(browser.text("#patient-name")).isEqualTo("Ada Quill");
        shows("send-7-opened-by-the-recipient");
    }

    @Test
    @Order(8)
    void a_refused_upload_says_why_and_keeps_the_report() {
        SignIn.as(browser, site, "noor@example.org");
        Composer composer = new Composer(browser);
        composer.open();
        composer.pickPhoto(SharedFiles.media("photo-rotated.jpg"));
        composer.patient("Ben", "Okafor", "", "MRN-1");
        browser.click("label[for='consent-none']");
        composer.sealAndSend();
        browser.click("#send-cloud");
        assertThat(browser.text("#send-error")).contains("this hour's 1 uploads", "The report is still here");
        assertThat(browser.driver().findElements(org.openqa.selenium.By.id("share-link"))).isEmpty();
        assertThat(draftItems()).isEqualTo(1);
        shows("send-8-upload-refused");
        browser.click("#send-back");
        browser.visible("#compose");
        assertThat(composer.count("photo")).isEqualTo(1);
        assertThat(browser.script("return document.getElementById('patient-last').value")).isEqualTo("Okafor");
    }

    /** How many items the composer's draft holds now (0 once wiped). */
    private static int draftItems() {
        return ((Number) browser.asyncScript("const done = arguments[arguments.length - 1];"
                + " import('/app/static/compose-view.js').then(m => { const d = m.currentDraft();"
                + " done(d && d.items ? d.items.length : 0); });")).intValue();
    }

    private static List<MediaItem> media(int photos, int videos, int audios) {
        List<MediaItem> items = new ArrayList<>();
        int[] counts = {photos, videos, audios};
        MediaType[] types = {MediaType.PHOTO, MediaType.VIDEO, MediaType.AUDIO};
        for (int t = 0; t < types.length; t++) {
            for (int i = 0; i < counts[t]; i++) {
                items.add(new MediaItem(new ItemId(types[t].wire() + i), types[t], Set.of()));
            }
        }
        return items;
    }

    private static byte[] cloudBytes() throws Exception {
        String path = URI.create(link).getPath().replace("/app/report/", "/api/v1/cloud/reports/");
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(site.url + path))
                .header("Authorization", "Bearer " + site.token("sam@example.org")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static int cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        assertThat(code).as(String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8)).isZero();
        return code;
    }

    private static byte[] entry(byte[] zip, String name) throws Exception {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError("no " + name);
    }

    private static List<String> names(byte[] zip) throws Exception {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        return names;
    }

    private static byte[] attachment(MimeMessage mail, String fileName) throws Exception {
        if (mail.getContent() instanceof Multipart parts) {
            for (int i = 0; i < parts.getCount(); i++) {
                Part part = parts.getBodyPart(i);
                if (fileName.equals(part.getFileName())) {
                    return part.getInputStream().readAllBytes();
                }
            }
        }
        throw new AssertionError("no attachment " + fileName);
    }
}
