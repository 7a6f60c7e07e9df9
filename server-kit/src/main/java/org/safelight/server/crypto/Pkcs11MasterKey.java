package org.safelight.server.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * A master key inside a PKCS#11 token (a hardware security module, or SoftHSM in tests), used
 * through the JDK's own SunPKCS11 provider: the key is found by its label after logging in with the
 * PIN, and every AES-GCM seal and open runs inside the token, so the key's bytes never reach this
 * process.
 *
 * <p>The configuration file is SunPKCS11's own ({@code name}, {@code library}, and {@code slot} or
 * {@code slotListIndex}). Each call configures a new provider instance; the token's library is
 * loaded once per process whatever the number of instances. Keys this class creates are generated
 * in the token as sensitive and not extractable.
 */
public final class Pkcs11MasterKey {
    /**
     * Appended to the operator's configuration, always (a later template wins over an earlier one for
     * the same attributes), so that a key made here can never be read out of the token, whatever the
     * operator's own {@code attributes(generate, ...)} lines say.
     */
    private static final String NOT_EXTRACTABLE = "\nattributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
            + "  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n";

    private Pkcs11MasterKey() {
    }

    /**
     * The AES key labelled {@code label} in the token that {@code config} names.
     *
     * @throws MasterKeyException with what to do, when the configuration cannot be read, the library
     *     or slot cannot be loaded, the token refuses the PIN, or it holds no AES key by that label
     */
    public static MasterKey open(Path config, String label, char[] pin) {
        KeyStore store = login(provider(config), config, pin);
        SecretKey key = find(store, config, label);
        if (key == null) {
            throw new MasterKeyException("the PKCS#11 token of " + config + " holds no key labelled '" + label
                    + "': check --master-key-label, or create the key (see 'safelight admin master-key rotate"
                    + " --to-pkcs11')", null);
        }
        return new MasterKey(key, store.getProvider(), MasterKey.Kind.PKCS11, new SecureRandom());
    }

    /**
     * The key labelled {@code label}, made first (AES-256, generated in the token, sensitive and not
     * extractable) when the token holds none.
     *
     * @throws MasterKeyException as {@link #open}, or when the token cannot make or keep the key
     */
    public static MasterKey openOrCreate(Path config, String label, char[] pin) {
        KeyStore store = login(provider(config), config, pin);
        SecretKey key = find(store, config, label);
        if (key == null) {
            try {
                KeyGenerator generator = KeyGenerator.getInstance("AES", store.getProvider());
                generator.init(256);
                store.setEntry(label, new KeyStore.SecretKeyEntry(generator.generateKey()), null);
                key = find(store, config, label);
            } catch (GeneralSecurityException | ProviderException e) {
                throw new MasterKeyException("the PKCS#11 token of " + config + " could not make an AES key labelled '"
                        + label + "': " + e.getMessage(), e);
            }
        }
        return new MasterKey(key, store.getProvider(), MasterKey.Kind.PKCS11, new SecureRandom());
    }

    private static Provider provider(Path config) {
        String text;
        try {
            text = Files.readString(config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MasterKeyException("the PKCS#11 configuration " + config + " cannot be read: " + e.getMessage(), e);
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new MasterKeyException("this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki)", null);
        }
        String inline = text + NOT_EXTRACTABLE;
        try {
            // "--" tells configure() that the argument is the configuration itself, not a file name
            return base.configure("--" + inline);
        } catch (RuntimeException e) {
            throw new MasterKeyException("the PKCS#11 token of " + config + " cannot be used: " + causes(e)
                    + " (check its library= and slot= lines, and that the library is installed)", e);
        }
    }

    private static KeyStore login(Provider provider, Path config, char[] pin) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin);
            return store;
        } catch (IOException e) {
            String why = causes(e);
            if (why.contains("CKR_PIN_INCORRECT") || why.contains("CKR_PIN_LEN_RANGE")
                    || why.contains("CKR_PIN_LOCKED") || why.toLowerCase(Locale.ROOT).contains("login")) {
                throw new MasterKeyException("the PKCS#11 token of " + config + " refused the PIN (" + why
                        + "): check SAFELIGHT_HSM_PIN or the PIN file", e);
            }
            throw new MasterKeyException("the PKCS#11 token of " + config + " cannot be opened: " + why, e);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new MasterKeyException("the PKCS#11 token of " + config + " cannot be opened: " + causes(e), e);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    private static SecretKey find(KeyStore store, Path config, String label) {
        try {
            if (!store.isKeyEntry(label)) {
                return null;
            }
            Key key = store.getKey(label, null);
            if (!(key instanceof SecretKey secret) || !"AES".equalsIgnoreCase(secret.getAlgorithm())) {
                throw new MasterKeyException("the key labelled '" + label + "' in the PKCS#11 token of " + config
                        + " is not an AES key", null);
            }
            refuseIfReadable(secret, config, label);
            return secret;
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("the PKCS#11 token of " + config + " cannot be searched: " + causes(e), e);
        }
    }

    /**
     * A master key that can be read out of the token is no better than a key file: refused. SunPKCS11
     * hands out the bytes ({@code getEncoded()}) only of a key that is neither sensitive nor
     * unextractable, and its key's {@code toString()} states both attributes (CKA_SENSITIVE,
     * CKA_EXTRACTABLE) as read from the token, which catches a key with only one of them weak.
     */
    private static void refuseIfReadable(SecretKey secret, Path config, String label) {
        String attributes = String.valueOf(secret);
        boolean weak = secret.getEncoded() != null || attributes.contains("not sensitive")
                || attributes.contains(", extractable");
        if (weak) {
            throw new MasterKeyException("the key labelled '" + label + "' in the PKCS#11 token of " + config
                    + " can be read out of the token (it is not sensitive, or it is extractable): refused as a master"
                    + " key; make a new one inside the token (safelight admin master-key rotate --to-pkcs11 ... --label"
                    + " NEW_LABEL) and destroy this one", null);
        }
    }

    /** The messages of an exception and its causes: SunPKCS11 puts the PKCS#11 return code at the bottom. */
    private static String causes(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null && out.length() < 400; t = t.getCause()) {
            if (t.getMessage() != null && !out.toString().contains(t.getMessage())) {
                out.append(out.length() == 0 ? "" : ": ").append(t.getMessage());
            }
        }
        return out.length() == 0 ? e.getClass().getSimpleName() : out.toString();
    }
}
