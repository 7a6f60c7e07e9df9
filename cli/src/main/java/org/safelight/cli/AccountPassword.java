package org.safelight.cli;

import java.util.Arrays;
import java.util.Map;

/**
 * An account password: from SAFELIGHT_PASSWORD in scripts, else asked without echo; never a flag.
 * (A report's key is another thing: {@link KeyOptions}.)
 */
final class AccountPassword {
    private AccountPassword() {
    }

    /** The password of an existing account. */
    static String read(Map<String, String> env, Terminal terminal, String prompt) {
        String fromEnv = fromEnvironment(env);
        return fromEnv != null ? fromEnv : ask(terminal, prompt);
    }

    /**
     * A new password, asked twice so a typing slip does not lock the user out of a new account; a
     * script's SAFELIGHT_PASSWORD is taken as it is, once.
     */
    static String choose(Map<String, String> env, Terminal terminal, String prompt) {
        String fromEnv = fromEnvironment(env);
        if (fromEnv != null) {
            return fromEnv;
        }
        String first = ask(terminal, prompt);
        String again = ask(terminal, "Type it again: ");
        if (!first.equals(again)) {
            throw new Failures.UsageException("the two passwords differ: nothing was sent; run the command again");
        }
        return first;
    }

    private static String fromEnvironment(Map<String, String> env) {
        String fromEnv = env.get("SAFELIGHT_PASSWORD");
        return fromEnv != null && !fromEnv.isEmpty() ? fromEnv : null;
    }

    private static String ask(Terminal terminal, String prompt) {
        if (!terminal.present()) {
            throw new Failures.UsageException("no terminal to ask for the password: set SAFELIGHT_PASSWORD");
        }
        char[] password = terminal.readPassword(prompt);
        if (password == null || password.length == 0) {
            throw new Failures.UsageException("no password given");
        }
        String text = new String(password);
        Arrays.fill(password, '\0');
        return text;
    }
}
