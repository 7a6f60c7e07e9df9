package org.safelight.format.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's shared specs and fixtures are (../shared beside the checkout). */
public final class SharedFiles {
    private SharedFiles() {
    }

    public static Path root() {
        Path root = Path.of(System.getProperty("safelight.shared", "../../shared")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("shared/ not found at " + root + " (set -Dsafelight.shared)");
        }
        return root;
    }

    public static Path media(String name) {
        return root().resolve("fixtures/media").resolve(name);
    }
}
