package org.safelight.cli;

/** The CLI's exit codes (DESIGN §7). */
final class ExitCode {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int INTEGRITY = 3;
    static final int MALFORMED = 4;
    static final int REFUSED = 5;

    private ExitCode() {
    }
}
