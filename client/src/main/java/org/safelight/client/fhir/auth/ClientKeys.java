package org.safelight.client.fhir.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.KeyAgreement;

/**
 * Reads the private key a FHIR client signs its assertions with, from a file: a private JWK (JSON),
 * a JWK Set holding exactly one private key, or an unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE
 * KEY}) of an RSA or EC P-384 key. A key without a {@code kid} gets its RFC 7638 thumbprint, the
 * {@code kid} the authorization server must have registered with the public key.
 */
public final class ClientKeys {
    private static final long MAX_BYTES = 256 * 1024;
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private ClientKeys() {
    }

    /**
     * @throws IOException              the file cannot be read
     * @throws IllegalArgumentException the file holds no usable private key (the message says why,
     *                                  never the key)
     */
    public static JWK load(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IllegalArgumentException(file + " is too large for a key file");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        JWK key = text.startsWith("{") ? fromJson(text, file) : fromPem(text, file);
        ClientCredentials.algorithmOf(key);
        return withKeyId(key);
    }

    private static JWK fromJson(String text, Path file) {
        try {
            if (text.contains("\"keys\"")) {
                List<JWK> secret = JWKSet.parse(text).getKeys().stream().filter(JWK::isPrivate).toList();
                if (secret.size() != 1) {
                    throw new IllegalArgumentException(file + " is a JWK Set with " + secret.size()
                            + " private keys; it must hold exactly one");
                }
                return secret.get(0);
            }
            JWK key = JWK.parse(text);
            if (!key.isPrivate()) {
                throw new IllegalArgumentException(file + " holds a public JWK; the private key is needed");
            }
            return key;
        } catch (ParseException e) {
            throw new IllegalArgumentException(file + " is not a JWK or JWK Set", e);
        }
    }

    private static JWK fromPem(String text, Path file) {
        Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            throw new IllegalArgumentException(file + " is neither a JWK (JSON) nor a PEM file");
        }
        if (!pem.group(1).equals("PRIVATE KEY")) {
            throw new IllegalArgumentException(file + " holds a PEM '" + pem.group(1)
                    + "'; an unencrypted PKCS#8 'PRIVATE KEY' is needed (openssl pkcs8 -topk8 -nocrypt converts one)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            PrivateKey key = tryDecode("RSA", spec);
            if (key instanceof RSAPrivateCrtKey rsa) {
                RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                return new RSAKey.Builder(pub).privateKey(rsa).build();
            }
            key = tryDecode("EC", spec);
            if (key instanceof ECPrivateKey ec) {
                Curve curve = Curve.forECParameterSpec(ec.getParams());
                if (!Curve.P_384.equals(curve)) {
                    throw new IllegalArgumentException(file + " holds an EC key on " + (curve == null ? "an unknown curve" : curve)
                            + "; ES384 needs P-384");
                }
                return new ECKey.Builder(curve, publicOf(ec)).privateKey(ec).build();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " holds a key that cannot be used (" + e.getClass().getSimpleName() + ")", e);
        }
        throw new IllegalArgumentException(file + " holds a PKCS#8 key that is neither RSA nor EC");
    }

    private static PrivateKey tryDecode(String algorithm, PKCS8EncodedKeySpec spec) throws GeneralSecurityException {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (java.security.spec.InvalidKeySpecException notThisKind) {
            return null;
        }
    }

    /**
     * The public point of an EC private key, which PKCS#8 need not carry: ECDH of the key with the
     * curve's generator is d·G's x (the JDK's own constant-time multiplication); y is the square
     * root of x³ + ax + b with the sign the key's own signature verifies with.
     */
    static ECPublicKey publicOf(ECPrivateKey key) throws GeneralSecurityException {
        ECParameterSpec params = key.getParams();
        KeyFactory factory = KeyFactory.getInstance("EC");
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(key);
        ecdh.doPhase(factory.generatePublic(new ECPublicKeySpec(params.getGenerator(), params)), true);
        BigInteger x = new BigInteger(1, ecdh.generateSecret());
        BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
        if (!p.testBit(0) || !p.testBit(1)) {
            throw new GeneralSecurityException("a field prime that is not 3 mod 4");
        }
        BigInteger rhs = x.pow(3).add(params.getCurve().getA().multiply(x)).add(params.getCurve().getB()).mod(p);
        BigInteger y = rhs.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
        if (!y.multiply(y).mod(p).equals(rhs)) {
            throw new GeneralSecurityException("the key's point is not on its curve");
        }
        byte[] probe = "which y".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA384withECDSA");
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        for (BigInteger candidate : new BigInteger[] {y, p.subtract(y)}) {
            ECPublicKey pub = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(new ECPoint(x, candidate), params));
            Signature verifier = Signature.getInstance("SHA384withECDSA");
            verifier.initVerify(pub);
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return pub;
            }
        }
        throw new GeneralSecurityException("no public point verifies the key's signature");
    }

    private static JWK withKeyId(JWK key) {
        if (key.getKeyID() != null) {
            return key;
        }
        try {
            return key instanceof ECKey ec
                    ? new ECKey.Builder(ec).keyIDFromThumbprint().build()
                    : new RSAKey.Builder(key.toRSAKey()).keyIDFromThumbprint().build();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("the key's thumbprint cannot be computed", e);
        }
    }
}
