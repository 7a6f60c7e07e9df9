package org.safelight.cli;

import java.time.Clock;
import org.safelight.cli.client.Accounts;
import org.safelight.cli.client.ApiClient;
import org.safelight.cli.client.Cloud;
import org.safelight.cli.client.KeyServer;

/** The client objects a command needs, built from the command line's environment. */
final class ClientContext {
    final Accounts accounts;
    final KeyServer keyServer;
    final Cloud cloud;

    ClientContext(Main main) {
        ApiClient api = ApiClient.create();
        this.accounts = new Accounts(api, main.env, Clock.systemUTC());
        this.keyServer = new KeyServer(api, accounts);
        this.cloud = new Cloud(api, accounts);
    }
}
