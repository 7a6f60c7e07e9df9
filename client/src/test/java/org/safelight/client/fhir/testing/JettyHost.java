package org.safelight.client.fhir.testing;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty on 127.0.0.1 for the test server: a filter and a servlet (fresh ones each start) at
 * {@code /fhir}, started, stopped and restarted on the same port, and stopped "as if it died" from
 * one of its own request threads without deadlocking. Thread-safe.
 */
final class JettyHost {
    private final Supplier<Filter> filter;
    private final Supplier<Servlet> servlet;
    private final Object lock = new Object();
    /** Open connections of the running server: a stop closes any Jetty left open (idle keep-alive ones). */
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private Server jetty;
    private ServerConnector connector;
    private int port;
    private CompletableFuture<Void> backgroundStop = CompletableFuture.completedFuture(null);

    JettyHost(Supplier<Filter> filter, Supplier<Servlet> servlet) {
        this.filter = filter;
        this.servlet = servlet;
    }

    /** Starts on this port (0: a free one; later starts reuse the port it got). */
    void start(int wantedPort) {
        synchronized (lock) {
            if (jetty != null) {
                return;
            }
            QueuedThreadPool threads = new QueuedThreadPool(24, 2);
            threads.setName("fhir-test-server");
            Server server = new Server(threads);
            ServerConnector newConnector = new ServerConnector(server, 1, 1);
            newConnector.setHost("127.0.0.1");
            newConnector.setPort(wantedPort);
            newConnector.setReuseAddress(true);
            newConnector.addBean(new Connection.Listener() {
                @Override
                public void onOpened(Connection connection) {
                    connections.add(connection);
                }

                @Override
                public void onClosed(Connection connection) {
                    connections.remove(connection);
                }
            });
            server.addConnector(newConnector);
            ServletContextHandler handler = new ServletContextHandler("/");
            handler.addFilter(new FilterHolder(filter.get()), "/*", EnumSet.of(DispatcherType.REQUEST));
            handler.addServlet(new ServletHolder(servlet.get()), "/fhir/*");
            server.setHandler(handler);
            try {
                server.start();
            } catch (Exception e) {
                try {
                    server.stop();
                } catch (Exception ignored) {
                    // the start failure is the news
                }
                throw new IllegalStateException("the FHIR test server did not start on port " + wantedPort, e);
            }
            port = newConnector.getLocalPort();
            jetty = server;
            connector = newConnector;
            stopping = false;
        }
    }

    int port() {
        return port;
    }

    /** True from a fault or a stop until the next start: the filter drops what still arrives. */
    boolean stopping() {
        return stopping;
    }

    boolean running() {
        synchronized (lock) {
            return jetty != null && !stopping;
        }
    }

    /**
     * From a request thread: the listening socket closes at once (new connections are refused) and
     * the server stops in the background once the returned latch is released, i.e. after the request
     * thread dropped or sent its answer. {@link #restart()} waits for that stop, so never races it.
     */
    CountDownLatch dieAfterAnswer() {
        CountDownLatch answered = new CountDownLatch(1);
        synchronized (lock) {
            stopping = true;
            Server dying = jetty;
            if (connector != null) {
                connector.close();
            }
            backgroundStop = CompletableFuture.runAsync(() -> {
                try {
                    answered.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stop(dying);
            });
        }
        return answered;
    }

    /** Not from a request thread of this server. */
    void stop() {
        awaitBackgroundStop();
        synchronized (lock) {
            stopping = true;
            stop(jetty);
        }
    }

    void restart() {
        stop();
        start(port);
    }

    private void awaitBackgroundStop() {
        CompletableFuture<Void> pending;
        synchronized (lock) {
            pending = backgroundStop;
        }
        pending.join();
    }

    private void stop(Server server) {
        synchronized (lock) {
            if (server == null) {
                return;
            }
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("the FHIR test server did not stop", e);
            } finally {
                // a client's idle keep-alive connection must fail like one to a dead server, not hang
                for (Connection connection : List.copyOf(connections)) {
                    connection.getEndPoint().close();
                    connections.remove(connection);
                }
                if (jetty == server) {
                    jetty = null;
                    connector = null;
                }
            }
        }
    }
}
