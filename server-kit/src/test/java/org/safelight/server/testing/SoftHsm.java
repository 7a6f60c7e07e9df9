package org.safelight.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * SoftHSM2 tokens for the tests of this JVM. SunPKCS11 loads SoftHSM's library into the process,
 * which reads its configuration (the file named by {@code SOFTHSM2_CONF}, set by surefire) once and
 * sees only the tokens that exist at that moment; so the first call writes that file, empties its
 * token folder under {@code target/} and initialises every token below before any test loads the
 * library. Tests share {@link #MAIN} with a key label of their own; {@link #UNTOUCHED} is for the
 * one test that must log in first with a wrong PIN (a token's login is shared by the whole process).
 * Skipped with the reason where SoftHSM2 is missing, failed in CI ({@code CI=true}).
 */
public final class SoftHsm {
    public static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
    public static final String MAIN = "safelight-main";
    public static final String UNTOUCHED = "safelight-untouched";
    private static final String UTIL = "softhsm2-util";
    private static final Pattern SLOT = Pattern.compile("reassigned to slot (\\d+)");

    /** An initialised token: its slot, user PIN, and a SunPKCS11 configuration file naming it. */
    public record Token(String label, long slot, String pin, Path config) {
        public char[] pinChars() {
            return pin.toCharArray();
        }
    }

    private static Map<String, Token> tokens;

    private SoftHsm() {
    }

    /** The token labelled {@code label} ({@link #MAIN} or {@link #UNTOUCHED}). */
    public static synchronized Token token(String label) {
        if (tokens == null) {
            tokens = initialise();
        }
        Token token = tokens.get(label);
        if (token == null) {
            throw new IllegalArgumentException("no test token " + label);
        }
        return token;
    }

    private static Map<String, Token> initialise() {
        String conf = System.getenv("SOFTHSM2_CONF");
        boolean installed = Files.isRegularFile(Path.of(LIBRARY)) && onPath(UTIL);
        String missing = conf == null ? "SOFTHSM2_CONF is not set for this JVM (surefire sets it)"
                : !installed ? "SoftHSM2 is not installed (" + LIBRARY + ", " + UTIL + ")" : null;
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("missing in CI: " + missing + " (.ci/run installs softhsm2)");
            }
            Assumptions.abort(missing);
        }
        try {
            Path file = Path.of(conf).toAbsolutePath();
            Path dir = file.getParent().resolve("tokens");
            if (Files.exists(dir)) {
                try (Stream<Path> old = Files.walk(dir)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
            Files.writeString(file, "directories.tokendir = " + dir + "\nobjectstore.backend = file\nlog.level = ERROR\n",
                    StandardCharsets.UTF_8);
            Map<String, Token> made = new LinkedHashMap<>();
            for (String label : List.of(MAIN, UNTOUCHED)) {
                String pin = label.equals(MAIN) ? "1234" : "2468";
                String out = run(UTIL, "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", "97531");
                Matcher m = SLOT.matcher(out);
                if (!m.find()) {
                    throw new IllegalStateException("softhsm2-util said: " + out);
                }
                long slot = Long.parseLong(m.group(1));
                Path config = file.getParent().resolve(label + ".cfg");
                Files.writeString(config, "name = " + label + "\nlibrary = " + LIBRARY + "\nslot = " + slot + "\n",
                        StandardCharsets.UTF_8);
                made.put(label, new Token(label, slot, pin, config));
            }
            return made;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare SoftHSM2 tokens: " + e.getMessage(), e);
        }
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            p.destroy();
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
