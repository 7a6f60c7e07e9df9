package org.safelight.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in-process with captured streams. */
final class Cli {
    private Cli() {
    }

    record Result(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The stderr lines; a failure is exactly one. */
        java.util.List<String> errLines() {
            return stderr.lines().toList();
        }
    }

    static Result run(String... args) {
        return runWithInput(new byte[0], args);
    }

    static Result runWithInput(byte[] stdin, String... args) {
        return runWith(java.util.Map.of(), stdin, args);
    }

    static Result runWithEnv(java.util.Map<String, String> env, String... args) {
        return runWith(env, new byte[0], args);
    }

    static Result runWith(java.util.Map<String, String> env, byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new ByteArrayInputStream(stdin), new PrintStream(out, true),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
