package org.safelight.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;

/**
 * Requests written byte for byte on a socket, so that tests can send what no HTTP client would (a
 * malformed request line, a 20 KB URI, 40 KB of headers) and read the head of what comes back.
 */
public final class RawHttp {
    /** The status and headers (names in lower case) of an answer. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    public static Answer send(SocketFactory sockets, String host, int port, String request) throws IOException {
        try (Socket socket = sockets.createSocket(host, port)) {
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            } catch (java.net.SocketException refusedMidWrite) {
                // a server may answer an oversized request and close before it has all been written;
                // the answer can still be waiting to be read, and is what the test is about
                String answer = readAll(socket.getInputStream());
                if (answer.indexOf("\r\n\r\n") < 0) {
                    throw refusedMidWrite;
                }
                return parse(answer);
            }
            return parse(readAll(socket.getInputStream()));
        }
    }

    public static Answer send(int port, String request) throws IOException {
        return send(SocketFactory.getDefault(), "127.0.0.1", port, request);
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
                if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            // the server may close (or reset) right after a refusal; what was read is the answer
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Answer head = parse(text);
        String length = head.header("content-length");
        return length != null && text.length() - end - 4 >= Integer.parseInt(length.trim());
    }

    private static Answer parse(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no HTTP answer: '" + text + "'");
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
        return new Answer(status, headers, text.substring(end + 4));
    }
}
