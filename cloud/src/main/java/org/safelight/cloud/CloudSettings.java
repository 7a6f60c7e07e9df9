package org.safelight.cloud;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.safelight.server.http.ServiceCredential;

/**
 * The cloud role's settings: upload limits, and its storage — {@code blobStore} is {@code folder}
 * (DATA_DIR/cloud) or {@code s3} with the {@code s3*} settings (blank keys: the AWS default
 * credential chain). {@code serviceCredential} is the secret with which a cloud role writes the
 * upload log of an accounts role in another process ({@link ServiceCredential#NONE} when they run
 * together). Immutable.
 */
public record CloudSettings(UploadLimits uploads, String blobStore, URI s3Endpoint, String s3Region, String s3Bucket,
                            String s3AccessKey, String s3SecretKey, ServiceCredential serviceCredential) {
    public static final CloudSettings DEFAULTS = new CloudSettings(UploadLimits.DEFAULTS, "folder", null, "us-east-1",
            "", "", "", ServiceCredential.NONE);

    public boolean s3() {
        return "s3".equals(blobStore);
    }

    /** For the startup log, secrets masked. */
    public Map<String, String> describe(Path dataDir) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cloud-max-upload-mb", Long.toString(uploads.maxBytes() >> 20));
        d.put("cloud-quota-mb", uploads.quotaBytes() == 0 ? "0 (none)" : Long.toString(uploads.quotaBytes() >> 20));
        d.put("cloud-uploads-per-hour", Integer.toString(uploads.perHour()));
        d.put("blob-store", s3() ? "s3 endpoint " + (s3Endpoint == null ? "(AWS)" : s3Endpoint)
                + " region " + s3Region + " bucket " + s3Bucket + " access key "
                + (s3AccessKey.isEmpty() ? "(default chain)" : s3AccessKey) + " secret key "
                + (s3SecretKey == null || s3SecretKey.isEmpty() ? "(none)" : "****") : "folder " + dataDir.resolve("cloud"));
        return d;
    }

    /** Leaves the secrets out. */
    @Override
    public String toString() {
        return "CloudSettings[" + uploads + ", " + blobStore + (s3() ? " " + s3Bucket : "") + "]";
    }
}
