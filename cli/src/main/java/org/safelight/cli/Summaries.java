package org.safelight.cli;

import java.util.ArrayList;
import java.util.List;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;
import org.safelight.format.report.ReportMetadata;

/** Short descriptions without patient data, for terminal output. */
final class Summaries {
    private Summaries() {
    }

    /** "2 photos, 1 video" / "no media". */
    static String media(ReportMetadata m) {
        List<String> parts = new ArrayList<>();
        for (MediaType type : MediaType.values()) {
            long n = m.media().stream().map(MediaItem::type).filter(type::equals).count();
            if (n > 0) {
                String noun = type == MediaType.AUDIO ? "audio clip" : type.wire();
                parts.add(n + " " + noun + (n == 1 ? "" : "s"));
            }
        }
        return parts.isEmpty() ? "no media" : String.join(", ", parts);
    }
}
