package org.safelight.cli.logs;

import java.util.Locale;

/** How log lines are written: text for people, or one JSON object a line for a log collector. */
public enum LogFormat {
    TEXT, JSON;

    /**
     * {@code text} or {@code json}, any case.
     *
     * @throws IllegalArgumentException naming the two choices
     */
    public static LogFormat parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException("the log format is text or json");
        };
    }
}
