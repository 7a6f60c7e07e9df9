package org.safelight.cloud.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Blobs as objects in an S3-compatible bucket; the AWS SDK stays inside this class. An object
 * appears whole when its PUT (or multipart completion) succeeds, so readers never see part of one.
 * Files up to {@link #MULTIPART_THRESHOLD} go up in one PUT; larger ones in parts of
 * {@link #PART_SIZE}, each streamed from the file, so memory stays flat whatever the size.
 * Reads are ranged GETs. Thread-safe (the SDK client is).
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    static final long MULTIPART_THRESHOLD = 64L << 20;
    static final long PART_SIZE = 16L << 20;

    private final S3Client s3;
    private final String bucket;
    private final long partSize;
    private final long multipartThreshold;

    public S3BlobStore(S3Settings settings) {
        this(settings, PART_SIZE, MULTIPART_THRESHOLD);
    }

    /** With a chosen part size (at least 5 MiB, S3's minimum) and threshold, for tests of the multipart path. */
    S3BlobStore(S3Settings settings, long partSize, long multipartThreshold) {
        AwsCredentialsProvider credentials = settings.hasStaticCredentials()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                // Only when S3 insists: many S3-compatible servers refuse the newer checksum trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(ApacheHttpClient.create());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
        this.bucket = settings.bucket();
        this.partSize = partSize;
        this.multipartThreshold = multipartThreshold;
    }

    @Override
    public void put(String key, Path file) throws IOException {
        long size = Files.size(file);
        try {
            if (size <= multipartThreshold) {
                s3.putObject(b -> b.bucket(bucket).key(key).contentLength(size)
                        .contentType("application/octet-stream"), RequestBody.fromFile(file));
            } else {
                putInParts(key, file, size);
            }
        } catch (SdkException e) {
            throw new IOException("the S3 store refused the upload (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private void putInParts(String key, Path file, long size) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
                .contentType("application/octet-stream")).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                int partNumber = number;
                RequestBody body = RequestBody.fromContentProvider(slice(file, offset, length), length,
                        "application/octet-stream");
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                        .partNumber(partNumber).contentLength(length), body).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
        } catch (RuntimeException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            } catch (SdkException ignored) {
                // the bucket's lifecycle rule cleans up parts we could not abort
            }
            throw e;
        }
    }

    /** A fresh stream of {@code [offset, offset + length)} of the file each time the SDK asks (it may retry). */
    private static ContentStreamProvider slice(Path file, long offset, long length) {
        return () -> {
            try {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(offset);
                return new java.io.FilterInputStream(Channels.newInputStream(channel)) {
                    private long remaining = length;

                    @Override
                    public int read() throws IOException {
                        if (remaining <= 0) {
                            return -1;
                        }
                        int b = in.read();
                        if (b >= 0) {
                            remaining--;
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (remaining <= 0) {
                            return -1;
                        }
                        int n = in.read(b, off, (int) Math.min(len, remaining));
                        if (n > 0) {
                            remaining -= n;
                        }
                        return n;
                    }
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Override
    public InputStream read(String key, long offset, long length) throws IOException {
        if (length <= 0) {
            if (!exists(key)) {
                throw new BlobNotFoundException("no blob under that key");
            }
            return InputStream.nullInputStream();
        }
        try {
            return s3.getObject(b -> b.bucket(bucket).key(key).range("bytes=" + offset + "-" + (offset + length - 1)));
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException("no blob under that key");
        } catch (SdkException e) {
            throw new IOException("the S3 store failed to read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("the S3 store failed (" + e.getClass().getSimpleName() + ")", e);
        } catch (SdkException e) {
            throw new IOException("the S3 store failed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new IOException("the S3 store failed to delete (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
