package org.safelight.keys.audit;

import java.util.regex.Pattern;

/** How a request ended: {@code granted}, or {@code refused:<reason>} with a stable error code. */
public record Outcome(String code) {
    private static final Pattern VALID = Pattern.compile("granted|refused:[a-z0-9_]{1,64}");
    public static final Outcome GRANTED = new Outcome("granted");

    public Outcome {
        if (code == null || !VALID.matcher(code).matches()) {
            throw new IllegalArgumentException("an outcome is 'granted' or 'refused:<reason>'");
        }
    }

    /** @param reason the refusal's error code, e.g. {@code access_denied} */
    public static Outcome refused(String reason) {
        return new Outcome("refused:" + reason);
    }

    public boolean granted() {
        return code.equals(GRANTED.code);
    }

    @Override
    public String toString() {
        return code;
    }
}
