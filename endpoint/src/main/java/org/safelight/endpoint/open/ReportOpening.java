package org.safelight.endpoint.open;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.safelight.client.ApiClient;
import org.safelight.client.EnterpriseKeys;
import org.safelight.client.filing.OpeningFailedException;
import org.safelight.client.filing.ReceivedReportOpener;
import org.safelight.client.filing.ReportKeys;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.endpoint.store.ReceivedFiles;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.report.MalformedReportException;
import org.safelight.format.rncryptor.IntegrityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a received report into a private work folder through the client's filing pipeline
 * ({@link ReceivedReportOpener}, the one {@code sync} runs): its key (none for plain; from a trusted
 * key server with the enterprise's Key Server Token; the institution's private key by {@code kid}),
 * the package's HMAC verified before a byte is decrypted, and the report inside checked to be the
 * one received. What is the endpoint's own: reading a plain file kept encrypted under the master
 * key, the private work folder, picking up private keys added to their folder while it runs, and
 * turning the pipeline's rule into the queue's: a failure that waiting can mend waits and is tried
 * again, one that is the report's parks it. Thread-safe.
 */
public final class ReportOpening {
    private static final Logger LOG = LoggerFactory.getLogger(ReportOpening.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final ReportKeys.Options OPTIONS =
            new ReportKeys.Options("--endpoint-key-servers", "--endpoint-private-keys");

    private final ReceivedFiles files;
    private final List<URI> trustedKeyServers;
    private final EnterpriseKeys keyServers;
    private final Path privateKeys;
    private final Clock clock;
    /** The opener with the keys of the folder as it was when they were read. */
    private volatile Loaded loaded;

    /**
     * @param trustedKeyServers the key servers the Key Server Token may go to (any URL; reduced to origins)
     * @param keyServerToken    the enterprise's Key Server Token, or null: dynamic-key reports are parked
     * @param privateKeys       the folder of PKCS#8 PEM private keys ({@code *.pem}, {@code *.key}), or null
     * @throws IOException              when a private key in the folder cannot be used (named)
     * @throws IllegalArgumentException when a trusted key server is not an http(s) URL
     */
    public ReportOpening(ReceivedFiles files, Collection<URI> trustedKeyServers, String keyServerToken,
                         Path privateKeys, Clock clock) throws IOException {
        this.files = files;
        this.trustedKeyServers = trustedKeyServers.stream().map(ReportOpening::origin).toList();
        this.keyServers = keyServerToken == null || keyServerToken.isBlank() ? null
                : new EnterpriseKeys(ApiClient.create(), keyServerToken);
        this.privateKeys = privateKeys;
        this.clock = clock;
        List<String> seen = keyFiles(List.of());
        this.loaded = load(seen, privateKeys == null ? List.of() : ReportKeys.readPrivateKeys(privateKeys));
    }

    /** The static-key kids held now, for a start-up line (kids are public). */
    public List<String> kids() {
        return current().kids();
    }

    /**
     * Opens the claimed report into {@code work} (a new private folder the caller deletes), as
     * {@code work/contents}.
     */
    public OpenedReport open(EndpointStore.Claim report, Path work) throws OpenFailure {
        Path stored = files.stored(report.storedAs());
        if (!Files.isRegularFile(stored)) {
            throw new OpenFailure("its received file is no longer there", false);
        }
        try {
            Path file = stored;
            if (report.atRest() == ReceivedFiles.AtRest.MASTER_KEY) {
                file = work.resolve("received.zip");
                try (InputStream in = files.read(stored, report.atRest()); OutputStream out = Files.newOutputStream(file)) {
                    in.transferTo(out);
                } catch (IntegrityException e) {
                    throw new OpenFailure("its stored file fails its integrity check (altered on disk, or another"
                            + " master key)", false);
                }
            }
            Path contents = work.resolve("contents");
            ReceivedReportOpener.Opened opened = current().opener().open(file, report.reportId(), contents);
            if (file != stored) {
                Files.delete(file);
            }
            return new OpenedReport(report.reportId(), contents, opened.metadata(), report.arrival(), report.kind(),
                    report.sha256(), hashes(contents, opened.files()), clock.instant());
        } catch (OpeningFailedException e) {
            throw new OpenFailure(e.retryable() ? e.reason() + "; retried later" : e.reason(), e.retryable(), e);
        } catch (IOException e) {
            throw new OpenFailure("it could not be opened for a disk error (" + e.getClass().getSimpleName()
                    + "); retried later", true, e);
        }
    }

    /** An opener and the key files it was made from. */
    private record Loaded(List<String> seen, ReceivedReportOpener opener, List<String> kids) {
    }

    private Loaded load(List<String> seen, List<PrivateKey> keys) throws IOException {
        ReportKeys reportKeys = new ReportKeys(trustedKeyServers, keyServers, keys, true, OPTIONS);
        return new Loaded(seen, new ReceivedReportOpener(reportKeys), reportKeys.kids());
    }

    /** The opener with the folder's keys as they are now: read again when a key file was added, changed or removed. */
    private Loaded current() {
        Loaded now = loaded;
        if (privateKeys == null) {
            return now;
        }
        List<String> seen = keyFiles(now.seen());
        if (seen.equals(now.seen())) {
            return now;
        }
        synchronized (this) {
            if (!seen.equals(loaded.seen())) {
                try {
                    loaded = load(seen, ReportKeys.readPrivateKeys(privateKeys));
                    LOG.info("the private keys folder changed; {} key(s) held", loaded.kids().size());
                } catch (IOException | RuntimeException e) {
                    // Keep the keys read before: the reports they open go on; the log says what to fix.
                    loaded = new Loaded(seen, loaded.opener(), loaded.kids());
                    LOG.warn("the private keys folder changed but cannot be read ({}); the keys read before are kept",
                            e.getMessage());
                }
            }
            return loaded;
        }
    }

    /** Names, sizes and modification times of the folder's files; {@code before} when it cannot be listed. */
    private List<String> keyFiles(List<String> before) {
        if (privateKeys == null) {
            return List.of();
        }
        try (Stream<Path> all = Files.list(privateKeys)) {
            return all.filter(Files::isRegularFile).map(p -> {
                try {
                    return p.getFileName() + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            return before;
        }
    }

    private static URI origin(URI keyServer) {
        try {
            return PackageJson.originOf(keyServer.toString());
        } catch (MalformedReportException e) {
            throw new IllegalArgumentException("not a key server URL: " + keyServer);
        }
    }

    private static Map<String, String> hashes(Path contents, List<String> names) throws IOException {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String name : names) {
            MessageDigest sha = sha256();
            try (InputStream in = Files.newInputStream(contents.resolve(name))) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
            hashes.put(name, HEX.formatHex(sha.digest()));
        }
        return hashes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
