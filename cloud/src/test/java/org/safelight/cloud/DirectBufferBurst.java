package org.safelight.cloud;

import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Run in a forked JVM by {@link DownloadBodyTest}: downloads a range of a file {@code args[1]} times
 * through {@link DownloadBody#fromFile} with the production buffer size, and exits 0 when every
 * download sent every byte (an {@code OutOfMemoryError} ends it with a stack trace and status 1).
 */
final class DirectBufferBurst {
    private DirectBufferBurst() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int downloads = Integer.parseInt(args[1]);
        long size = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < downloads; i++) {
                long[] sent = {0};
                OutputStream counting = new OutputStream() {
                    @Override
                    public void write(int b) {
                        sent[0]++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        sent[0] += len;
                    }
                };
                long start = i % 1000;
                DownloadBody.fromFile(channel, start, size - start, counting, DownloadBody.FILE_BUFFER);
                if (sent[0] != size - start) {
                    throw new AssertionError("download " + i + " sent " + sent[0] + " of " + (size - start));
                }
            }
        }
    }
}
