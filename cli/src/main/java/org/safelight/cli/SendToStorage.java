package org.safelight.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.safelight.cli.share.Recipient;
import org.safelight.client.Credentials;
import org.safelight.client.storage.CloudStorage;
import org.safelight.client.storage.StorageException;
import org.safelight.client.storage.StorageTokenFile;

/**
 * {@code safelight send FILE --to box|dropbox}: the sealed report uploaded from this computer
 * straight to the user's Box ({@code Safelight} folder) or Dropbox (the app folder), with the
 * tokens {@code safelight connect} kept. A refreshed token is kept again. When signed in, the
 * accounts server decides PRO and the send goes on My reports.
 */
final class SendToStorage {
    private final SendCommand command;

    SendToStorage(SendCommand command) {
        this.command = command;
    }

    int send(Path file, String reportId, Recipient.Storage to) throws IOException, StorageException {
        ConnectCommand.requirePro(command.main, to.provider());
        Path folder = Credentials.folder(command.main.env);
        StorageTokenFile.Connection connection = StorageTokenFile.load(folder, to.provider()).orElseThrow(
                () -> new Failures.UsageException(to.provider().displayName() + " is not connected: run 'safelight"
                        + " connect " + to.provider().code() + " --client-id ID' first"));
        CloudStorage storage = CloudStorage.of(connection.app());
        String path;
        try (InputStream in = Files.newInputStream(file)) {
            path = storage.upload(connection.tokens(), reportId + ".picsafe", in, Files.size(file), fresh -> {
                try {
                    StorageTokenFile.save(folder, new StorageTokenFile.Connection(connection.app(),
                            connection.secretFile(), fresh));
                } catch (IOException e) {
                    command.err().println("safelight: warning: the refreshed " + to.provider().displayName()
                            + " sign-in could not be kept (" + e.getMessage() + ")");
                }
            });
        }
        command.main.stdout.println("Sent report " + reportId + " to " + to.provider().displayName() + ": " + path);
        if (Credentials.load(command.main.env).isPresent()) {
            command.recordSend(new ClientContext(command.main), reportId, to);
        }
        return ExitCode.OK;
    }
}
