package org.safelight.endpoint;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.safelight.endpoint.dicom.DicomSettings;
import org.safelight.endpoint.fhir.FhirSettings;
import org.safelight.server.http.Cors;

/**
 * The endpoint role's settings, as {@link EndpointOptions} read them from {@code --endpoint-*}
 * flags (each also from {@code SAFELIGHT_ENDPOINT_*} and the config file). Paths left empty take
 * their defaults under the data folder when the role is built. Immutable; {@link #toString()}
 * shows no secret.
 *
 * @param folder              the folder destination's {@code DIR} (default {@code DATA_DIR/endpoint/filed})
 * @param received            where received files are kept until delivered (default {@code
 *                            DATA_DIR/endpoint/received}); instances sharing a database must share it
 * @param maxSize             the largest report file taken, in bytes
 * @param allowPlainHttp      take plain reports over plain HTTP (testing only)
 * @param senders             the senders pattern file (default {@code DATA_DIR/endpoint/senders} when present)
 * @param keyServers          key servers trusted with the Key Server Token (dynamic-key reports)
 * @param keyServerTokenFile  the file holding the enterprise's Key Server Token
 * @param keyServerToken      the token itself, from {@code SAFELIGHT_ENDPOINT_KEY_SERVER_TOKEN}
 * @param privateKeys         the folder of PKCS#8 PEM private keys (static-key reports)
 * @param enterprise          the enterprise whose admins see the institution's page
 * @param forwardUrl          the HTTP forward destination, with {@code forwardSecretFile}
 * @param mailbox             {@code imaps://USER@HOST:PORT/INBOX}, with {@code mailboxPasswordFile}
 * @param retryLimit          attempts before a step is parked
 * @param keepReceivedDays    days a received file is kept after every delivery
 * @param trustedOrigins      web origins whose pages may call the institution's view (CORS); empty: this
 *                            server's own when it runs the web role, else none
 * @param dicom               the DICOM destination (a PACS by STOW-RS), when configured
 * @param fhir                the FHIR destination (STU3 or R4), when configured
 */
public record EndpointSettings(Optional<Path> folder, Optional<Path> received, long maxSize, boolean allowPlainHttp, Optional<Path> senders,
                               List<URI> keyServers, Optional<Path> keyServerTokenFile, Optional<String> keyServerToken,
                               Optional<Path> privateKeys, Optional<String> enterprise, Optional<URI> forwardUrl,
                               Optional<Path> forwardSecretFile, Optional<String> mailbox,
                               Optional<Path> mailboxPasswordFile, int retryLimit, int keepReceivedDays,
                               List<String> trustedOrigins, Optional<DicomSettings> dicom,
                               Optional<FhirSettings> fhir) {
    public static final long DEFAULT_MAX_SIZE = 4L << 30;
    public static final int DEFAULT_RETRY_LIMIT = 8;
    public static final int DEFAULT_KEEP_RECEIVED_DAYS = 30;

    public EndpointSettings {
        Objects.requireNonNull(folder);
        Objects.requireNonNull(received);
        Objects.requireNonNull(senders);
        Objects.requireNonNull(dicom);
        Objects.requireNonNull(fhir);
        keyServers = List.copyOf(keyServers);
        trustedOrigins = List.copyOf(trustedOrigins);
        try {
            new Cors(trustedOrigins);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--endpoint-trusted-origins: " + e.getMessage());
        }
        if (maxSize < 1) {
            throw new IllegalArgumentException("--endpoint-max-size must be a positive number of bytes");
        }
        if (retryLimit < 1) {
            throw new IllegalArgumentException("--endpoint-retry-limit must be at least 1");
        }
        if (keepReceivedDays < 0) {
            throw new IllegalArgumentException("--endpoint-keep-received must be 0 or more days");
        }
        if (forwardUrl.isPresent() != forwardSecretFile.isPresent()) {
            throw new IllegalArgumentException("--endpoint-forward-url and --endpoint-forward-secret-file go together");
        }
        if (mailbox.isPresent() != mailboxPasswordFile.isPresent()) {
            throw new IllegalArgumentException("--endpoint-mailbox and --endpoint-mailbox-password-file go together");
        }
        if (senders.isPresent() && !Files.isRegularFile(senders.get())) {
            throw new IllegalArgumentException("--endpoint-senders: no such file " + senders.get());
        }
        if (privateKeys.isPresent() && !Files.isDirectory(privateKeys.get())) {
            throw new IllegalArgumentException("--endpoint-private-keys: no such folder " + privateKeys.get());
        }
        if (keyServerTokenFile.isPresent() && !Files.isReadable(keyServerTokenFile.get())) {
            throw new IllegalArgumentException("--endpoint-key-server-token-file: cannot read " + keyServerTokenFile.get());
        }
    }

    /** The defaults: the folder under the data folder, 4 GiB, 8 attempts, 30 days, nothing else. */
    public static EndpointSettings defaults() {
        return new EndpointSettings(Optional.empty(), Optional.empty(), DEFAULT_MAX_SIZE, false, Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_RETRY_LIMIT, DEFAULT_KEEP_RECEIVED_DAYS,
                List.of(), Optional.empty(), Optional.empty());
    }

    public EndpointSettings withFolder(Path dir) {
        return new EndpointSettings(Optional.of(dir), received, maxSize, allowPlainHttp, senders, keyServers, keyServerTokenFile,
                keyServerToken, privateKeys, enterprise, forwardUrl, forwardSecretFile, mailbox, mailboxPasswordFile,
                retryLimit, keepReceivedDays, trustedOrigins, dicom, fhir);
    }

    /** Received files in {@code dir}: a folder every instance on the same database reaches. */
    public EndpointSettings withReceived(Path dir) {
        return new EndpointSettings(folder, Optional.of(dir), maxSize, allowPlainHttp, senders, keyServers,
                keyServerTokenFile, keyServerToken, privateKeys, enterprise, forwardUrl, forwardSecretFile, mailbox,
                mailboxPasswordFile, retryLimit, keepReceivedDays, trustedOrigins, dicom, fhir);
    }

    public EndpointSettings withMaxSize(long bytes) {
        return new EndpointSettings(folder, received, bytes, allowPlainHttp, senders, keyServers, keyServerTokenFile,
                keyServerToken, privateKeys, enterprise, forwardUrl, forwardSecretFile, mailbox, mailboxPasswordFile,
                retryLimit, keepReceivedDays, trustedOrigins, dicom, fhir);
    }

    public EndpointSettings withAllowPlainHttp(boolean allow) {
        return new EndpointSettings(folder, received, maxSize, allow, senders, keyServers, keyServerTokenFile,
                keyServerToken, privateKeys, enterprise, forwardUrl, forwardSecretFile, mailbox, mailboxPasswordFile,
                retryLimit, keepReceivedDays, trustedOrigins, dicom, fhir);
    }

    public EndpointSettings withKeys(List<URI> servers, String token, Path privateKeyFolder) {
        return new EndpointSettings(folder, received, maxSize, allowPlainHttp, senders, servers, keyServerTokenFile,
                Optional.ofNullable(token), Optional.ofNullable(privateKeyFolder), enterprise, forwardUrl,
                forwardSecretFile, mailbox, mailboxPasswordFile, retryLimit, keepReceivedDays, trustedOrigins, dicom, fhir);
    }

    public EndpointSettings withRetryLimit(int limit) {
        return new EndpointSettings(folder, received, maxSize, allowPlainHttp, senders, keyServers, keyServerTokenFile,
                keyServerToken, privateKeys, enterprise, forwardUrl, forwardSecretFile, mailbox, mailboxPasswordFile,
                limit, keepReceivedDays, trustedOrigins, dicom, fhir);
    }

    /** With {@code origins} as the web origins whose pages may call the institution's view. */
    public EndpointSettings withTrustedOrigins(List<String> origins) {
        return new EndpointSettings(folder, received, maxSize, allowPlainHttp, senders, keyServers, keyServerTokenFile,
                keyServerToken, privateKeys, enterprise, forwardUrl, forwardSecretFile, mailbox, mailboxPasswordFile,
                retryLimit, keepReceivedDays, origins, dicom, fhir);
    }

    /** With the DICOM destination (a PACS by STOW-RS). */
    public EndpointSettings withDicom(DicomSettings settings) {
        return new EndpointSettings(folder, received, maxSize, allowPlainHttp, senders, keyServers, keyServerTokenFile,
                keyServerToken, privateKeys, enterprise, forwardUrl, forwardSecretFile, mailbox, mailboxPasswordFile,
                retryLimit, keepReceivedDays, trustedOrigins, Optional.of(settings), fhir);
    }

    /** With the FHIR destination. */
    public EndpointSettings withFhir(FhirSettings settings) {
        return new EndpointSettings(folder, received, maxSize, allowPlainHttp, senders, keyServers, keyServerTokenFile,
                keyServerToken, privateKeys, enterprise, forwardUrl, forwardSecretFile, mailbox, mailboxPasswordFile,
                retryLimit, keepReceivedDays, trustedOrigins, dicom, Optional.of(settings));
    }

    @Override
    public String toString() {
        return "EndpointSettings[folder=" + folder + ", received=" + received + ", maxSize=" + maxSize + ", allowPlainHttp=" + allowPlainHttp
                + ", keyServers=" + keyServers + ", keyServerToken=" + (keyServerToken.isPresent() ? "****" : "none")
                + ", retryLimit=" + retryLimit + ", dicom=" + dicom.map(DicomSettings::toString).orElse("none")
                + ", fhir=" + fhir.map(FhirSettings::describe).orElse("none") + "]";
    }
}
