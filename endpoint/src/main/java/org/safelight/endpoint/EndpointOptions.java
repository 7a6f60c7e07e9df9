package org.safelight.endpoint;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.safelight.endpoint.dicom.DicomSettings;
import org.safelight.endpoint.fhir.FhirSettings;
import picocli.CommandLine.Option;

/**
 * The endpoint role's configuration group: {@code serve} adds it with {@code @Mixin}, and fills each
 * flag also from {@code SAFELIGHT_<FLAG>} and the config file. {@link #settings()} checks the values
 * and names the flag of a bad one.
 */
public final class EndpointOptions {
    /** The Key Server Token may also come from this environment variable (never a flag: it is a secret). */
    public static final String KEY_SERVER_TOKEN_ENV = "SAFELIGHT_ENDPOINT_KEY_SERVER_TOKEN";

    @Option(names = "--endpoint-folder", paramLabel = "DIR",
            description = "Where reports are filed as DIR/{ReportID}/ (default: DATA_DIR/endpoint/filed).")
    Path folder;

    @Option(names = "--endpoint-received", paramLabel = "DIR",
            description = {"Where received files wait until every destination has them (default:"
                    + " DATA_DIR/endpoint/received).", "Instances sharing a database must share this folder"
                    + " (a network mount) and the master key: any of them may open any report."})
    Path received;

    @Option(names = "--endpoint-max-size", paramLabel = "BYTES",
            description = "The largest report file the endpoint takes (default: 4 GiB).")
    Long maxSize;

    @Option(names = "--endpoint-allow-plain-http",
            description = "Take plain (unencrypted) reports over plain HTTP. For testing only.")
    boolean allowPlainHttp;

    @Option(names = "--endpoint-senders", paramLabel = "FILE",
            description = "Wildcard patterns of who may send reports (default: DATA_DIR/endpoint/senders when present).")
    Path senders;

    @Option(names = "--endpoint-key-servers", paramLabel = "URL", split = ",",
            description = "Key servers trusted with the Key Server Token, for dynamic-key reports.")
    List<URI> keyServers = new ArrayList<>();

    @Option(names = "--endpoint-key-server-token-file", paramLabel = "FILE",
            description = "The enterprise's Key Server Token (or " + KEY_SERVER_TOKEN_ENV + ").")
    Path keyServerTokenFile;

    @Option(names = "--endpoint-private-keys", paramLabel = "DIR",
            description = "PKCS#8 PEM private keys for static-key reports, chosen by kid.")
    Path privateKeys;

    @Option(names = "--endpoint-enterprise", paramLabel = "ID",
            description = "The enterprise whose admins see every received report (default: the Key Server Token's).")
    String enterprise;

    @Option(names = "--endpoint-forward-url", paramLabel = "URL",
            description = "Also forward each report to this URL (a signed multipart POST).")
    URI forwardUrl;

    @Option(names = "--endpoint-forward-secret-file", paramLabel = "FILE",
            description = "The secret the forward's signature is made with.")
    Path forwardSecretFile;

    // DICOM destination (a PACS by DICOMweb STOW-RS)
    @Option(names = "--endpoint-dicom-url", paramLabel = "URL",
            description = "Also send each report's photos to this PACS's DICOMweb base (STOW-RS), e.g. https://pacs/dicom-web.")
    URI dicomUrl;

    @Option(names = "--endpoint-dicom-user", paramLabel = "USER",
            description = "The PACS's user (HTTP Basic).")
    String dicomUser;

    @Option(names = "--endpoint-dicom-password-file", paramLabel = "FILE",
            description = "The PACS user's password.")
    Path dicomPasswordFile;

    // FHIR destination (STU3 or R4; issue 11) --------------------------------------------------
    @Option(names = "--endpoint-fhir-url", paramLabel = "URL",
            description = "Also file each report into this FHIR server (its base URL, https://).")
    URI fhirUrl;

    @Option(names = "--endpoint-fhir-version", paramLabel = "stu3|r4",
            description = "The FHIR server's version (default: stu3).")
    String fhirVersion;

    @Option(names = "--endpoint-fhir-mode", paramLabel = "media|document",
            description = "media: Media + Binary + DocumentManifest (default); document (R4): DocumentReference + Binary.")
    String fhirMode;

    @Option(names = "--endpoint-fhir-auth", paramLabel = "none|basic|client-credentials",
            description = "How to authenticate to the FHIR server (default: basic with --endpoint-fhir-user,"
                    + " client-credentials with --endpoint-fhir-client-id, else none: testing only).")
    String fhirAuth;

    @Option(names = "--endpoint-fhir-user", paramLabel = "USER", description = "Basic: the FHIR server's user.")
    String fhirUser;

    @Option(names = "--endpoint-fhir-password-file", paramLabel = "FILE", description = "Basic: the user's password.")
    Path fhirPasswordFile;

    @Option(names = "--endpoint-fhir-token-url", paramLabel = "URL",
            description = "Client credentials: the OAuth2 token endpoint.")
    URI fhirTokenUrl;

    @Option(names = "--endpoint-fhir-client-id", paramLabel = "ID", description = "Client credentials: the client's ID.")
    String fhirClientId;

    @Option(names = "--endpoint-fhir-client-key-file", paramLabel = "FILE",
            description = "Client credentials: the client's private key (JWK or PEM; RS384/ES384 signed assertions).")
    Path fhirClientKeyFile;

    @Option(names = "--endpoint-fhir-client-secret-file", paramLabel = "FILE",
            description = "Client credentials: the client's secret (client_secret_basic), instead of a key.")
    Path fhirClientSecretFile;

    @Option(names = "--endpoint-fhir-scope", paramLabel = "SCOPES",
            description = "Client credentials: the scopes asked for (default: read Patient and Practitioner, write what is filed).")
    String fhirScope;

    @Option(names = "--endpoint-fhir-create-patients",
            description = "Let the institution's admins answer a parked report with \"create the patient\".")
    boolean fhirCreatePatients;

    @Option(names = "--endpoint-fhir-patient-id-system", paramLabel = "URI",
            description = "The identifier system of the patient IDs in reports (the hospital number's), when there is one.")
    String fhirPatientIdSystem;

    @Option(names = "--endpoint-fhir-practitioners", paramLabel = "FILE",
            description = "Senders' Practitioners, one 'email = Practitioner/ID' a line.")
    Path fhirPractitioners;

    @Option(names = "--endpoint-fhir-inline-limit", paramLabel = "BYTES",
            description = "Items up to this size go inline in their resource, bigger ones as raw Binary (default: 1 MiB; at"
                    + " most 16 MiB).")
    Long fhirInlineLimit;
    // ------------------------------------------------------------------------------------------

    @Option(names = "--endpoint-mailbox", paramLabel = "URL",
            description = "An IMAP(S) mailbox to take reports from: imaps://USER@HOST:PORT/INBOX.")
    String mailbox;

    @Option(names = "--endpoint-mailbox-password-file", paramLabel = "FILE",
            description = "The mailbox's password.")
    Path mailboxPasswordFile;

    @Option(names = "--endpoint-retry-limit", paramLabel = "N",
            description = "Attempts before a delivery or an opening is parked for a person (default: 8).")
    Integer retryLimit;

    @Option(names = "--endpoint-keep-received", paramLabel = "DAYS",
            description = "Days a received file is kept after every delivery (default: 30).")
    Integer keepReceivedDays;

    @Option(names = "--endpoint-trusted-origins", paramLabel = "URL,...", defaultValue = "",
            description = {"Web origins whose My Safelight pages may call the institution's view (CORS) (default:",
                "this server's own origin when it runs the web role, else none)."})
    String trustedOrigins;

    /** @throws IllegalArgumentException naming the flag of a value that cannot work */
    public EndpointSettings settings() {
        return settings(System.getenv());
    }

    EndpointSettings settings(Map<String, String> env) {
        for (URI server : keyServers) {
            String scheme = server.getScheme();
            if (!"https".equals(scheme) && !"http".equals(scheme) || server.getHost() == null) {
                throw new IllegalArgumentException("--endpoint-key-servers: not an http(s) URL: " + server);
            }
        }
        String token = env.get(KEY_SERVER_TOKEN_ENV);
        return new EndpointSettings(Optional.ofNullable(folder), Optional.ofNullable(received),
                maxSize == null ? EndpointSettings.DEFAULT_MAX_SIZE : maxSize, allowPlainHttp,
                Optional.ofNullable(senders), keyServers, Optional.ofNullable(keyServerTokenFile),
                Optional.ofNullable(token).filter(t -> !t.isBlank()), Optional.ofNullable(privateKeys),
                Optional.ofNullable(enterprise).filter(e -> !e.isBlank()), Optional.ofNullable(forwardUrl),
                Optional.ofNullable(forwardSecretFile), Optional.ofNullable(mailbox).filter(m -> !m.isBlank()),
                Optional.ofNullable(mailboxPasswordFile),
                retryLimit == null ? EndpointSettings.DEFAULT_RETRY_LIMIT : retryLimit,
                keepReceivedDays == null ? EndpointSettings.DEFAULT_KEEP_RECEIVED_DAYS : keepReceivedDays,
                trustedOrigins == null ? List.of() : Arrays.stream(trustedOrigins.split(",")).map(String::strip)
                        .filter(o -> !o.isEmpty()).toList(),
                DicomSettings.of(dicomUrl, dicomUser, dicomPasswordFile),
                FhirSettings.of(new FhirSettings.Flags(fhirUrl, fhirVersion, fhirMode, fhirAuth, fhirUser,
                        fhirPasswordFile, fhirTokenUrl, fhirClientId, fhirClientKeyFile, fhirClientSecretFile, fhirScope,
                        fhirCreatePatients, fhirPatientIdSystem, fhirPractitioners, fhirInlineLimit), allowPlainHttp));
    }
}
