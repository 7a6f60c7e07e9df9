package org.safelight.format.picsafe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.container.UnsafeZipException;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.rncryptor.IntegrityException;
import org.safelight.format.rncryptor.RNCryptor;
import org.safelight.format.rncryptor.Secret;
import org.safelight.format.rncryptor.WrongKeyException;
import org.safelight.format.testing.Keys;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.Zips;

class PicsafeRoundTripTest {
    private static final String KEY = "report-key-0123456789";
    private static final String KEYSERVER = "https://keys.example.org";

    @TempDir
    Path dir;

    private final ReportOpener opener = new ReportOpener(ZipLimits.REPORT, false);
    private final ReportOpener explaining = new ReportOpener(ZipLimits.REPORT, true);

    private byte[] packageZip() throws IOException {
        return Zips.create()
                .add("metadata.json", MetadataJson.write(SampleReports.metadata(SampleReports.photo("p1"))))
                .add("report.pdf", "%PDF-1.7 stand-in bytes")
                .add("p1-thumbnail.jpg", "thumb")
                .add("p1.jpg", "photo bytes")
                .bytes();
    }

    private Path seal(Protection protection, byte[] packageZip) throws IOException {
        Path file = dir.resolve(SampleReports.REPORT_ID + ".picsafe");
        PicsafeWriter.write(file, protection, SampleReports.REPORT_ID, out -> out.write(packageZip));
        return file;
    }

    @Test
    void a_dynamic_key_report_holds_exactly_package_json_and_package_encrypted() throws IOException {
        byte[] pkg = packageZip();
        Path file = seal(new Protection.DynamicKey(KEY, KEYSERVER), pkg);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry first = zip.getNextEntry();
            assertThat(first.getName()).isEqualTo("package.json");
            assertThat(new String(zip.readAllBytes())).contains("\"keyserver_url\"").contains(KEYSERVER)
                    .containsPattern("\"report_id\"\\s*:\\s*\"" + SampleReports.REPORT_ID + "\"");
            assertThat(zip.getNextEntry().getName()).isEqualTo("package.encrypted");
            // package.encrypted is plain RNCryptor of package.zip with the report key as password
            assertThat(RNCryptor.decrypt(zip.readAllBytes(), Secret.password(KEY))).isEqualTo(pkg);
            assertThat(zip.getNextEntry()).isNull();
        }
    }

    @Test
    void a_dynamic_key_report_opens_with_its_key() throws IOException {
        Path file = seal(new Protection.DynamicKey(KEY, KEYSERVER), packageZip());
        ReportOpener.Opened opened = opener.open(file, new ReportKey.Password(KEY), dir.resolve("opened"));
        assertThat(opened.wasEncrypted()).isTrue();
        assertThat(opened.metadata().patient().patientid()).isEqualTo("MRN-204817");
        assertThat(opened.files()).containsExactly("metadata.json", "report.pdf", "p1-thumbnail.jpg", "p1.jpg");
        assertThat(dir.resolve("opened/p1.jpg")).hasContent("photo bytes");
    }

    @Test
    void without_a_key_the_opener_says_which_key_server_holds_it() throws IOException {
        Path file = seal(new Protection.DynamicKey(KEY, KEYSERVER), packageZip());
        assertThatThrownBy(() -> opener.open(file, new ReportKey.None(), dir.resolve("opened")))
                .isInstanceOfSatisfying(KeyNeededException.class,
                        e -> assertThat(e.packageJson().keyserverUrl()).isEqualTo(KEYSERVER))
                .hasMessageContaining(KEYSERVER);
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void a_wrong_key_writes_nothing_and_is_explained_only_when_asked() throws IOException {
        Path file = seal(new Protection.DynamicKey(KEY, KEYSERVER), packageZip());
        assertThatThrownBy(() -> opener.open(file, new ReportKey.Password("nope"), dir.resolve("opened")))
                .isExactlyInstanceOf(IntegrityException.class);
        // explained: a wrong key (or, 1 time in 256, "altered": the diagnosis is a padding check)
        assertThatThrownBy(() -> explaining.open(file, new ReportKey.Password("nope"), dir.resolve("opened")))
                .isInstanceOfAny(WrongKeyException.class, org.safelight.format.rncryptor.TamperedDataException.class);
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void a_static_key_report_opens_with_the_institutions_private_key_only() throws IOException {
        KeyPair institution = Keys.rsa();
        Path pub = Keys.writePublicPem(institution, dir.resolve("pub.pem"));
        Path priv = Keys.writePrivatePem(institution, dir.resolve("priv.pem"));
        Path file = seal(new Protection.StaticKey(StaticKeys.readPublicKey(pub)), packageZip());

        Inspection inspection = Inspection.of(file);
        assertThat(inspection.kind()).isEqualTo(ReportFileKind.PICSAFE);
        assertThat(inspection.packageJson().hasKeyServer()).isFalse();
        assertThat(inspection.packageJson().reportId()).isEqualTo(SampleReports.REPORT_ID);
        assertThat(inspection.packageJson().staticKey().alg()).isEqualTo("RSA-OAEP-256");
        assertThat(inspection.packageJson().staticKey().kid()).isEqualTo(StaticKeys.kid(institution.getPublic()));

        ReportOpener.Opened opened = opener.open(file, new ReportKey.Private(StaticKeys.readPrivateKey(priv)),
                dir.resolve("opened"));
        assertThat(opened.files()).contains("p1.jpg");

        Path other = Keys.writePrivatePem(Keys.rsa(), dir.resolve("other.pem"));
        assertThatThrownBy(() -> opener.open(file, new ReportKey.Private(StaticKeys.readPrivateKey(other)),
                dir.resolve("opened2"))).isInstanceOf(WrongKeyException.class).hasMessageContaining("another key");
    }

    @Test
    void a_plain_report_opens_without_a_key() throws IOException {
        Path file = seal(new Protection.Plain(), packageZip());
        assertThat(ReportFileKind.probe(file)).isEqualTo(ReportFileKind.PLAIN_REPORT);
        ReportOpener.Opened opened = opener.open(file, new ReportKey.None(), dir.resolve("opened"));
        assertThat(opened.wasEncrypted()).isFalse();
        assertThat(opened.metadata().details().reportid()).isEqualTo(SampleReports.REPORT_ID);
    }

    @Test
    void a_hostile_name_inside_the_encrypted_package_is_refused_after_decryption_and_nothing_is_written()
            throws IOException {
        byte[] hostile = Zips.create().add("metadata.json", MetadataJson.write(SampleReports.metadata()))
                .add("../../escaped.txt", "owned").bytes();
        Path file = seal(new Protection.DynamicKey(KEY, KEYSERVER), hostile);
        assertThatThrownBy(() -> opener.open(file, new ReportKey.Password(KEY), dir.resolve("opened")))
                .isInstanceOf(UnsafeZipException.class);
        assertThat(dir.resolve("opened")).doesNotExist();
        assertThat(dir.getParent().resolve("escaped.txt")).doesNotExist();
        assertThat(dir.resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void a_report_missing_a_listed_media_file_is_refused() throws IOException {
        byte[] incomplete = Zips.create()
                .add("metadata.json", MetadataJson.write(SampleReports.metadata(SampleReports.photo("p1")))).bytes();
        Path file = seal(new Protection.Plain(), incomplete);
        assertThatThrownBy(() -> opener.open(file, new ReportKey.None(), dir.resolve("opened")))
                .isInstanceOf(MalformedReportException.class).hasMessageContaining("p1.jpg");
        assertThat(dir.resolve("opened")).doesNotExist();
    }

    @Test
    void bare_rncryptor_data_and_random_bytes_are_told_apart() throws IOException {
        Path bare = Files.write(dir.resolve("x.bin"), RNCryptor.encrypt(new byte[10], Secret.password("p")));
        Path junk = Files.writeString(dir.resolve("junk.picsafe"), "hello");
        assertThat(ReportFileKind.probe(bare)).isEqualTo(ReportFileKind.RNCRYPTOR);
        assertThat(ReportFileKind.probe(junk)).isEqualTo(ReportFileKind.UNKNOWN);
        assertThatThrownBy(() -> opener.open(bare, new ReportKey.None(), dir.resolve("o")))
                .hasMessageContaining("safelight decrypt");
        assertThatThrownBy(() -> opener.open(junk, new ReportKey.None(), dir.resolve("o")))
                .isInstanceOf(MalformedReportException.class);
    }

    @Test
    void the_wrapped_key_opens_with_openssl_as_an_independent_rsa_oaep_sha256_implementation() throws Exception {
        KeyPair institution = Keys.rsa();
        Path priv = Keys.writePrivatePem(institution, dir.resolve("priv.pem"));
        PackageJson.StaticKeyInfo info = StaticKeys.wrap(institution.getPublic(), KEY);
        Path wrapped = Files.write(dir.resolve("wrapped.bin"), java.util.Base64.getDecoder().decode(info.wrappedKey()));
        Process p = new ProcessBuilder("openssl", "pkeyutl", "-decrypt", "-inkey", priv.toString(),
                "-in", wrapped.toString(), "-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", "rsa_oaep_md:sha256",
                "-pkeyopt", "rsa_mgf1_md:sha256").redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).isEqualTo(KEY);
    }
}
