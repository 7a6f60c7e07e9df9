package org.safelight.packaging.deb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A systemd unit file's directives: name to every value it is given, comments and sections left out. */
record Unit(Map<String, List<String>> directives) {
    static Unit parse(String text) {
        Map<String, List<String>> d = new LinkedHashMap<>();
        for (String line : text.lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("[")) {
                continue;
            }
            int eq = line.indexOf('=');
            d.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return new Unit(d);
    }

    /** The last value given (systemd's rule for single-valued settings); null when never given. */
    String get(String name) {
        List<String> values = directives.get(name);
        return values == null ? null : values.get(values.size() - 1);
    }

    /** The command line of ExecStart, split into words (the unit uses no quoting). */
    List<String> execStart() {
        return List.of(get("ExecStart").split("\\s+"));
    }
}
