package org.safelight.accounts.sends;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Whether an address is on the public internet, as an endpoint an enterprise admin lists must be:
 * not loopback, unspecified, link-local (cloud metadata services live there), private (RFC 1918),
 * shared (CGNAT, RFC 6598), unique-local (fc00::/7), multicast, reserved or broadcast, also when
 * such an IPv4 address is carried in IPv6 (mapped, compatible, NAT64, 6to4).
 */
final class PublicAddresses {
    private PublicAddresses() {
    }

    /** Whether every address {@code host} resolves to is public; false when it does not resolve. */
    static boolean resolvesPublic(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            return all.length > 0 && Arrays.stream(all).allMatch(PublicAddresses::isPublic);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether {@code host} is written as an IP address (no name service asked). */
    static boolean isLiteral(String host) {
        return host.startsWith("[") || host.matches("[0-9.]+") || host.contains(":");
    }

    static boolean isPublic(InetAddress a) {
        if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            return b0 != 0 && b0 < 224 // this network; class E and broadcast
                    && !(b0 == 100 && (b1 & 0xc0) == 64) // CGNAT 100.64/10
                    && !(b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0) // IETF 192.0.0/24
                    && !(b0 == 198 && (b1 & 0xfe) == 18); // benchmarking 198.18/15
        }
        if (a instanceof Inet6Address six) {
            if ((b[0] & 0xfe) == 0xfc) { // unique local fc00::/7
                return false;
            }
            if (six.isIPv4CompatibleAddress() || isPrefix(b, 0, 0x64, 0xff, 0x9b)) { // ::a.b.c.d, 64:ff9b::/96
                return isPublic(v4(b, 12));
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) { // 6to4 2002::/16
                return isPublic(v4(b, 2));
            }
            return true;
        }
        return false;
    }

    private static boolean isPrefix(byte[] b, int... first) {
        for (int i = 0; i < first.length; i++) {
            if ((b[i] & 0xff) != first[i]) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress v4(byte[] b, int from) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, from, from + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
