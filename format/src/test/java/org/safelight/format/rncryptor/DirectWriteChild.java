package org.safelight.format.rncryptor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * A child process for {@link PendingFileDirectTest}: writes {@code args[1]} pseudo-random bytes to
 * {@code args[0]} through a {@link PendingFile} and commits it. Prints whether it wrote around the page
 * cache, then "committed", or the failure's class and message and exits with 3.
 */
public final class DirectWriteChild {
    private DirectWriteChild() {
    }

    public static void main(String[] args) {
        byte[] chunk = new byte[1 << 20];
        new Random(1).nextBytes(chunk);
        long size = Long.parseLong(args[1]);
        try (PendingFile file = new PendingFile(Path.of(args[0]))) {
            System.out.println("direct=" + file.writesDirect());
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(chunk.length, size - done);
                file.write(chunk, 0, n);
                done += n;
            }
            file.commit();
            System.out.println("committed");
        } catch (IOException e) {
            System.out.println("failed: " + e.getClass().getName() + ": " + e.getMessage());
            System.exit(3);
        }
    }
}
