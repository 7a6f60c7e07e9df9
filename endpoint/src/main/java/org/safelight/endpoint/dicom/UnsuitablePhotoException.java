package org.safelight.endpoint.dicom;

/**
 * A photo or report that cannot become a DICOM object as it is (a progressive JPEG, no patient
 * ID): sending it again cannot help. The message completes "the photo {ItemID} ..." or "the
 * report ..." and holds no patient data.
 */
public final class UnsuitablePhotoException extends Exception {
    public UnsuitablePhotoException(String message) {
        super(message);
    }
}
