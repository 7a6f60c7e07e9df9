package org.safelight.server.http;

import io.javalin.config.JavalinConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which client a request came from, when the server sits behind reverse proxies. A request whose
 * peer is a trusted proxy is attributed to the nearest address in {@code X-Forwarded-For} (read
 * from the right) that is not itself a trusted proxy; anyone else's {@code X-Forwarded-For} is
 * ignored, so a client cannot choose its own address for rate limits and the audit. Once
 * {@link #install installed}, {@code ctx.ip()} answers this everywhere. Immutable.
 */
public final class TrustedProxies {
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), List.of());
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<String> specs;
    private final List<Block> blocks;

    private TrustedProxies(List<String> specs, List<Block> blocks) {
        this.specs = specs;
        this.blocks = blocks;
    }

    /**
     * Parses addresses and CIDR blocks such as {@code 10.0.0.5}, {@code 10.0.0.0/8} or
     * {@code fd00::/8}.
     *
     * @throws IllegalArgumentException naming the first entry that is not one
     */
    public static TrustedProxies parse(List<String> entries) {
        List<String> specs = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            byte[] address = literal(unbracket(slash < 0 ? entry : entry.substring(0, slash)));
            int bits = address == null ? -1 : address.length * 8;
            if (address != null && slash >= 0) {
                String prefix = entry.substring(slash + 1);
                bits = prefix.matches("\\d{1,3}") ? Integer.parseInt(prefix) : -1;
            }
            if (address == null || bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("'" + entry + "' is not an IP address or CIDR block");
            }
            specs.add(entry.toLowerCase(Locale.ROOT));
            blocks.add(new Block(address, bits));
        }
        return blocks.isEmpty() ? NONE : new TrustedProxies(List.copyOf(specs), List.copyOf(blocks));
    }

    /** Makes {@code ctx.ip()} answer {@link #clientAddress} and {@code ctx.scheme()} {@link #clientScheme}. */
    public void install(JavalinConfig config) {
        if (blocks.isEmpty()) {
            return;
        }
        config.contextResolver.ip = ctx -> clientAddress(ctx.req().getRemoteAddr(),
                Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
        config.contextResolver.scheme = ctx -> clientScheme(ctx.req().getScheme(), ctx.req().getRemoteAddr(),
                ctx.req().getHeader("X-Forwarded-Proto"));
    }

    /**
     * The scheme the client used: the request's own, unless its peer is a trusted proxy that says
     * in {@code X-Forwarded-Proto} (its nearest, rightmost value) that the client came over
     * {@code http} or {@code https}. Anyone else's header is ignored, so a client on plain HTTP
     * cannot claim HTTPS.
     */
    public String clientScheme(String requestScheme, String peer, String forwardedProto) {
        if (forwardedProto == null || !trusts(peer)) {
            return requestScheme;
        }
        String[] hops = forwardedProto.split(",");
        String nearest = hops[hops.length - 1].strip().toLowerCase(Locale.ROOT);
        return nearest.equals("https") || nearest.equals("http") ? nearest : requestScheme;
    }

    /**
     * The client's address: {@code peer} itself unless it is a trusted proxy; then the rightmost
     * {@code X-Forwarded-For} address that is not a trusted proxy. Entries may carry a port
     * ({@code 1.2.3.4:5678}, {@code [2001:db8::1]:443}), which is dropped. An entry that is not an
     * address ends the walk at the proxy that wrote it.
     *
     * @param forwardedFor the {@code X-Forwarded-For} headers in the order received
     */
    public String clientAddress(String peer, List<String> forwardedFor) {
        if (!trusts(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = withoutPort(hops.get(i));
            if (literal(hop) == null) {
                break;
            }
            client = hop;
            if (!trusts(hop)) {
                break;
            }
        }
        return client;
    }

    /** Whether {@code address} (an IP literal; IPv6 bracketed or not) is a trusted proxy. */
    public boolean trusts(String address) {
        byte[] bytes = literal(unbracket(address));
        return bytes != null && blocks.stream().anyMatch(b -> b.contains(bytes));
    }

    /** The entries as configured, for the effective configuration. */
    public List<String> entries() {
        return specs;
    }

    private static String unbracket(String address) {
        return address != null && address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
    }

    /** {@code 1.2.3.4:80} -> {@code 1.2.3.4}, {@code [::1]:443} and {@code [::1]} -> {@code ::1}. */
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            if (close < 0 || !hop.substring(close + 1).matches("(:\\d{1,5})?")) {
                return hop; // not an address: it ends the walk
            }
            return hop.substring(1, close);
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && colon == hop.lastIndexOf(':') && hop.substring(colon + 1).matches("\\d{1,5}")) {
            return hop.substring(0, colon);
        }
        return hop;
    }

    /** The bytes of an IP literal, or null; never a DNS lookup. */
    private static byte[] literal(String text) {
        if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Block(byte[] address, int bits) {
        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != address[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (candidate[whole] & mask) == (address[whole] & mask);
        }
    }
}
