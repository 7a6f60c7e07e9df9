package org.safelight.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.util.Arrays;

/**
 * Ports for servers that must be told theirs before they bind: a whole {@code safelight serve}, a
 * server in another process. (A role in this JVM needs none: {@link RoleServer} binds port 0 first.)
 * A free port found by a probe may be taken by another process before the server binds it, so
 * {@link #onFreePorts} starts again on other ports when that happens, at most {@link #ATTEMPTS} times.
 */
public final class Ports {
    public static final int ATTEMPTS = 3;

    private Ports() {
    }

    /** What a starter throws when another process took its port between the probe and the bind. */
    public static final class PortTaken extends Exception {
        private static final long serialVersionUID = 1L;

        public PortTaken(String message) {
            super(message);
        }
    }

    /** Starts something on the given port. */
    @FunctionalInterface
    public interface OnPort<T> {
        T start(int port) throws Exception;
    }

    /** Starts something on the given distinct ports. */
    @FunctionalInterface
    public interface OnPorts<T> {
        T start(int[] ports) throws Exception;
    }

    /** {@code start} on a free port, again on another when the port was taken (see {@link #onFreePorts}). */
    public static <T> T onFreePort(OnPort<T> start) throws Exception {
        return onFreePorts(1, ports -> start.start(ports[0]));
    }

    /**
     * {@code start} on {@code count} distinct free ports; again on others when it throws
     * {@link PortTaken} or failed to bind (a {@link BindException} or Javalin's bind exception among
     * the causes), at most {@link #ATTEMPTS} times.
     */
    public static <T> T onFreePorts(int count, OnPorts<T> start) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                int port;
                do {
                    port = unused();
                } while (contains(ports, i, port));
                ports[i] = port;
            }
            try {
                return start.start(ports);
            } catch (Exception e) {
                if (!portTaken(e) || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** A port nobody listens on just now: for tests of a server that is down. */
    public static int unused() {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PortTaken || t instanceof BindException
                    || t.getClass().getName().equals("io.javalin.util.JavalinBindException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(int[] ports, int upTo, int port) {
        return Arrays.stream(ports, 0, upTo).anyMatch(p -> p == port);
    }
}
