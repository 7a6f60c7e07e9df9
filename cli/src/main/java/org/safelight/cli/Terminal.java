package org.safelight.cli;

import java.io.Console;

/** Where a person types a password without it being shown: the console, or a script in tests. */
interface Terminal {
    /** False when no one can be asked (output piped, a script, CI). */
    boolean present();

    /** What was typed after {@code prompt}, not echoed; null at end of input. */
    char[] readPassword(String prompt);

    /** The process's console, if it has one. */
    static Terminal system() {
        return new Terminal() {
            @Override
            public boolean present() {
                return System.console() != null;
            }

            @Override
            public char[] readPassword(String prompt) {
                Console console = System.console();
                return console == null ? null : console.readPassword("%s", prompt);
            }
        };
    }
}
