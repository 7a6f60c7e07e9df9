package org.safelight.server.policy;

/**
 * Matches the policy files' patterns: {@code *} stands for any run of characters (also none), every
 * other character for itself. Linear backtracking to the last star, no regular expressions, so a
 * hostile pattern or address cannot make a match slow.
 */
public final class Wildcard {
    private Wildcard() {
    }

    /** Whether all of {@code text} matches {@code pattern}; callers fold case beforehand. */
    public static boolean matches(String pattern, String text) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resumeAt = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resumeAt = t;
            } else if (p < pattern.length() && pattern.charAt(p) == text.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                // Let the last star swallow one more character and try again from there.
                p = star + 1;
                t = ++resumeAt;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
