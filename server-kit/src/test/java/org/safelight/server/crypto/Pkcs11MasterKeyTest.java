package org.safelight.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Security;
import java.util.Map;
import javax.crypto.KeyGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.server.testing.SoftHsm;

class Pkcs11MasterKeyTest {
    private static final byte[] SECRET = "a report password".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void a_value_sealed_inside_the_token_opens_there_for_its_owner_only() {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        MasterKey key = Pkcs11MasterKey.openOrCreate(token.config(), "round-trip", token.pinChars());

        String sealed = key.seal(SECRET, "r1");

        assertThat(key.kind()).isEqualTo(MasterKey.Kind.PKCS11);
        assertThat(MasterKey.sealedBy(sealed)).contains(key.id());
        assertThat(key.open(sealed, "r1")).isEqualTo(SECRET);
        assertThatThrownBy(() -> key.open(sealed, "r2")).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("does not open");
        MasterKey again = Pkcs11MasterKey.open(token.config(), "round-trip", token.pinChars());
        assertThat(again.id()).isEqualTo(key.id());
        assertThat(again.open(sealed, "r1")).isEqualTo(SECRET);
    }

    @Test
    void the_key_made_in_the_token_is_sensitive_and_cannot_be_read_out() throws Exception {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        Pkcs11MasterKey.openOrCreate(token.config(), "never-leaves", token.pinChars());

        KeyStore store = KeyStore.getInstance("PKCS11", Security.getProvider("SunPKCS11")
                .configure(token.config().toString()));
        store.load(null, token.pinChars());
        Key key = store.getKey("never-leaves", null);

        assertThat(key.getEncoded()).isNull();
        assertThat(key.toString()).contains("sensitive").contains("unextractable");
        assertThatThrownBy(() -> Pkcs11MasterKey.open(token.config(), "never-leaves", token.pinChars())
                .derive("a purpose")).isInstanceOf(MasterKeyException.class);
    }

    @Test
    void a_key_in_the_token_that_can_be_read_out_is_refused_by_its_label() throws Exception {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        String weak = Files.readString(token.config()) + "\nattributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
                + "  CKA_SENSITIVE = false\n  CKA_EXTRACTABLE = true\n}\n";
        KeyStore store = KeyStore.getInstance("PKCS11", Security.getProvider("SunPKCS11").configure("--" + weak));
        store.load(null, token.pinChars());
        KeyGenerator generator = KeyGenerator.getInstance("AES", store.getProvider());
        generator.init(256);
        store.setEntry("readable", new KeyStore.SecretKeyEntry(generator.generateKey()), null);
        assertThat(store.getKey("readable", null).getEncoded()).as("the fixture made a readable key").isNotNull();

        assertThatThrownBy(() -> Pkcs11MasterKey.open(token.config(), "readable", token.pinChars()))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("'readable'").hasMessageContaining("can be read out").hasMessageContaining("refused");
        assertThatThrownBy(() -> Pkcs11MasterKey.openOrCreate(token.config(), "readable", token.pinChars()))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("can be read out");
    }

    @Test
    void a_configuration_that_asks_for_readable_keys_still_makes_the_master_key_sensitive() throws Exception {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        Path config = dir.resolve("weak.cfg");
        Files.writeString(config, Files.readString(token.config()) + "\nattributes(generate, CKO_SECRET_KEY, CKK_AES)"
                + " = {\n  CKA_SENSITIVE = false\n  CKA_EXTRACTABLE = true\n}\n");

        MasterKey made = Pkcs11MasterKey.openOrCreate(config, "made-despite-config", token.pinChars());

        KeyStore store = KeyStore.getInstance("PKCS11", Security.getProvider("SunPKCS11")
                .configure(token.config().toString()));
        store.load(null, token.pinChars());
        Key key = store.getKey("made-despite-config", null);
        assertThat(key.getEncoded()).isNull();
        assertThat(key.toString()).contains(", sensitive").contains("unextractable");
        assertThat(made.kind()).isEqualTo(MasterKey.Kind.PKCS11);
    }

    @Test
    void a_file_key_and_a_token_key_do_not_open_each_others_values_and_say_which_key_sealed_them() {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);
        MasterKey inToken = Pkcs11MasterKey.openOrCreate(token.config(), "not-the-file", token.pinChars());
        MasterKey file = MasterKey.load(dir, Map.of());

        String byFile = file.seal(SECRET, "r1");

        assertThat(inToken.id()).isNotEqualTo(file.id()).hasSize(16);
        assertThatThrownBy(() -> inToken.open(byFile, "r1")).isInstanceOf(MasterKeyException.class)
                .hasMessageContaining(file.id()).hasMessageContaining("rotation");
    }

    @Test
    void a_wrong_pin_is_refused_with_a_message_that_names_the_pin_and_not_its_value() {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.UNTOUCHED);

        assertThatThrownBy(() -> Pkcs11MasterKey.open(token.config(), "any", "9999".toCharArray()))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("refused the PIN").hasMessageContaining("SAFELIGHT_HSM_PIN")
                .hasMessageNotContaining("9999");
    }

    @Test
    void a_missing_key_label_is_refused_with_what_to_check() {
        SoftHsm.Token token = SoftHsm.token(SoftHsm.MAIN);

        assertThatThrownBy(() -> Pkcs11MasterKey.open(token.config(), "no-such-key", token.pinChars()))
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("no key labelled 'no-such-key'").hasMessageContaining("--master-key-label");
    }

    @Test
    void a_library_that_cannot_be_loaded_is_refused_with_what_to_check() throws Exception {
        SoftHsm.token(SoftHsm.MAIN);
        Path config = Files.writeString(dir.resolve("bad.cfg"), "name = bad\nlibrary = " + dir.resolve("nothing.so")
                + "\nslot = 1\n");

        assertThatThrownBy(() -> Pkcs11MasterKey.open(config, "k", "1234".toCharArray()))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("cannot be used")
                .hasMessageContaining("library=");
        assertThatThrownBy(() -> Pkcs11MasterKey.open(dir.resolve("absent.cfg"), "k", "1234".toCharArray()))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("cannot be read");
    }
}
