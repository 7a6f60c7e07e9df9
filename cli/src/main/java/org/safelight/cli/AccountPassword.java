package org.safelight.cli;

import java.io.Console;
import java.util.Map;

/** An account password: from SAFELIGHT_PASSWORD in scripts, else asked without echo; never a flag. */
final class AccountPassword {
    private AccountPassword() {
    }

    static String read(Map<String, String> env, String prompt) {
        String fromEnv = env.get("SAFELIGHT_PASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        Console console = System.console();
        if (console == null) {
            throw new Failures.UsageException("no terminal to ask for the password: set SAFELIGHT_PASSWORD");
        }
        char[] password = console.readPassword("%s", prompt);
        if (password == null || password.length == 0) {
            throw new Failures.UsageException("no password given");
        }
        return new String(password);
    }
}
