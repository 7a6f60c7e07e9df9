package org.safelight.accounts.sends;

/**
 * What the accounts role sends on a user's behalf, at most. Immutable.
 *
 * @param maxBytes          the largest sealed report it sends (mail servers commonly refuse messages
 *                          over 25 MB, and base64 makes the message a third larger than the file)
 * @param emailsPerDay      emails one user may have the server send to addresses they type, in any
 *                          24 hours (destinations the admin listed do not count)
 * @param allowHttpEndpoints whether an admin may list an endpoint at a plain http:// address (testing)
 */
public record SendLimits(long maxBytes, int emailsPerDay, boolean allowHttpEndpoints) {
    /** 25 MB, 50 emails a day, https endpoints only. */
    public static final SendLimits STANDARD = new SendLimits(25L * 1000 * 1000, 50, false);

    public SendLimits {
        if (maxBytes < 1 || emailsPerDay < 0) {
            throw new IllegalArgumentException("the size limit must be positive and the daily count at least 0");
        }
    }

    /** The request body limit of the sending routes: the file and the few form fields around it. */
    public long requestLimit() {
        return maxBytes + 64 * 1024;
    }
}
