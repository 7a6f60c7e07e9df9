package org.safelight.accounts.enterprise;

import java.time.Instant;
import java.util.List;

/**
 * An institution with a PRO licence for its people. Its members are the addresses in
 * {@code members}, every address at one of {@code domains}, and its admin. Immutable.
 */
public record Enterprise(String id, String name, String adminEmail, List<String> domains, List<String> members,
                         boolean pro, Instant createdAt) {
    public Enterprise {
        domains = List.copyOf(domains);
        members = List.copyOf(members);
    }
}
