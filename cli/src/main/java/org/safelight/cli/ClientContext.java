package org.safelight.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import org.safelight.client.Accounts;
import org.safelight.client.ApiClient;
import org.safelight.client.Cloud;
import org.safelight.client.EndpointSender;
import org.safelight.client.KeyServer;
import org.safelight.client.KeyServerTrust;

/** The client objects a command needs, built from the command line's environment. */
final class ClientContext {
    final Accounts accounts;
    final KeyServer keyServer;
    final Cloud cloud;
    final EndpointSender endpoint;

    ClientContext(Main main) {
        this(main, List.of());
    }

    /** @param keyServers key server URLs the user named on this command line: trusted for this command */
    ClientContext(Main main, List<String> keyServers) {
        ApiClient api = ApiClient.create();
        this.accounts = new Accounts(api, main.env, Clock.systemUTC());
        KeyServerTrust trust;
        try {
            trust = KeyServerTrust.load(main.env, keyServers);
        } catch (IllegalArgumentException e) {
            throw new Failures.UsageException("a key server must be an http:// or https:// URL: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.keyServer = new KeyServer(api, accounts, trust);
        this.cloud = new Cloud(api, accounts);
        this.endpoint = new EndpointSender(api, accounts);
    }
}
