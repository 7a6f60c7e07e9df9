package org.safelight.accounts.sends;

import java.util.List;

/**
 * What the accounts role sends on a user's behalf, at most, and where. Immutable.
 *
 * @param maxBytes              the largest sealed report it sends (mail servers commonly refuse messages
 *                              over 25 MB, and base64 makes the message a third larger than the file)
 * @param emailsPerDay          emails one user may have the server send to addresses they type, in any
 *                              24 hours
 * @param allowHttpEndpoints    whether an admin may list an endpoint at a plain http:// address (testing)
 * @param allowPrivateAddresses whether endpoints may be at loopback, private or link-local addresses
 *                              (the operator's own network; off, an enterprise admin, a customer, could
 *                              make the server call its own side-cars)
 * @param sendsPerHour          sends one user may have the server make in any hour, every kind (typed
 *                              address, mailbox, endpoint)
 * @param serverEmailsPerHour   emails the whole server sends for users in any hour (typed addresses and
 *                              mailboxes), so many sign-ups cannot get its domain on block lists
 * @param keyServers            origins of key servers, besides this server's own, that an emailed report
 *                              may name (a report sealed with a static key always may)
 */
public record SendLimits(long maxBytes, int emailsPerDay, boolean allowHttpEndpoints, boolean allowPrivateAddresses,
                         int sendsPerHour, int serverEmailsPerHour, List<String> keyServers) {
    /** 25 MB, 50 emails a day, 20 sends an hour, 500 server emails an hour, https public endpoints only. */
    public static final SendLimits STANDARD = new SendLimits(25L * 1000 * 1000, 50, false);

    public SendLimits {
        if (maxBytes < 1 || emailsPerDay < 0 || sendsPerHour < 0 || serverEmailsPerHour < 0) {
            throw new IllegalArgumentException("the size limit must be positive and the counts at least 0");
        }
        keyServers = List.copyOf(keyServers);
    }

    /** Public endpoints, 20 sends an hour per user, 500 server emails an hour, no key servers elsewhere. */
    public SendLimits(long maxBytes, int emailsPerDay, boolean allowHttpEndpoints) {
        this(maxBytes, emailsPerDay, allowHttpEndpoints, false, 20, 500, List.of());
    }

    /** The same, endpoints at private addresses allowed or not. */
    public SendLimits withPrivateAddresses(boolean allow) {
        return new SendLimits(maxBytes, emailsPerDay, allowHttpEndpoints, allow, sendsPerHour, serverEmailsPerHour,
                keyServers);
    }

    /** The same with these hourly counts. */
    public SendLimits withHourly(int perUser, int perServer) {
        return new SendLimits(maxBytes, emailsPerDay, allowHttpEndpoints, allowPrivateAddresses, perUser, perServer,
                keyServers);
    }

    /** The same, trusting these key server origins too. */
    public SendLimits withKeyServers(List<String> origins) {
        return new SendLimits(maxBytes, emailsPerDay, allowHttpEndpoints, allowPrivateAddresses, sendsPerHour,
                serverEmailsPerHour, origins);
    }

    /** The request body limit of the sending routes: the file and the few form fields around it. */
    public long requestLimit() {
        return maxBytes + 64 * 1024;
    }
}
