package org.safelight.keys.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.safelight.server.policy.PatternFile;

/**
 * Who may have report keys, from the files {@code blacklist} and {@code whitelist} in the data
 * folder (as the seed's private key server has them): one pattern a line, {@code *} matching any
 * run of characters, case-insensitive, blank lines and {@code #} comments ignored. An address is
 * refused iff it matches the blacklist and not the whitelist, so with no files everyone is welcome,
 * and blacklist {@code *} with whitelist {@code *@myhospital.org} lets in staff only. A pattern
 * matches the whole address, so {@code *@myhospital.org} does not include subdomains ({@code
 * ada@ward.myhospital.org}); add a line {@code *@*.myhospital.org} for them. Never {@code
 * *myhospital.org}: it also matches {@code evilmyhospital.org}.
 *
 * <p>Edits take effect on the next request, without a restart. A file that exists but cannot be
 * read fails closed: an unreadable blacklist refuses everyone, an unreadable whitelist excepts no
 * one. Thread-safe.
 */
public final class AccessPolicy {
    public static final String BLACKLIST = "blacklist";
    public static final String WHITELIST = "whitelist";

    private final PatternFile blacklist;
    private final PatternFile whitelist;

    public AccessPolicy(Path dataDir) {
        this.blacklist = new PatternFile(dataDir.resolve(BLACKLIST), List.of("*"));
        this.whitelist = new PatternFile(dataDir.resolve(WHITELIST), List.of());
    }

    /** Whether the holder of {@code email} may have report keys. */
    public boolean allows(String email) {
        String address = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        return !blacklist.matches(address) || whitelist.matches(address);
    }
}
