package org.safelight.endpoint.dicom;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The DICOM destination's configuration: {@code --endpoint-dicom-url} (the PACS's DICOMweb base,
 * for example {@code https://pacs.example.org/dicom-web}), {@code --endpoint-dicom-user} and
 * {@code --endpoint-dicom-password-file} (HTTP Basic). Immutable; {@link #toString()} shows no
 * secret (the password is only read when the destination is built).
 */
public record DicomSettings(URI url, String user, Path passwordFile) {

    /**
     * The settings when the URL is given, else empty.
     *
     * @throws IllegalArgumentException the three flags are not given together, or the user is unusable
     */
    public static Optional<DicomSettings> of(URI url, String user, Path passwordFile) {
        boolean userGiven = user != null && !user.isBlank();
        if (url == null && !userGiven && passwordFile == null) {
            return Optional.empty();
        }
        if (url == null || !userGiven || passwordFile == null) {
            throw new IllegalArgumentException("--endpoint-dicom-url, --endpoint-dicom-user and"
                    + " --endpoint-dicom-password-file go together");
        }
        if (user.contains(":")) {
            throw new IllegalArgumentException("--endpoint-dicom-user cannot hold a colon (HTTP Basic)");
        }
        return Optional.of(new DicomSettings(url, user.strip(), passwordFile));
    }

    @Override
    public String toString() {
        return "DicomSettings[url=" + url + ", user=" + user + ", password=****]";
    }
}
