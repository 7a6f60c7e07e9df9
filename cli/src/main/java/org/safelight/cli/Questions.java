package org.safelight.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Questions a person answers one line each on standard input: typed at the terminal, or piped by a
 * script ({@code echo 2 | safelight send ...}). The end of input means nobody is there to answer:
 * the caller then stops and says which option answers the question instead. Not thread-safe.
 */
final class Questions {
    private final BufferedReader in;
    private final PrintStream out;

    Questions(InputStream stdin, PrintStream out) {
        this.in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        this.out = out;
    }

    /** A line for the person to read before a question. */
    void show(String line) {
        out.println(line);
    }

    /** The answer to {@code prompt}, stripped; null when input has ended (no one to ask). */
    String ask(String prompt) throws IOException {
        out.print(prompt);
        out.flush();
        String line = in.readLine();
        if (line == null) {
            out.println();
            return null;
        }
        return line.strip();
    }
}
