package org.safelight.cloud.blob;

import java.io.IOException;

/** A blob that is not (or no longer) in the store. */
public final class BlobNotFoundException extends IOException {
    public BlobNotFoundException(String message) {
        super(message);
    }
}
