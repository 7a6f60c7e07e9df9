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
    private final boolean echo;

    /** @param echo write each answer after its prompt: input piped in is not echoed by a terminal */
    Questions(InputStream stdin, PrintStream out, boolean echo) {
        this.in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        this.out = out;
        this.echo = echo;
    }

    /** Questions on the command's standard input and output, echoed unless a terminal does it. */
    static Questions of(Main main) {
        return new Questions(main.stdin, main.stdout, !main.terminal.present());
    }

    /** A line for the person to read before a question. */
    void show(String line) {
        out.println(line);
    }

    /**
     * Whether anyone can answer: a terminal (a person is there), or piped input that has not ended.
     * Waits for piped input as {@link #ask} would; asks nothing and shows nothing.
     */
    boolean answerable() throws IOException {
        if (!echo) {
            return true; // a terminal: never read ahead of a prompt the person has not seen
        }
        in.mark(1);
        int next = in.read();
        if (next < 0) {
            return false;
        }
        in.reset();
        return true;
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
        if (echo) {
            out.println(line.strip());
        }
        return line.strip();
    }
}
