package org.safelight.cli.share;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.ReportMetadata;

/**
 * The message that goes with a cloud link, shaped like the one the phone app composes: one
 * sentence saying how long the link works and what the report holds, a blank line, the link.
 * Without the report's metadata (no key at hand) it says only "a Safelight report". No patient
 * data is ever put in it.
 */
public final class ShareMessage {
    private ShareMessage() {
    }

    /**
     * @param metadata the report's metadata, or null when it could not be read
     * @param days     how long the link stays valid
     */
    public static String compose(ReportMetadata metadata, long days, String link) {
        return forMedia(metadata == null ? List.of() : metadata.media(), days, link);
    }

    /**
     * The message for a report holding {@code media}. My Safelight's send panel writes the same words
     * ({@code web/.../static/send-share.js}); the browser test of sending compares the two.
     */
    public static String forMedia(List<MediaItem> media, long days, String link) {
        String contents = contents(media);
        return "Please tap the link below (valid for " + days + (days == 1 ? " day" : " days")
                + ") to view a Safelight report" + (contents.isEmpty() ? "" : " containing " + contents) + ".\n\n"
                + link;
    }

    /** "2 photos, 1 video and 1 audio recording"; "" for no media. */
    static String contents(List<MediaItem> media) {
        List<String> parts = new ArrayList<>();
        for (MediaType type : MediaType.values()) {
            long n = media.stream().filter(m -> m.type() == type).count();
            if (n > 0) {
                String noun = switch (type) {
                    case PHOTO -> "photo";
                    case VIDEO -> "video";
                    case AUDIO -> "audio recording";
                };
                parts.add(n + " " + noun + (n == 1 ? "" : "s"));
            }
        }
        if (parts.size() <= 1) {
            return String.join("", parts);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

    /** The URL that opens a messaging app with the message for {@code to}; null for the cloud alone. */
    public static String deliveryUrl(Recipient to, String message) {
        if (to instanceof Recipient.Sms s) {
            return "sms:" + s.number() + "?&body=" + encode(message);
        }
        if (to instanceof Recipient.WhatsApp w) {
            return "https://wa.me/" + w.number().substring(1) + "?text=" + encode(message);
        }
        return null;
    }

    /** Percent-encoding for a URL query value (spaces as %20, which every messaging app reads). */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
