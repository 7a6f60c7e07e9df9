package org.safelight.format.picsafe;

import org.safelight.format.FormatException;

/** The report is encrypted and no key that fits it was given. Says where its key can be had. */
public final class KeyNeededException extends FormatException {
    private final PackageJson packageJson;

    public KeyNeededException(String message, PackageJson packageJson) {
        super(message);
        this.packageJson = packageJson;
    }

    public PackageJson packageJson() {
        return packageJson;
    }
}
