package org.safelight.accounts.users;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a new password must be: at least 10 characters (at most 256), and not one of the
 * obviously guessable kinds: a single repeated pattern, a keyboard or alphabet run, digits only, a
 * common word dressed up with digits and symbols, or the user's own name or address. Long
 * passphrases of ordinary words pass. The rules judge the NFKC form of the password, the form
 * {@link PasswordHasher} hashes: full-width letters or ligatures do not make a common password
 * look new. Stateless.
 */
public final class PasswordRules {
    public static final int MIN_LENGTH = 10;
    public static final int MAX_LENGTH = 256;

    private static final String[] RUNS = {
        "abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop",
        "azertyuiop", "1q2w3e4r5t6y7u8i9o0p", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgbyhnujmikolp"
    };
    // Words that top every leaked-password list; a password that is one of them plus decoration is refused.
    private static final Set<String> COMMON = Set.of(
            "password", "passwort", "motdepasse", "contrasena", "qwerty", "letmein", "welcome", "admin",
            "administrator", "iloveyou", "monkey", "dragon", "football", "baseball", "soccer", "sunshine",
            "princess", "master", "shadow", "superman", "batman", "trustno", "secret", "login", "changeme",
            "default", "hello", "freedom", "whatever", "starwars", "pokemon", "abc", "test", "testing", "user",
            "guest", "doctor", "nurse", "hospital", "medical", "clinic", "patient", "safelight", "picsafe");

    private PasswordRules() {
    }

    /**
     * Why {@code password} is refused, in words for the user, or empty when it is acceptable.
     *
     * @param personal the user's email address and names; a password built only from one of them is refused
     */
    public static Optional<String> problem(String typed, String... personal) {
        String password = PasswordHasher.normalized(typed);
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            return Optional.of("the password must have at least " + MIN_LENGTH + " characters");
        }
        if (length > MAX_LENGTH) {
            return Optional.of("the password must have at most " + MAX_LENGTH + " characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (lower.codePoints().distinct().count() < 4 || repeatsOnePattern(lower)) {
            return Optional.of("the password repeats too few characters: choose something less regular");
        }
        if (isRun(lower)) {
            return Optional.of("the password is a run of keys or letters: choose something less predictable");
        }
        if (lower.chars().allMatch(Character::isDigit)) {
            return Optional.of("a password of digits only is easy to guess: add words or letters");
        }
        String core = undecorated(lower);
        if (!core.isEmpty() && (COMMON.contains(core) || isRun(core))) {
            return Optional.of("the password is a common word with a few extra characters: choose a longer phrase");
        }
        for (String p : personal) {
            if (p == null || p.isBlank()) {
                continue;
            }
            String mine = p.toLowerCase(Locale.ROOT).trim();
            String local = mine.contains("@") ? mine.substring(0, mine.indexOf('@')) : mine;
            if (core.equals(undecorated(local)) || core.equals(undecorated(mine)) || lower.equals(mine)) {
                return Optional.of("the password is your name or email address: choose something else");
            }
        }
        return Optional.empty();
    }

    /** The password with digits and symbols stripped from both ends and common letter swaps undone. */
    private static String undecorated(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && !Character.isLetter(s.charAt(start))) {
            start++;
        }
        while (end > start && !Character.isLetter(s.charAt(end - 1))) {
            end--;
        }
        StringBuilder out = new StringBuilder(end - start);
        for (char c : s.substring(start, end).toCharArray()) {
            out.append(switch (c) {
                case '0' -> 'o';
                case '1', '!' -> 'i';
                case '3' -> 'e';
                case '4', '@' -> 'a';
                case '5', '$' -> 's';
                case '7' -> 't';
                default -> c;
            });
        }
        return out.toString();
    }

    /** "abcabcabca", "xyxyxyxyxy": the whole password is one short piece repeated. */
    private static boolean repeatsOnePattern(String s) {
        for (int period = 1; period <= s.length() / 3; period++) {
            boolean repeats = true;
            for (int i = period; i < s.length() && repeats; i++) {
                repeats = s.charAt(i) == s.charAt(i - period);
            }
            if (repeats) {
                return true;
            }
        }
        return false;
    }

    /** Part of a keyboard row or of the alphabet, forwards or backwards, possibly wrapping round. */
    private static boolean isRun(String s) {
        for (String run : RUNS) {
            String twice = run + run;
            String backwards = new StringBuilder(twice).reverse().toString();
            if (twice.contains(s) || backwards.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
