package org.safelight.format.rncryptor;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child process for {@link PendingFileCleanupTest}: decrypts {@code args[0]} to {@code args[1]}
 * with password {@code args[2]}, its reads blocking for ever from byte {@code args[3]} on, so the
 * decryption is caught mid-way with unverified plaintext in the pending file.
 */
public final class StalledDecryption {
    private StalledDecryption() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel file = FileChannel.open(Path.of(args[0]), StandardOpenOption.READ);
                ReadCountingChannel stalling = new ReadCountingChannel(file).stallFrom(Long.parseLong(args[3]))) {
            RNCryptorFiles.decrypt(stalling, Path.of(args[1]), Secret.password(args[2]));
        }
    }
}
