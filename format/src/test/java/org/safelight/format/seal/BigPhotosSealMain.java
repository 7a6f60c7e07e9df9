package org.safelight.format.seal;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;

/** Run by {@link BigPhotosSealTest} in a JVM with a small heap: seals a draft into nothing, on two threads. */
public final class BigPhotosSealMain {
    private BigPhotosSealMain() {
    }

    public static void main(String[] args) throws Exception {
        Draft draft = Draft.load(Path.of(args[0]), Clock.systemUTC());
        Sealer.writePackage(draft, OutputStream.nullOutputStream(), 2);
        System.out.println("sealed");
    }
}
