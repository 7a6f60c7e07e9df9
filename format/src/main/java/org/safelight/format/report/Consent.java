package org.safelight.format.report;

import java.util.Set;

/**
 * The patient's consent: how it was given and to what. {@code levels} is what {@code consentlevels}
 * lists; the three booleans are written beside it, as the format has both.
 */
public record Consent(ConsentType type, boolean treatment, boolean education, boolean publication,
                      Set<ConsentLevel> levels) {

    public static final Consent NONE = new Consent(ConsentType.NONE, false, false, false, Set.of());

    public Consent {
        levels = ConsentLevel.sorted(levels);
    }

    /** A consent whose booleans agree with its levels. */
    public static Consent of(ConsentType type, Set<ConsentLevel> levels) {
        return new Consent(type, levels.contains(ConsentLevel.TREATMENT), levels.contains(ConsentLevel.EDUCATION),
                levels.contains(ConsentLevel.PUBLICATION), levels);
    }

    public enum ConsentType {
        SIGNED, VERBAL, NONE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
