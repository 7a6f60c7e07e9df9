package org.safelight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.safelight.client.Credentials;
import org.safelight.client.storage.CloudStorage;
import org.safelight.client.storage.LoopbackLogin;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageEndpoints;
import org.safelight.client.storage.StorageProvider;
import org.safelight.client.storage.StorageTokenFile;
import org.safelight.client.storage.StorageTokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Connect your Box or Dropbox (PRO) so that 'safelight send FILE --to box|dropbox' can upload to it.",
            "Prints the address to open in a browser; the service sends the browser back to this computer"
                + " (127.0.0.1), and the tokens are kept, readable by you only, beside your sign-in."})
final class ConnectCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "box|dropbox", description = "The service.")
    String service;

    @Option(names = "--client-id", required = true, paramLabel = "ID",
            description = "The app's client ID (Dropbox: app key) your organisation registered, with the redirect URI"
                    + " http://127.0.0.1:PORT/callback.")
    String clientId;

    @Option(names = "--client-secret-file", paramLabel = "FILE",
            description = "The file holding the app's client secret (Box needs one; Dropbox does not).")
    Path clientSecretFile;

    @Option(names = "--port", paramLabel = "N", defaultValue = "0",
            description = "The port of the redirect URI registered for the app (default: any free port).")
    int port;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for the browser (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--authorize-url", paramLabel = "URL", hidden = true, description = "For tests or a proxy.")
    String authorizeUrl;

    @Option(names = "--api-url", paramLabel = "URL", hidden = true, description = "For tests or a proxy.")
    String apiUrl;

    @Option(names = "--upload-url", paramLabel = "URL", hidden = true, description = "For tests or a proxy.")
    String uploadUrl;

    @Override
    public Integer call() throws Exception {
        StorageProvider provider = provider(service);
        requirePro(main, provider);
        String secret = clientSecretFile == null ? null : Files.readString(clientSecretFile).strip();
        if (provider == StorageProvider.BOX && secret == null) {
            throw new Failures.UsageException("Box needs the app's client secret: --client-secret-file FILE");
        }
        StorageEndpoints real = provider.endpoints();
        StorageApp app = new StorageApp(provider, clientId, secret, new StorageEndpoints(
                authorizeUrl == null ? real.authorize() : authorizeUrl, apiUrl == null ? real.api() : apiUrl,
                uploadUrl == null ? real.upload() : uploadUrl));
        CloudStorage storage = CloudStorage.of(app);
        StorageTokens tokens;
        try (LoopbackLogin login = LoopbackLogin.start(port)) {
            main.stdout.println("Open this address in a browser to connect " + provider.displayName() + ":");
            main.stdout.println(login.authorizeUrl(storage));
            main.stdout.flush();
            tokens = login.await(storage, Duration.ofSeconds(timeoutSeconds));
        } catch (TimeoutException e) {
            throw new Failures.UsageException("no answer from the browser within " + timeoutSeconds + " s: run"
                    + " 'safelight connect " + provider.code() + "' again");
        }
        StorageTokenFile.save(Credentials.folder(main.env), new StorageTokenFile.Connection(app,
                clientSecretFile == null ? null : clientSecretFile.toAbsolutePath(), tokens));
        main.stdout.println("Connected " + provider.displayName() + ".");
        return ExitCode.OK;
    }

    static StorageProvider provider(String code) {
        return StorageProvider.of(code == null ? "" : code.toLowerCase(java.util.Locale.ROOT)).orElseThrow(
                () -> new Failures.UsageException("the service is box or dropbox, not '" + code + "'"));
    }

    /** When signed in, the accounts server says whether the user has PRO now. */
    static void requirePro(Main main, StorageProvider provider) throws IOException {
        Optional<Credentials> signedIn = Credentials.load(main.env);
        if (signedIn.isEmpty()) {
            main.spec.commandLine().getErr().println("safelight: note: not signed in, so PRO is not checked");
            return;
        }
        JsonNode me = new ClientContext(main).accounts.me();
        if (!me.path("enterprise").path("pro").asBoolean(false)) {
            throw new StorageRefused(provider.displayName() + " is for PRO users, which your enterprise's licence"
                    + " makes you (pro_required)");
        }
    }

    /** The service or the accounts server refused: exit code 5 (refused). */
    static final class StorageRefused extends RuntimeException {
        StorageRefused(String message) {
            super(message, null, false, false);
        }
    }
}
