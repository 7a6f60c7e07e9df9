package org.safelight.cloud;

import java.net.URI;
import org.safelight.server.http.ServiceCredential;
import picocli.CommandLine.Option;

/**
 * The cloud role's configuration group: {@code serve} adds these options with {@code @Mixin};
 * each also comes from {@code SAFELIGHT_<FLAG>} or the {@code --config} file.
 */
public final class CloudOptions {
    @Option(names = "--cloud-max-upload-mb", paramLabel = "MB", defaultValue = "2048",
            description = "The largest report the cloud role accepts, in MiB (default: ${DEFAULT-VALUE}).")
    long cloudMaxUploadMb;

    @Option(names = "--cloud-quota-mb", paramLabel = "MB", defaultValue = "10240",
            description = "The most one user's unexpired cloud reports may take together, in MiB; 0 for no quota"
                    + " (default: ${DEFAULT-VALUE}).")
    long cloudQuotaMb;

    @Option(names = "--cloud-uploads-per-hour", paramLabel = "N", defaultValue = "120",
            description = "Cloud uploads one user may make per hour, in bursts of as many (default: ${DEFAULT-VALUE}).")
    int cloudUploadsPerHour;

    @Option(names = "--blob-store", paramLabel = "folder|s3", defaultValue = "folder",
            description = "Where the cloud role keeps reports: folder (DATA_DIR/cloud) or s3 (default: ${DEFAULT-VALUE}).")
    String blobStore;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "An S3-compatible server (default: AWS S3); path-style addressing is used.")
    URI s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", defaultValue = "us-east-1",
            description = "The S3 region (default: ${DEFAULT-VALUE}).")
    String s3Region;

    @Option(names = "--s3-bucket", paramLabel = "BUCKET", defaultValue = "",
            description = "The bucket that holds the cloud's reports (needed with --blob-store s3).")
    String s3Bucket;

    @Option(names = "--s3-access-key", paramLabel = "KEY", defaultValue = "",
            description = "With --s3-secret-key; without both, the AWS default credential chain.")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", paramLabel = "SECRET", hidden = true, defaultValue = "",
            description = "Prefer SAFELIGHT_S3_SECRET_KEY.")
    String s3SecretKey;

    /**
     * The settings these options give.
     *
     * @param serviceCredential {@code serve}'s {@code --service-credential}
     * @throws IllegalArgumentException naming the flag of a bad value
     */
    public CloudSettings settings(ServiceCredential serviceCredential) {
        if (cloudMaxUploadMb < 1 || cloudMaxUploadMb > (1L << 20)) {
            throw new IllegalArgumentException("--cloud-max-upload-mb must be 1 to 1048576");
        }
        if (cloudQuotaMb < 0 || cloudQuotaMb > (1L << 30)) {
            throw new IllegalArgumentException("--cloud-quota-mb must be 0 (no quota) to 1073741824");
        }
        if (cloudUploadsPerHour < 1) {
            throw new IllegalArgumentException("--cloud-uploads-per-hour must be at least 1");
        }
        if (cloudQuotaMb != 0 && cloudQuotaMb < cloudMaxUploadMb) {
            throw new IllegalArgumentException("--cloud-quota-mb (" + cloudQuotaMb + ") must be 0 or at least"
                    + " --cloud-max-upload-mb (" + cloudMaxUploadMb + ")");
        }
        if (!blobStore.equals("folder") && !blobStore.equals("s3")) {
            throw new IllegalArgumentException("--blob-store is folder or s3");
        }
        if (blobStore.equals("s3") && s3Bucket.isBlank()) {
            throw new IllegalArgumentException("--blob-store s3 needs --s3-bucket");
        }
        if (s3AccessKey.isBlank() != s3SecretKey.isBlank()) {
            throw new IllegalArgumentException("give both --s3-access-key and --s3-secret-key, or neither");
        }
        return new CloudSettings(new UploadLimits(cloudMaxUploadMb << 20, cloudQuotaMb << 20, cloudUploadsPerHour),
                blobStore, s3Endpoint, s3Region, s3Bucket.strip(), s3AccessKey.strip(), s3SecretKey, serviceCredential);
    }
}
