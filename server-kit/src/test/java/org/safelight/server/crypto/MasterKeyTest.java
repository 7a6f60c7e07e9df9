package org.safelight.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MasterKeyTest {
    @TempDir
    Path dataDir;

    private static final byte[] SECRET = "a report password".getBytes(StandardCharsets.UTF_8);

    @Test
    void a_missing_master_key_file_is_created_for_its_owner_only_and_read_back_the_same() throws Exception {
        MasterKey first = MasterKey.load(dataDir, Map.of());
        Path file = dataDir.resolve("master.key");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
        String sealed = first.seal(SECRET, "r1");
        assertThat(MasterKey.load(dataDir, Map.of()).open(sealed, "r1")).isEqualTo(SECRET);
    }

    @Test
    void a_derived_key_is_hkdf_expand_of_the_label_the_same_each_time_and_unrelated_across_labels() throws Exception {
        byte[] master = new byte[32];
        master[0] = 7;
        MasterKey key = MasterKey.load(dataDir, Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(master)));

        javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
        hmac.init(new javax.crypto.spec.SecretKeySpec(master, "HmacSHA256"));
        hmac.update("safelight audit chain v1".getBytes(StandardCharsets.UTF_8));
        hmac.update((byte) 1);
        assertThat(key.derive("safelight audit chain v1")).isEqualTo(hmac.doFinal())
                .isEqualTo(key.derive("safelight audit chain v1")).hasSize(32);
        assertThat(key.derive("another purpose")).isNotEqualTo(key.derive("safelight audit chain v1"));
        assertThat(key.toString()).doesNotContain(Base64.getEncoder().encodeToString(master));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw----r--", "rwx------", "rw-rw----"})
    void a_master_key_file_that_others_could_read_or_write_is_refused(String mode) throws Exception {
        MasterKey.load(dataDir, Map.of());
        Path file = dataDir.resolve("master.key");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));

        assertThatThrownBy(() -> MasterKey.load(dataDir, Map.of())).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining(mode).hasMessageContaining("chmod 600");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "not base64 at all!", "c2hvcnQ=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void a_malformed_master_key_file_is_refused_not_replaced(String content) throws Exception {
        Path file = dataDir.resolve("master.key");
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        assertThatThrownBy(() -> MasterKey.load(dataDir, Map.of())).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining(file.toString());
        assertThat(Files.readString(file)).isEqualTo(content);
    }

    @Test
    void the_environment_variable_is_used_instead_of_the_file() {
        byte[] raw = new byte[32];
        raw[0] = 7;
        String env = Base64.getEncoder().encodeToString(raw);
        MasterKey fromEnv = MasterKey.load(dataDir, Map.of(MasterKey.ENV, env));

        assertThat(dataDir.resolve("master.key")).doesNotExist();
        String sealed = fromEnv.seal(SECRET, "r1");
        assertThat(MasterKey.load(dataDir, Map.of(MasterKey.ENV, env)).open(sealed, "r1")).isEqualTo(SECRET);
    }

    @Test
    void a_malformed_environment_variable_is_refused_without_echoing_it() {
        assertThatThrownBy(() -> MasterKey.load(dataDir, Map.of(MasterKey.ENV, "c2VjcmV0LXNob3J0")))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining(MasterKey.ENV)
                .hasMessageNotContaining("c2VjcmV0LXNob3J0");
        assertThatThrownBy(() -> MasterKey.load(dataDir, Map.of(MasterKey.ENV, "%%%")))
                .isInstanceOf(MasterKeyException.class);
    }

    @Test
    void a_sealed_key_opens_only_for_its_own_report_and_under_its_own_master_key() {
        MasterKey master = MasterKey.load(dataDir, Map.of());
        String sealed = master.seal(SECRET, "report-1");

        assertThat(new String(Base64.getDecoder().decode(sealed), StandardCharsets.ISO_8859_1))
                .doesNotContain("a report password");
        assertThat(master.seal(SECRET, "report-1")).as("a fresh nonce each time").isNotEqualTo(sealed);
        assertThatThrownBy(() -> master.open(sealed, "report-2")).isInstanceOf(MasterKeyException.class);
        MasterKey other = MasterKey.load(dataDir.resolve("elsewhere"), Map.of());
        assertThatThrownBy(() -> other.open(sealed, "report-1")).isInstanceOf(MasterKeyException.class);
        byte[] bytes = Base64.getDecoder().decode(sealed);
        bytes[bytes.length - 1] ^= 1;
        assertThatThrownBy(() -> master.open(Base64.getEncoder().encodeToString(bytes), "report-1"))
                .isInstanceOf(MasterKeyException.class);
        assertThat(master).hasToString("MasterKey[FILE " + master.id() + "]");
        assertThat(MasterKey.sealedBy(sealed)).contains(master.id());
        assertThat(other.id()).isNotEqualTo(master.id());
    }

    @Test
    void a_value_sealed_before_key_ids_still_opens_under_its_file_key() throws Exception {
        byte[] raw = new byte[32];
        raw[5] = 9;
        MasterKey master = MasterKey.load(dataDir, Map.of(MasterKey.ENV, Base64.getEncoder().encodeToString(raw)));
        byte[] nonce = new byte[12];
        nonce[0] = 3;
        javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(raw, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        gcm.updateAAD("report-1".getBytes(StandardCharsets.UTF_8));
        byte[] body = gcm.doFinal(SECRET);
        byte[] legacy = java.nio.ByteBuffer.allocate(1 + 12 + body.length).put((byte) 1).put(nonce).put(body).array();
        String sealed = Base64.getEncoder().encodeToString(legacy);

        assertThat(master.open(sealed, "report-1")).isEqualTo(SECRET);
        assertThat(MasterKey.sealedBy(sealed)).isEmpty();
    }
}
