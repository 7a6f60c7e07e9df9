package org.safelight.format.report;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** One photo, video or audio clip of a report, stored as {@code {ItemID}.jpg|.m4v|.m4a}. */
public record MediaItem(ItemId id, MediaType type, Set<ConsentLevel> levels) {

    public MediaItem {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        levels = ConsentLevel.sorted(levels);
    }

    public String fileName() {
        return id.value() + type.extension();
    }

    public String thumbnailName() {
        return id.value() + "-thumbnail.jpg";
    }

    public enum MediaType {
        PHOTO(".jpg"), VIDEO(".m4v"), AUDIO(".m4a");

        private final String extension;

        MediaType(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static MediaType parse(String value) throws MalformedReportException {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new MalformedReportException("unknown media type '" + Text.clip(value)
                        + "' (expected photo, video or audio)");
            }
        }

        /** The type a draft file's extension stands for, or null. */
        public static MediaType ofExtension(String extension) {
            for (MediaType t : values()) {
                if (t.extension.equalsIgnoreCase(extension)) {
                    return t;
                }
            }
            return null;
        }
    }
}
