package org.safelight.format.picsafe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.safelight.format.FormatException;
import org.safelight.format.rncryptor.WrongKeyException;

/**
 * Static-key mode: the report key wrapped with RSA-OAEP (SHA-256, MGF1-SHA-256), as WebCrypto's
 * {@code RSA-OAEP} with {@code hash: SHA-256} does, for an institution's public key. Public keys are
 * read as PEM ({@code PUBLIC KEY}) or bare base64 SPKI; private keys as PKCS#8 PEM. The key id is
 * the base64url SHA-256 of the public key's SPKI encoding.
 */
public final class StaticKeys {
    public static final String ALG = "RSA-OAEP-256";
    private static final int MIN_BITS = 2048;
    private static final OAEPParameterSpec OAEP_SHA256 = new OAEPParameterSpec("SHA-256", "MGF1",
            MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

    private StaticKeys() {
    }

    public static PublicKey readPublicKey(Path file) throws IOException {
        try {
            return parsePublicKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (FormatException e) {
            throw new FormatException(e.getMessage() + ": " + file);
        }
    }

    /**
     * An RSA public key (at least 2048 bits) from a PEM {@code PUBLIC KEY} or base64 SPKI text.
     *
     * @throws FormatException saying what is wrong with it
     */
    public static PublicKey parsePublicKey(String text) throws FormatException {
        if (text.contains("BEGIN RSA PUBLIC KEY")) {
            throw new FormatException("the public key is in PKCS#1 form; convert it with "
                    + "'openssl rsa -RSAPublicKey_in -in KEY -pubout' to a PUBLIC KEY (SPKI) PEM");
        }
        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(text, "PUBLIC KEY")));
            if (((RSAPublicKey) key).getModulus().bitLength() < MIN_BITS) {
                throw new FormatException("the RSA public key is shorter than " + MIN_BITS + " bits");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new FormatException("not an RSA public key (PEM 'PUBLIC KEY' or base64 SPKI expected)");
        }
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        if (text.contains("BEGIN RSA PRIVATE KEY")) {
            throw new FormatException("the private key is in PKCS#1 form; convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem'");
        }
        if (text.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new FormatException("the private key is passphrase-protected; give an unencrypted PKCS#8 key");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(text, "PRIVATE KEY")));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new FormatException("not an RSA private key (PKCS#8 PEM 'PRIVATE KEY' expected): " + file);
        }
    }

    /** The public half of an RSA private key, for comparing key ids. */
    public static PublicKey publicKeyOf(PrivateKey key) throws FormatException {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new FormatException("the private key does not carry its public exponent (not a CRT RSA key)");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(),
                    crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String kid(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PackageJson.StaticKeyInfo wrap(PublicKey key, String reportKey) {
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, OAEP_SHA256);
            byte[] wrapped = cipher.doFinal(reportKey.getBytes(StandardCharsets.UTF_8));
            return new PackageJson.StaticKeyInfo(ALG, kid(key), Base64.getEncoder().encodeToString(wrapped));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA-OAEP-256 is missing from this JVM", e);
        }
    }

    /**
     * Unwraps the report key for {@code key}.
     *
     * @throws WrongKeyException if the report was sealed for another key
     */
    public static String unwrap(PrivateKey key, PackageJson.StaticKeyInfo info) throws FormatException {
        if (!ALG.equals(info.alg())) {
            throw new FormatException("unsupported static key algorithm '" + info.alg() + "' (expected " + ALG + ")");
        }
        String ours = kid(publicKeyOf(key));
        if (!info.kid().isEmpty() && !java.security.MessageDigest.isEqual(ours.getBytes(StandardCharsets.US_ASCII),
                info.kid().getBytes(StandardCharsets.US_ASCII))) {
            throw new WrongKeyException("this report was sealed for another key (kid " + info.kid()
                    + "); the private key given has kid " + ours);
        }
        try {
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, OAEP_SHA256);
            return new String(cipher.doFinal(Base64.getDecoder().decode(info.wrappedKey())), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new FormatException("package.json wrapped_key is not base64");
        } catch (GeneralSecurityException e) {
            throw new WrongKeyException("the private key does not unwrap this report's key");
        }
    }

    private static byte[] der(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        int start = text.indexOf(begin);
        String body = text;
        if (start >= 0) {
            int end = text.indexOf("-----END " + label + "-----", start);
            if (end < 0) {
                throw new IllegalArgumentException("PEM without END line");
            }
            body = text.substring(start + begin.length(), end);
        }
        return Base64.getMimeDecoder().decode(body.strip());
    }
}
