package org.safelight.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a certificates folder: the key formats openssl and certbot write, and the refusals. */
class TlsCertificateFilesTest {
    @TempDir
    static Path pkiDir;
    static OpensslPki pki;
    static Path rsaPkcs8;
    static Path rsaLeaf;
    static Path ecSec1;
    static Path ecLeaf;

    @TempDir
    Path certs;

    @BeforeAll
    static void issueCertificates() throws IOException {
        pki = OpensslPki.create(pkiDir);
        rsaPkcs8 = pki.rsaKey("rsa");
        rsaLeaf = pki.leaf(rsaPkcs8, "rsa server", 11);
        ecSec1 = pki.ecKey("ec");
        ecLeaf = pki.leaf(ecSec1, "ec server", 12);
    }

    @Test
    void pkcs8_and_pkcs1_rsa_keys_are_read() throws Exception {
        assertLoads(rsaPkcs8, rsaLeaf);
        assertLoads(pki.convert(rsaPkcs8, "rsa-pkcs1.key", "rsa", "-traditional"), rsaLeaf);
    }

    @Test
    void sec1_and_pkcs8_ec_keys_are_read() throws Exception {
        assertThat(Files.readString(ecSec1)).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
        assertLoads(ecSec1, ecLeaf);
        assertLoads(pki.convert(ecSec1, "ec-pkcs8.key", "pkcs8", "-topk8", "-nocrypt"), ecLeaf);
    }

    @Test
    void the_chain_is_fullchain_when_present_and_cert_alone_otherwise() throws Exception {
        pki.install(certs, rsaPkcs8, rsaLeaf);
        assertThat(TlsConfig.load(certs).current().chain()).hasSize(2);

        Files.delete(certs.resolve("fullchain.pem"));
        ServerCertificate leafOnly = TlsConfig.load(certs).current();
        assertThat(leafOnly.chain()).hasSize(1);
        assertThat(leafOnly.leaf().getSerialNumber()).isEqualTo(OpensslPki.serialOf(rsaLeaf));
    }

    @Test
    void password_encrypted_keys_are_refused_saying_so() throws Exception {
        Path pkcs8 = pki.convert(rsaPkcs8, "rsa-encrypted.key", "pkcs8", "-topk8", "-passout", "pass:secret");
        Path pkcs1 = pki.convert(rsaPkcs8, "rsa-legacy-encrypted.key", "rsa", "-traditional", "-aes128",
                "-passout", "pass:secret");

        assertRefused(pkcs8, rsaLeaf, "password-encrypted");
        assertRefused(pkcs1, rsaLeaf, "password-encrypted");
    }

    @Test
    void an_unsupported_key_format_is_refused_naming_the_supported_ones() throws Exception {
        Path dsa = pkiDir.resolve("dsa.key");
        Files.writeString(dsa, "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n");

        assertRefused(dsa, rsaLeaf, "\"BEGIN DSA PRIVATE KEY\" is not a supported key format; use PKCS#8");
    }

    @Test
    void a_key_that_is_not_the_certificates_is_refused() throws Exception {
        assertRefused(pki.rsaKey("other-rsa"), rsaLeaf, "is not the private key of the certificate");
        assertRefused(ecSec1, rsaLeaf, "is not a valid RSA private key");
    }

    @Test
    void a_truncated_key_is_refused_without_quoting_it() throws Exception {
        String key = Files.readString(rsaPkcs8);
        Path truncated = pkiDir.resolve("truncated.key");
        Files.writeString(truncated, key.substring(0, key.length() / 2));

        pki.install(certs, truncated, rsaLeaf);
        assertThatThrownBy(() -> TlsConfig.load(certs))
                .isInstanceOf(CertificateLoadException.class)
                .hasMessageContaining("privkey.pem")
                .satisfies(e -> key.lines().filter(line -> !line.startsWith("-----"))
                        .forEach(line -> assertThat(e.getMessage()).doesNotContain(line)));
    }

    @Test
    void cert_and_fullchain_disagreeing_is_refused() throws Exception {
        pki.install(certs, rsaPkcs8, rsaLeaf);
        Files.copy(ecLeaf, certs.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> TlsConfig.load(certs))
                .isInstanceOf(CertificateLoadException.class)
                .hasMessageContaining("cert.pem and the first certificate of fullchain.pem differ");
    }

    @Test
    void a_missing_or_empty_folder_is_not_present_but_any_one_file_is() throws Exception {
        assertThat(TlsConfig.present(certs.resolve("nowhere"))).isFalse();
        assertThat(TlsConfig.present(certs)).isFalse();

        Files.writeString(certs.resolve("cert.pem"), "");
        assertThat(TlsConfig.present(certs)).isTrue();
        assertThatThrownBy(() -> TlsConfig.load(certs))
                .isInstanceOf(CertificateLoadException.class)
                .hasMessageContaining("privkey.pem is missing");
    }

    @Test
    void a_certificate_within_two_weeks_of_its_end_is_overdue_for_renewal() throws Exception {
        pki.install(certs, rsaPkcs8, rsaLeaf);
        var leaf = TlsConfig.load(certs).current().leaf();
        Instant end = leaf.getNotAfter().toInstant();

        assertThat(CertificateWatcher.renewalOverdue(leaf, end.minus(Duration.ofDays(15)))).isFalse();
        assertThat(CertificateWatcher.renewalOverdue(leaf, end.minus(Duration.ofDays(13)))).isTrue();
        assertThat(CertificateWatcher.renewalOverdue(leaf, end.plus(Duration.ofDays(1)))).isTrue();
    }

    private void assertLoads(Path key, Path leaf) throws Exception {
        pki.install(certs, key, leaf);
        ServerCertificate loaded = TlsConfig.load(certs).current();
        assertThat(loaded.leaf().getSerialNumber()).isEqualTo(OpensslPki.serialOf(leaf));
        assertThat(loaded.toString()).doesNotContain("PRIVATE");
    }

    private void assertRefused(Path key, Path leaf, String reason) throws Exception {
        pki.install(certs, key, leaf);
        assertThatThrownBy(() -> TlsConfig.load(certs))
                .isInstanceOf(CertificateLoadException.class)
                .hasMessageContaining(reason);
    }
}
