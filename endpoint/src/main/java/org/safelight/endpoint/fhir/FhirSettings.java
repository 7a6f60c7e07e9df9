package org.safelight.endpoint.fhir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.safelight.client.fhir.FhirClient;
import org.safelight.client.fhir.FhirMode;
import org.safelight.client.fhir.FhirVersion;
import org.safelight.client.fhir.ReportFiler;

/**
 * The FHIR destination's configuration, from the {@code --endpoint-fhir-*} flags, checked as a whole
 * when the server starts ({@link #of}): every problem is one line naming the flag. Secrets are only
 * ever files (a password, a client secret, a client's private key), read when the destination is
 * built; {@link #toString()} and {@link #describe()} name no secret. Immutable.
 *
 * @param url               the FHIR server's base URL
 * @param version           STU3 (the seed's) or R4
 * @param mode              MEDIA (Media + Binary + DocumentManifest) or DOCUMENT (R4: DocumentReference + Binary)
 * @param auth              how requests are authenticated
 * @param user              Basic: the user
 * @param passwordFile      Basic: the file holding the password
 * @param tokenUrl          client credentials: the OAuth2 token endpoint
 * @param clientId          client credentials: the client's ID
 * @param clientKeyFile     client credentials: the client's private key (JWK or PEM), for private_key_jwt
 * @param clientSecretFile  client credentials: the client's secret, for client_secret_basic
 * @param scope             client credentials: the scopes asked for
 * @param createPatients    whether a person may answer "create the patient"
 * @param patientIdSystem   the identifier system of the report's patient IDs (hospital numbers), if the institution has one
 * @param practitioners     the mapping file's senders (lower-case email → {@code Practitioner/id})
 * @param practitionersFile where that mapping came from
 * @param inlineLimit       items up to this many bytes go inline (base64 in the resource), bigger ones as raw Binary
 */
public record FhirSettings(URI url, FhirVersion version, FhirMode mode, Auth auth, Optional<String> user,
                           Optional<Path> passwordFile, Optional<URI> tokenUrl, Optional<String> clientId,
                           Optional<Path> clientKeyFile, Optional<Path> clientSecretFile, String scope,
                           boolean createPatients, Optional<String> patientIdSystem, Map<String, String> practitioners,
                           Optional<Path> practitionersFile, long inlineLimit) {

    /** How the endpoint authenticates to the FHIR server. */
    public enum Auth {
        /** No authentication: testing only (a warning is logged at start). */
        NONE,
        /** HTTP Basic with {@code --endpoint-fhir-user} and {@code --endpoint-fhir-password-file}. */
        BASIC,
        /** OAuth2 client credentials, SMART backend services style. */
        CLIENT_CREDENTIALS;

        public String flag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** The scopes asked for by default: read patients and practitioners, write what filing creates. */
    public static final String DEFAULT_SCOPE = "system/Patient.read system/Practitioner.read system/Patient.write"
            + " system/Media.write system/Binary.write system/DocumentManifest.write system/DocumentReference.write";

    /** {@code --endpoint-fhir-inline-limit} at most: an inline item is held in memory whole, base64 and all. */
    public static final long MAX_INLINE_LIMIT = 16L * 1024 * 1024;
    /** An ID made only of dots is a path step, not an ID. */

    public FhirSettings {
        practitioners = Map.copyOf(practitioners);
    }

    /** The flags as given (null when absent); what was asked for, or nothing when no FHIR flag was given. */
    public record Flags(URI url, String version, String mode, String auth, String user, Path passwordFile, URI tokenUrl,
                        String clientId, Path clientKeyFile, Path clientSecretFile, String scope, boolean createPatients,
                        String patientIdSystem, Path practitionersFile, Long inlineLimit) {
    }

    /**
     * Checks the flags.
     *
     * @param allowPlainHttp {@code --endpoint-allow-plain-http}: without it an {@code http://} URL to
     *                       another machine is refused (reports and patient searches would cross the
     *                       network in the clear)
     * @return empty when no {@code --endpoint-fhir-*} flag was given
     * @throws IllegalArgumentException one line naming the flag at fault
     */
    public static Optional<FhirSettings> of(Flags f, boolean allowPlainHttp) {
        if (f.url() == null) {
            boolean any = f.version() != null || f.mode() != null || f.auth() != null || f.user() != null
                    || f.passwordFile() != null || f.tokenUrl() != null || f.clientId() != null
                    || f.clientKeyFile() != null || f.clientSecretFile() != null || f.scope() != null
                    || f.createPatients() || f.patientIdSystem() != null || f.practitionersFile() != null
                    || f.inlineLimit() != null;
            if (any) {
                throw new IllegalArgumentException("the --endpoint-fhir-* flags need --endpoint-fhir-url (the FHIR server's base URL)");
            }
            return Optional.empty();
        }
        URI url = web(f.url(), "--endpoint-fhir-url", allowPlainHttp);
        FhirVersion version = switch (lower(f.version(), "stu3")) {
            case "stu3", "dstu3" -> FhirVersion.STU3;
            case "r4" -> FhirVersion.R4;
            default -> throw new IllegalArgumentException("--endpoint-fhir-version is stu3 or r4");
        };
        FhirMode mode = switch (lower(f.mode(), "media")) {
            case "media" -> FhirMode.MEDIA;
            case "document" -> FhirMode.DOCUMENT;
            default -> throw new IllegalArgumentException("--endpoint-fhir-mode is media or document");
        };
        if (mode == FhirMode.DOCUMENT && version != FhirVersion.R4) {
            throw new IllegalArgumentException("--endpoint-fhir-mode document (DocumentReference + Binary) is for R4:"
                    + " add --endpoint-fhir-version r4");
        }
        String inferred = f.clientId() != null ? "client-credentials" : f.user() != null ? "basic" : "none";
        Auth auth = switch (lower(f.auth(), inferred)) {
            case "none" -> Auth.NONE;
            case "basic" -> Auth.BASIC;
            case "client-credentials" -> Auth.CLIENT_CREDENTIALS;
            default -> throw new IllegalArgumentException("--endpoint-fhir-auth is none, basic or client-credentials");
        };
        if (auth == Auth.BASIC) {
            if (f.user() == null || f.user().isBlank() || f.user().indexOf(':') >= 0) {
                throw new IllegalArgumentException("--endpoint-fhir-auth basic needs --endpoint-fhir-user (a name without ':')");
            }
            readable(f.passwordFile(), "--endpoint-fhir-password-file", "--endpoint-fhir-auth basic");
        } else if (f.user() != null || f.passwordFile() != null) {
            throw new IllegalArgumentException("--endpoint-fhir-user and --endpoint-fhir-password-file go with"
                    + " --endpoint-fhir-auth basic");
        }
        if (auth == Auth.CLIENT_CREDENTIALS) {
            if (f.tokenUrl() == null) {
                throw new IllegalArgumentException("--endpoint-fhir-auth client-credentials needs --endpoint-fhir-token-url");
            }
            web(f.tokenUrl(), "--endpoint-fhir-token-url", allowPlainHttp);
            if (f.clientId() == null || f.clientId().isBlank()) {
                throw new IllegalArgumentException("--endpoint-fhir-auth client-credentials needs --endpoint-fhir-client-id");
            }
            if ((f.clientKeyFile() == null) == (f.clientSecretFile() == null)) {
                throw new IllegalArgumentException("--endpoint-fhir-auth client-credentials needs exactly one of"
                        + " --endpoint-fhir-client-key-file (private_key_jwt) or --endpoint-fhir-client-secret-file");
            }
            if (f.clientKeyFile() != null) {
                readable(f.clientKeyFile(), "--endpoint-fhir-client-key-file", "");
            } else {
                readable(f.clientSecretFile(), "--endpoint-fhir-client-secret-file", "");
            }
        } else if (f.tokenUrl() != null || f.clientId() != null || f.clientKeyFile() != null
                || f.clientSecretFile() != null || f.scope() != null) {
            throw new IllegalArgumentException("--endpoint-fhir-token-url, -client-id, -client-key-file, -client-secret-file"
                    + " and -scope go with --endpoint-fhir-auth client-credentials");
        }
        if (f.patientIdSystem() != null && f.patientIdSystem().isBlank()) {
            throw new IllegalArgumentException("--endpoint-fhir-patient-id-system is an identifier system URI, such as"
                    + " urn:oid:1.2.3 or https://hospital.example/mrn");
        }
        if (f.inlineLimit() != null && f.inlineLimit() < 0) {
            throw new IllegalArgumentException("--endpoint-fhir-inline-limit is a number of bytes, 0 or more");
        }
        if (f.inlineLimit() != null && f.inlineLimit() > MAX_INLINE_LIMIT) {
            // An inline item is read whole and base64-encoded into one resource, in memory.
            throw new IllegalArgumentException("--endpoint-fhir-inline-limit is at most 16 MiB (" + MAX_INLINE_LIMIT
                    + " bytes); bigger items go as raw Binary");
        }
        Map<String, String> practitioners = f.practitionersFile() == null ? Map.of() : practitioners(f.practitionersFile());
        return Optional.of(new FhirSettings(url, version, mode, auth, Optional.ofNullable(f.user()),
                Optional.ofNullable(f.passwordFile()), Optional.ofNullable(f.tokenUrl()),
                Optional.ofNullable(f.clientId()).map(String::strip), Optional.ofNullable(f.clientKeyFile()),
                Optional.ofNullable(f.clientSecretFile()),
                f.scope() == null || f.scope().isBlank() ? DEFAULT_SCOPE : f.scope().strip(), f.createPatients(),
                Optional.ofNullable(f.patientIdSystem()).map(String::strip), practitioners,
                Optional.ofNullable(f.practitionersFile()),
                f.inlineLimit() == null ? ReportFiler.DEFAULT_INLINE_LIMIT : f.inlineLimit()));
    }

    /**
     * The mapping file: one {@code email = Practitioner/ID} a line; blank lines and lines starting
     * with {@code #} are skipped.
     */
    static Map<String, String> practitioners(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("--endpoint-fhir-practitioners: cannot read " + file);
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String email = eq < 0 ? "" : line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String ref = eq < 0 ? "" : line.substring(eq + 1).strip();
            if (email.indexOf('@') < 1 || !FhirClient.isReference("Practitioner", ref)) {
                throw new IllegalArgumentException("--endpoint-fhir-practitioners: line " + (i + 1) + " of " + file
                        + " is not 'email = Practitioner/ID'");
            }
            map.put(email, ref);
        }
        return map;
    }

    private static String lower(String value, String otherwise) {
        return value == null || value.isBlank() ? otherwise : value.strip().toLowerCase(Locale.ROOT);
    }

    private static void readable(Path file, String flag, String with) {
        if (file == null) {
            throw new IllegalArgumentException((with.isEmpty() ? "" : with + " needs ") + flag);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(flag + ": cannot read " + file);
        }
    }

    /** An http(s) URL; plain http only to this machine or with {@code --endpoint-allow-plain-http}. */
    static URI web(URI url, String flag, boolean allowPlainHttp) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new IllegalArgumentException(flag + " must be an https:// URL");
        }
        if (url.getRawUserInfo() != null) {
            // It would be logged and shown with the URL.
            throw new IllegalArgumentException(flag + " holds a user or password (user:password@host): give them with "
                    + (flag.equals("--endpoint-fhir-url") ? "--endpoint-fhir-user and --endpoint-fhir-password-file"
                    : "--endpoint-fhir-client-id and its key or secret file") + " instead");
        }
        String host = url.getHost();
        boolean local = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1");
        if (scheme.equals("http") && !local && !allowPlainHttp) {
            throw new IllegalArgumentException(flag + " is plain http:// to another machine: patient data and"
                    + " credentials would cross the network in the clear; use https:// (or --endpoint-allow-plain-http"
                    + " for testing)");
        }
        String text = url.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : url;
    }

    /** For {@code describe} and logs: where, which version and mode, how authenticated; no secret. */
    public String describe() {
        String how = switch (auth) {
            case NONE -> "no authentication (testing only)";
            case BASIC -> "basic as " + user.orElse("") + " (password ****)";
            case CLIENT_CREDENTIALS -> "client credentials as " + clientId.orElse("") + " at " + tokenUrl.map(URI::toString)
                    .orElse("") + (clientKeyFile.isPresent() ? " (private key ****)" : " (secret ****)");
        };
        return url + " " + version.name().toLowerCase(Locale.ROOT) + " " + mode.name().toLowerCase(Locale.ROOT) + ", " + how
                + (createPatients ? ", creates patients" : "") + patientIdSystem.map(s -> ", patient IDs in " + s).orElse("")
                + (practitioners.isEmpty() ? "" : ", " + practitioners.size() + " mapped sender(s)");
    }

    @Override
    public String toString() {
        return "FhirSettings[" + describe() + "]";
    }
}
