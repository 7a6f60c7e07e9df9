package org.safelight.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.safelight.accounts.storage.StorageConnections;
import org.safelight.cli.serve.DataFolderLock;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.keys.ReportKeys;
import org.safelight.keys.audit.ChainKey;
import org.safelight.server.crypto.MasterKey;
import org.safelight.server.crypto.MasterKeyRotation;
import org.safelight.server.crypto.Pkcs11MasterKey;
import org.safelight.server.crypto.PurposeKeys;
import org.safelight.server.crypto.Reseal;
import org.safelight.server.crypto.RotationWatch;
import org.safelight.server.crypto.SealedSecrets;
import org.safelight.server.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "master-key", mixinStandardHelpOptions = true,
        description = "The master key every stored secret is sealed under.",
        subcommands = {MasterKeyCommand.Rotate.class})
final class MasterKeyCommand extends GroupCommand {
    @ParentCommand
    AdminCommand admin;

    /**
     * The accounts role's token signing keys (accounts V10): each private JWK sealed for
     * {@code signing-key:KID}. Named here by table until the accounts module exposes its own; a
     * database from before V10 has no such table, which counts as none.
     */
    static final SealedSecrets SIGNING_KEYS = new org.safelight.server.crypto.SealedColumn("signing keys",
            "signing_keys", List.of("kid"), "sealed_jwk", key -> "signing-key:" + key.get(0));

    /** Every module's sealed values, in the order a rotation re-seals them. */
    static List<SealedSecrets> everySealedSecret() {
        List<SealedSecrets> all = new ArrayList<>();
        all.add(ReportKeys.SEALED);
        all.add(StorageConnections.SEALED);
        all.add(SIGNING_KEYS);
        all.addAll(EndpointStore.SEALED);
        all.add(PurposeKeys.SEALED);
        return all;
    }

    /** Passes after the first one before the rotation gives up on a server that keeps sealing under the old key. */
    static final int RESCANS = 5;

    /** The purpose keys the roles use: made (under the old key) before a rotation, so none is lost with it. */
    static final List<String> PURPOSES = List.of(ChainKey.LABEL, ReceivedFiles.ENCRYPTION_LABEL,
            ReceivedFiles.HMAC_LABEL);

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Re-seal every stored secret (report keys, storage tokens, token signing keys,",
                "endpoint questions, answers and FHIR references, purpose keys) under a new master key,",
                "with EVERY server on the database stopped, on every host: a new key file (generated into DATA_DIR/master.key.next, or",
                "--new-key-file), or a key in a PKCS#11 token (--to-pkcs11, made there if the label is new).",
                "The current key is found as 'serve' finds it. Interrupted, run it again with the same",
                "options: it continues. Servers refuse to start until it has finished. At the end the old",
                "key file is renamed master.key.retired-DATE: destroy it once the backups made before the",
                "rotation have expired. A server still running elsewhere notices the rotation within",
                "10 s and stops sealing (the command waits for that before it re-seals, then re-scans until",
                "nothing is left under the old key), but it must be restarted with the new key anyway."})
    static final class Rotate implements Callable<Integer> {
        @ParentCommand
        MasterKeyCommand group;

        @Mixin
        HostOptions host;

        @Mixin
        MasterKeyOptions current;

        @Spec
        CommandSpec spec;

        @Option(names = "--new-key-file", paramLabel = "FILE",
                description = "The new file key (made, mode 0600, if missing); installed as DATA_DIR/master.key.")
        Path newKeyFile;

        @Option(names = "--to-pkcs11", paramLabel = "CONFIG_FILE",
                description = "Move the master key into this PKCS#11 token (a SunPKCS11 configuration file).")
        Path toPkcs11;

        @Option(names = "--label", paramLabel = "LABEL", description = "The new key's label in the token.")
        String label;

        @Option(names = "--to-pin-file", paramLabel = "FILE",
                description = "The new token's PIN, if not in " + MasterKeyOptions.PIN_ENV + ".")
        Path toPinFile;

        @Option(names = "--batch", paramLabel = "N", defaultValue = "500",
                description = "Values re-sealed per transaction (default: ${DEFAULT-VALUE}).")
        int batch;

        /** Longer than a running server's look at the bookkeeping ({@link RotationWatch#EVERY}); 0 in tests. */
        @Option(names = "--wait-for-servers", paramLabel = "SECONDS", hidden = true, defaultValue = "15")
        int waitForServers;

        Main main() {
            return group.admin.main;
        }

        @Override
        public Integer call() throws IOException {
            if (newKeyFile != null && toPkcs11 != null) {
                throw new Failures.UsageException("give --new-key-file or --to-pkcs11, not both");
            }
            if ((toPkcs11 == null) != (label == null)) {
                throw new Failures.UsageException("--to-pkcs11 CONFIG_FILE and --label LABEL go together");
            }
            if (batch < 1) {
                throw new Failures.UsageException("--batch: at least 1");
            }
            DataFolderLock lock;
            try {
                lock = DataFolderLock.acquire(host.dataDir);
            } catch (DataFolderLock.HeldException e) {
                throw new Failures.UsageException("a server is running on " + host.dataDir.toAbsolutePath()
                        + ": stop it, and every other instance on this database, before rotating the master key");
            }
            try (lock; Database db = host.open(main().env)) {
                return rotate(db);
            }
        }

        private int rotate(Database db) throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<String> recorded = MasterKeyRotation.unfinished(db);
            RotationFiles files = new RotationFiles(host.dataDir);
            if (recorded.isPresent() && toPkcs11 == null && newKeyFile == null && !Files.exists(files.next())) {
                throw new MasterKeyRotation.UnfinishedException("another master key rotation is unfinished ("
                        + recorded.get() + "): run it again with the options it was started with");
            }
            MasterKey to = target(files);
            boolean fromFolder = !current.inToken() && isBlank(main().env.get(MasterKey.ENV));
            if (fromFolder && !Files.exists(files.current())) {
                // Only a finished re-sealing retires the old key: what is left is installing the new one.
                if (recorded.isPresent() && recorded.get().contains("to=" + to.id() + " ")) {
                    finish(db, files, to, false, out, err);
                    return ExitCode.OK;
                }
                throw new Failures.UsageException("no master key in " + host.dataDir.toAbsolutePath() + " (give the"
                        + " --data-dir, SAFELIGHT_MASTER_KEY or --master-key-pkcs11 that 'serve' uses)");
            }
            MasterKey from = current.load(host.dataDir, main().env, "the stored secrets are sealed under it");
            if (from.id().equals(to.id())) {
                if (recorded.isPresent() && recorded.get().contains("to=" + to.id() + " ")) {
                    MasterKeyRotation.finish(db);
                    out.println("The master key rotation had already re-sealed everything under " + to.id() + ".");
                    return ExitCode.OK;
                }
                throw new Failures.UsageException("the new master key is the one in use (" + from.id() + ")");
            }
            if (recorded.isEmpty()) {
                for (String purpose : PURPOSES) {
                    java.util.Arrays.fill(PurposeKeys.get(db, from, purpose), (byte) 0);
                }
            }
            MasterKeyRotation.begin(db, from, to);
            out.println((recorded.isPresent() ? "Continuing" : "Starting") + " the master key rotation from " + from.id()
                    + " to " + to.id() + ". Every server on this database must be stopped, on every host.");
            out.flush();
            if (waitForServers > 0) {
                out.println("Waiting " + waitForServers + " s: a server still running elsewhere notices the rotation"
                        + " within " + RotationWatch.EVERY.toSeconds() + " s and stops sealing under the old key.");
                out.flush();
                try {
                    Thread.sleep(waitForServers * 1000L);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new MasterKeyRotation.UnfinishedException("interrupted before re-sealing: run the command again");
                }
            }
            Reseal reseal = new Reseal(from, to, batch);
            long unreadable = 0;
            for (SealedSecrets.Resealed r : MasterKeyRotation.reseal(db, everySealedSecret(), reseal)) {
                out.println("  " + r.name() + ": " + r.resealed() + " re-sealed, " + r.alreadyDone()
                        + " already under the new key" + (r.unreadable() > 0 ? ", " + r.unreadable() + " unreadable" : ""));
                unreadable += r.unreadable();
            }
            long late = MasterKeyRotation.rescanUntilNoneLeft(db, everySealedSecret(), reseal, RESCANS);
            if (late > 0) {
                err.println("safelight: warning: " + late + " values were sealed under the old key during the rotation"
                        + " (re-sealed now): a server is still running on this database; stop it and start it with the"
                        + " new key");
            }
            if (unreadable > 0) {
                err.println("safelight: warning: " + unreadable + " stored values opened under neither key (altered rows,"
                        + " or sealed under another key before); they were left as they were and stay unreadable");
            }
            finish(db, files, to, fromFolder, out, err);
            return ExitCode.OK;
        }

        private MasterKey target(RotationFiles files) {
            if (toPkcs11 != null) {
                return Pkcs11MasterKey.openOrCreate(toPkcs11, label,
                        MasterKeyOptions.pin(toPinFile, main().env, "--to-pin-file"));
            }
            return MasterKey.fromFile(newKeyFile != null ? newKeyFile : files.next());
        }

        /** Retires the old key file, installs a new key file, then records the rotation finished. */
        private void finish(Database db, RotationFiles files, MasterKey to, boolean retireFolderKey, PrintWriter out,
                            PrintWriter err) throws IOException {
            Optional<Path> retired = retireFolderKey ? Optional.of(files.retire()) : Optional.empty();
            boolean installed = toPkcs11 == null && isBlank(main().env.get(MasterKey.ENV))
                    && (retireFolderKey || !Files.exists(files.current()));
            if (installed) {
                files.install(newKeyFile != null ? newKeyFile : files.next());
            }
            MasterKeyRotation.finish(db);
            out.println("Every stored secret is now sealed under master key " + to.id() + ".");
            if (toPkcs11 != null) {
                out.println("Start every server with --master-key-pkcs11 " + toPkcs11 + " --master-key-label " + label
                        + " and the PIN in " + MasterKeyOptions.PIN_ENV + " or --master-key-pin-file.");
            } else if (installed) {
                out.println("It is installed as " + files.current() + "; start the servers "
                        + (current.inToken() ? "without the --master-key-pkcs11 options." : "as before."));
            } else {
                Path key = newKeyFile != null ? newKeyFile : files.next();
                out.println("Give the servers the new key in " + key + " (as " + MasterKey.ENV + ", or as"
                        + " DATA_DIR/" + MasterKey.FILE_NAME + " without the PKCS#11 options), then remove that file.");
            }
            retired.ifPresent(old -> err.println("safelight: warning: the old master key is kept as " + old
                    + ": backups made before this rotation open only with it. Keep it as safely as those backups and"
                    + " destroy it (shred -u) once the last of them has expired."));
            if (!retireFolderKey && current.inToken()) {
                err.println("safelight: warning: the old key in the token (label " + current.label + ") is no longer"
                        + " used: destroy it once the backups made before this rotation have expired.");
            } else if (!retireFolderKey && !isBlank(main().env.get(MasterKey.ENV))) {
                err.println("safelight: warning: " + MasterKey.ENV + " still holds the old key: replace it wherever the"
                        + " servers get it, and keep the old value only as long as the backups made before now.");
            }
        }

        private static boolean isBlank(String s) {
            return s == null || s.isBlank();
        }
    }
}
