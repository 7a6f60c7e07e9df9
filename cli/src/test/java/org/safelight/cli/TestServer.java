package org.safelight.cli;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.safelight.cli.serve.SafelightServer;
import org.safelight.cli.serve.ServeConfig;
import org.safelight.server.db.Database;

/** A real Safelight server (accounts + keys, SQLite, outbox mail) on a free loopback port. */
final class TestServer {
    private TestServer() {
    }

    static SafelightServer start(Path dataDir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        return SafelightServer.start(new ServeConfig(dataDir, "127.0.0.1", port, Set.of("accounts", "keys"),
                Database.sqliteUrl(dataDir), null, null, null, URI.create("http://localhost:" + port), List.of(),
                new ServeConfig.Smtp("", 0, "", "", "safelight@localhost", false), 60));
    }
}
