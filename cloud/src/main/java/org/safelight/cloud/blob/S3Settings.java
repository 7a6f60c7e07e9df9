package org.safelight.cloud.blob;

import java.net.URI;

/**
 * Where an S3-compatible store is and how to sign in to it. {@code endpoint} null means AWS itself;
 * blank keys mean the AWS default credential chain (environment, instance role). Path-style
 * addressing is always used, which every S3-compatible server understands.
 */
public record S3Settings(URI endpoint, String region, String bucket, String accessKey, String secretKey) {
    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the S3 blob store needs a bucket (--s3-bucket)");
        }
        if (region == null || region.isBlank()) {
            region = "us-east-1";
        }
    }

    public boolean hasStaticCredentials() {
        return accessKey != null && !accessKey.isBlank();
    }

    /** Keeps the secret key out of logs. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", accessKey="
                + (hasStaticCredentials() ? accessKey : "(default chain)") + ", secretKey=****]";
    }
}
