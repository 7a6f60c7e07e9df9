package org.safelight.server.enterprise;

import java.util.Optional;

/**
 * Tells which enterprise a machine credential belongs to (DESIGN §3): an API key (list and download
 * the enterprise's cloud reports) or a Key Server Token (fetch keys for its members' reports). The
 * accounts role owns the credentials; other roles ask it in-process or over HTTP. Implementations
 * are thread-safe and never log the secret.
 */
public interface EnterpriseAuthority {

    /** The two kinds of enterprise credential, with the prefix their secrets start with. */
    enum Credential {
        API_KEY("slak"), KEY_SERVER_TOKEN("slkst");

        private final String prefix;

        Credential(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }

        /** Whether {@code secret} looks like a credential of this kind (it may still be unknown or revoked). */
        public boolean looksLike(String secret) {
            return secret != null && secret.startsWith(prefix + "_");
        }
    }

    /**
     * The id of the enterprise whose live credential of this kind {@code secret} is; empty when it
     * is unknown, revoked or of another kind.
     *
     * @throws EnterpriseAuthorityUnavailableException when the accounts role cannot be asked; callers
     *         fail closed (503), they never treat this as "no enterprise"
     */
    Optional<String> enterpriseOf(Credential kind, String secret);

    /** An authority that knows no credential: for processes configured without one. */
    static EnterpriseAuthority none() {
        return (kind, secret) -> Optional.empty();
    }
}
