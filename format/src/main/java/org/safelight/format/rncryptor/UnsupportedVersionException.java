package org.safelight.format.rncryptor;

/** The first byte is not 3: another RNCryptor version, or not RNCryptor at all. */
public final class UnsupportedVersionException extends MalformedCiphertextException {
    private final int version;

    public UnsupportedVersionException(int version) {
        super("not RNCryptor v3 data (version byte " + version + ", expected 3)");
        this.version = version;
    }

    public int version() {
        return version;
    }
}
