package org.safelight.accounts.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The network a client writes from, as a rate-limit key: an IPv4 address as it is, an IPv6 one cut
 * to its /64 (the block one subscriber gets, so a client cannot dodge a limit by walking through
 * its own addresses).
 */
public final class ClientNetwork {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.\\[\\]]{2,45}");

    private ClientNetwork() {
    }

    public static String of(String ip) {
        String address = ip == null ? "" : ip.strip();
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        // only literals: InetAddress.getByName would look a host name up
        if (!LITERAL.matcher(address).matches()) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length == 16) {
                return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
            }
            return address;
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
