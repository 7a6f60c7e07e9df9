package org.safelight.cloud.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Keeps a link's secret part out of the store's names: the blob for {@code AU/{random}-{ReportID}}
 * is stored under {@code AU/{SHA-256 of "{random}-{ReportID}" in hex}}, so a directory listing, an
 * S3 bucket listing, a backup's file list or an S3 access log does not hand out working links. The
 * random part has about 131 bits, so the hash cannot be turned back into the link.
 *
 * <p>Blobs stored by earlier versions under the plain name are still read, and a delete removes
 * both names; they go with the sweeper within 7 days of the upgrade, so there is nothing to migrate.
 * Thread-safe when the store underneath is.
 */
public final class HashedKeyBlobStore implements BlobStore {
    private final BlobStore names;

    private HashedKeyBlobStore(BlobStore names) {
        this.names = names;
    }

    /** {@code store} seen through hashed names; one already hashed is returned as it is. */
    public static BlobStore over(BlobStore store) {
        return store instanceof HashedKeyBlobStore ? store : new HashedKeyBlobStore(store);
    }

    /** The name a blob's key is stored under: {@code {region}/{64 hex digits}}. */
    public static String storedKey(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash < 1 || slash == key.length() - 1) {
            throw new IllegalArgumentException("not a blob key");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(key.substring(slash + 1).getBytes(StandardCharsets.UTF_8));
            return key.substring(0, slash) + "/" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void put(String key, Path file) throws IOException {
        names.put(storedKey(key), file);
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        try {
            return names.read(storedKey(key), offset, length);
        } catch (BlobNotFoundException e) {
            return names.read(key, offset, length); // stored before names were hashed
        }
    }

    @Override
    public Optional<FileChannel> openFile(String key) throws IOException {
        try {
            return names.openFile(storedKey(key));
        } catch (BlobNotFoundException e) {
            return names.openFile(key); // stored before names were hashed
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        return names.exists(storedKey(key)) || names.exists(key);
    }

    @Override
    public void delete(String key) throws IOException {
        names.delete(storedKey(key));
        names.delete(key);
    }
}
