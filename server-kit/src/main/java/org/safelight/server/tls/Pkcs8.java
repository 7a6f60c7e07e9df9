package org.safelight.server.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Re-wraps the older private key encodings openssl and certbot still write (PKCS#1 {@code RSA
 * PRIVATE KEY}, SEC1 {@code EC PRIVATE KEY}) as PKCS#8, the only one the JDK's {@code KeyFactory}
 * reads. Just enough DER for that: no general ASN.1 parser. Stateless.
 */
final class Pkcs8 {
    private static final int INTEGER = 0x02;
    private static final int OCTET_STRING = 0x04;
    private static final int OID = 0x06;
    private static final int SEQUENCE = 0x30;
    private static final int EC_PARAMETERS = 0xA0;
    /** AlgorithmIdentifier {rsaEncryption, NULL}. */
    private static final byte[] RSA_ALGORITHM = der(SEQUENCE, bytes(
            0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00));
    /** OID id-ecPublicKey; the curve follows it in the AlgorithmIdentifier. */
    private static final byte[] EC_PUBLIC_KEY = bytes(0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01);
    private static final byte[] VERSION_0 = bytes(INTEGER, 0x01, 0x00);

    private Pkcs8() {
    }

    static byte[] fromPkcs1Rsa(byte[] pkcs1) {
        return der(SEQUENCE, VERSION_0, RSA_ALGORITHM, der(OCTET_STRING, pkcs1));
    }

    /**
     * SEC1 names its curve in an optional {@code [0]} field; PKCS#8 wants it in the algorithm
     * identifier instead, so it is lifted out. The SEC1 structure itself goes in unchanged.
     */
    static byte[] fromSec1Ec(byte[] sec1, String fileName) throws CertificateLoadException {
        try {
            Tlv key = Tlv.at(sec1, 0, SEQUENCE);
            Tlv version = Tlv.at(sec1, key.contentStart(), INTEGER);
            Tlv privateValue = Tlv.at(sec1, version.end(), OCTET_STRING);
            for (int at = privateValue.end(); at < key.end(); ) {
                Tlv field = Tlv.at(sec1, at, -1);
                if (field.tag() == EC_PARAMETERS) {
                    Tlv curve = Tlv.at(sec1, field.contentStart(), OID);
                    byte[] curveOid = Arrays.copyOfRange(sec1, field.contentStart(), curve.end());
                    return der(SEQUENCE, VERSION_0, der(SEQUENCE, EC_PUBLIC_KEY, curveOid), der(OCTET_STRING, sec1));
                }
                at = field.end();
            }
        } catch (IllegalArgumentException e) {
            throw new CertificateLoadException(fileName + ": the EC PRIVATE KEY is not valid DER (file partly written?)");
        }
        throw new CertificateLoadException(fileName + ": the EC PRIVATE KEY does not name its curve, which is not"
                + " supported; convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt");
    }

    private static byte[] der(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.size();
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | octets);
            for (int i = octets - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /** One DER tag-length-value header; {@link IllegalArgumentException} when it runs off the data. */
    private record Tlv(int tag, int contentStart, int end) {
        static Tlv at(byte[] data, int offset, int expectedTag) {
            if (offset + 2 > data.length) {
                throw new IllegalArgumentException("truncated");
            }
            int tag = data[offset] & 0xFF;
            if (expectedTag >= 0 && tag != expectedTag) {
                throw new IllegalArgumentException("unexpected tag");
            }
            int first = data[offset + 1] & 0xFF;
            int at = offset + 2;
            long length = first;
            if (first >= 0x80) {
                int octets = first & 0x7F;
                if (octets == 0 || octets > 3 || at + octets > data.length) {
                    throw new IllegalArgumentException("bad length");
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (data[at++] & 0xFF);
                }
            }
            if (at + length > data.length) {
                throw new IllegalArgumentException("truncated");
            }
            return new Tlv(tag, at, (int) (at + length));
        }
    }
}
