package org.safelight.client.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A FHIR server over HTTP (java.net.http), STU3 or R4 JSON: the searches and creates filing needs.
 * Requests carry {@link FhirAuth}'s header; a 401 drops a cached token and the request is tried
 * once more. Bodies stream: a raw Binary is sent from its file, never held whole in memory, and
 * answers are read up to a bound. Searches follow the Bundle's {@code next} links on the server's
 * own origin only (our credentials never go to another host), up to {@link #MAX_ENTRIES} entries;
 * an answer cut short by that bound says so ({@link FhirResults#truncated()}).
 * Failures are {@link FhirException}s naming the call and the server's answer, never a body with
 * patient data, a search's parameters or a credential. Thread-safe.
 */
public final class FhirClient implements FhirSearch {
    /** The most entries a search returns, over all its pages. */
    public static final int MAX_ENTRIES = 200;
    static final String FHIR_JSON = "application/fhir+json";
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAGES = 50;
    /** Answers are JSON resources or Bundles of 200 entries at most: nothing near this. */
    private static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;
    private static final int SMALL_ANSWER_BYTES = 256 * 1024;
    private static final Pattern ID = Pattern.compile("(?!\\.+$)[A-Za-z0-9\\-.]{1,64}"); // not only dots: a path step
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    /** An OperationOutcome's IssueType code: lower-case letters and '-', as the value set has them. */
    private static final Pattern ISSUE_CODE = Pattern.compile("[a-z][a-z-]{0,39}");

    private final URI base;
    private final String baseText;
    private final FhirVersion version;
    private final FhirAuth auth;
    private final Duration timeout;
    private final HttpClient http;

    /** @param base the server's base URL, such as {@code https://fhir.example.org/r4} (no trailing slash needed) */
    public FhirClient(URI base, FhirVersion version, FhirAuth auth) {
        this(base, version, auth, Duration.ofSeconds(60));
    }

    /** @param timeout for each request's answer; uploads of big files get their own, longer one */
    public FhirClient(URI base, FhirVersion version, FhirAuth auth, Duration timeout) {
        String text = base.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        this.base = URI.create(text);
        if (this.base.getScheme() == null || this.base.getHost() == null
                || !(this.base.getScheme().equalsIgnoreCase("http") || this.base.getScheme().equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("a FHIR base URL is http(s)://host[:port]/path");
        }
        if (this.base.getRawQuery() != null || this.base.getRawFragment() != null) {
            throw new IllegalArgumentException("a FHIR base URL has no query or fragment");
        }
        this.baseText = text;
        this.version = version;
        this.auth = auth;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Whether {@code value} is a relative reference {@code type/id} with a FHIR id (1 to 64 letters,
     * digits, '-' and '.', not only dots: never a path step): the one check of references a person,
     * a mapping or a server gives us.
     */
    public static boolean isReference(String type, String value) {
        String prefix = type + "/";
        return value != null && value.startsWith(prefix) && ID.matcher(value.substring(prefix.length())).matches();
    }

    public URI base() {
        return base;
    }

    public FhirVersion version() {
        return version;
    }

    public FhirAuth auth() {
        return auth;
    }

    public Duration timeout() {
        return timeout;
    }

    @Override
    public FhirResults<FhirPatient> patients(Map<String, String> query) throws FhirException {
        return search("Patient", query, FhirReading::patient);
    }

    @Override
    public FhirResults<FhirPractitioner> practitioners(Map<String, String> query) throws FhirException {
        return search("Practitioner", query, FhirReading::practitioner);
    }

    /** {@code GET /Patient/{id}}; empty on 404 or 410. */
    public Optional<FhirPatient> patient(String reference) throws FhirException {
        String id = reference.startsWith("Patient/") ? reference.substring("Patient/".length()) : reference;
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a Patient reference");
        }
        Answer answer = send("GET", "Patient", () -> request(URI.create(baseText + "/Patient/" + id), timeout).GET());
        if (answer.status == 404 || answer.status == 410) {
            return Optional.empty();
        }
        JsonNode body = expectOk("GET", "Patient", answer);
        if (!"Patient".equals(body.path("resourceType").asText())) {
            throw new FhirException("GET Patient: the FHIR server answered " + answer.status + " without a Patient", answer.status, false);
        }
        return Optional.of(FhirReading.patient(body));
    }

    /** {@code GET /Practitioner/{id}}; empty on 404 or 410. */
    public Optional<FhirPractitioner> practitioner(String reference) throws FhirException {
        String id = reference.startsWith("Practitioner/") ? reference.substring("Practitioner/".length()) : reference;
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a Practitioner reference");
        }
        Answer answer = send("GET", "Practitioner",
                () -> request(URI.create(baseText + "/Practitioner/" + id), timeout).GET());
        if (answer.status == 404 || answer.status == 410) {
            return Optional.empty();
        }
        JsonNode body = expectOk("GET", "Practitioner", answer);
        if (!"Practitioner".equals(body.path("resourceType").asText())) {
            throw new FhirException("GET Practitioner: the FHIR server answered " + answer.status
                    + " without a Practitioner", answer.status, false);
        }
        return Optional.of(FhirReading.practitioner(body));
    }

    /**
     * {@code POST /{resourceType}} of a JSON resource, conditionally ({@code If-None-Exist}) when
     * given: the search that finds an existing copy, such as {@code identifier=urn:safelight:item|R/I}.
     *
     * @return the created (or found) resource's {@code Type/id}, from Location or the answer's body
     */
    public String create(ObjectNode resource, Optional<String> ifNoneExist) throws FhirException {
        return createOrFind(resource, ifNoneExist).reference();
    }

    /**
     * What a create did: {@code created} is false when a conditional create found a copy the server
     * already had (200 rather than 201); {@code body} is the answer's resource, empty when the server
     * returned none.
     */
    public record Created(String reference, boolean created, JsonNode body) {
    }

    /**
     * Like {@link #create}, telling a resource created (201) from one a conditional create found
     * (200). A 412 (several matches) is a non-retryable {@link FhirException} with status 412.
     */
    public Created createOrFind(ObjectNode resource, Optional<String> ifNoneExist) throws FhirException {
        String type = resource.path("resourceType").asText();
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("a resource to create names its resourceType");
        }
        byte[] body = resource.toString().getBytes(StandardCharsets.UTF_8);
        Answer answer = send("POST", type, () -> {
            HttpRequest.Builder b = request(URI.create(baseText + "/" + type), timeout)
                    .header("Content-Type", FHIR_JSON + "; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            ifNoneExist.ifPresent(search -> b.header("If-None-Exist", search));
            return b;
        });
        String reference = created("POST", type, answer);
        return new Created(reference, ifNoneExist.isEmpty() || answer.status == 201, answer.body);
    }

    /** {@code GET /{Type}/{id}} of any resource as JSON; empty on 404 or 410. */
    public Optional<JsonNode> read(String reference) throws FhirException {
        int slash = reference.indexOf('/');
        String type = slash < 0 ? "" : reference.substring(0, slash);
        String id = slash < 0 ? "" : reference.substring(slash + 1);
        if (!TYPE.matcher(type).matches() || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a Type/id reference");
        }
        Answer answer = send("GET", type, () -> request(URI.create(baseText + "/" + type + "/" + id), timeout).GET());
        if (answer.status == 404 || answer.status == 410) {
            return Optional.empty();
        }
        JsonNode body = expectOk("GET", type, answer);
        if (!type.equals(body.path("resourceType").asText())) {
            throw new FhirException("GET " + type + ": the FHIR server answered " + answer.status + " without a " + type,
                    answer.status, false);
        }
        return Optional.of(body);
    }

    /** A search of any resource type ({@code GET /{Type}?query}), the resources as JSON, up to {@link #MAX_ENTRIES}. */
    public List<JsonNode> resources(String type, Map<String, String> query) throws FhirException {
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("not a resource type");
        }
        return search(type, query, resource -> resource);
    }

    /** {@code POST /Binary} with the file as the raw body ({@code Content-Type: contentType}), streamed. */
    public String createBinary(Path file, String contentType) throws FhirException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new FhirException("POST Binary: cannot read the file to upload", 0, false, e);
        }
        Duration uploadTimeout = uploadTimeout(size);
        // the answer need not repeat the upload (some servers would, base64'd): the Location names it
        Answer answer = send("POST", "Binary", SMALL_ANSWER_BYTES, () -> request(URI.create(baseText + "/Binary"), uploadTimeout)
                .header("Content-Type", contentType).header("Prefer", "return=minimal")
                .POST(ofFile(file)));
        return created("POST", "Binary", answer);
    }

    /** Long enough for a slow link: the usual timeout or 60 s, plus a second for every 4 MB. */
    Duration uploadTimeout(long size) {
        Duration floor = timeout.compareTo(Duration.ofSeconds(60)) > 0 ? timeout : Duration.ofSeconds(60);
        return floor.plusSeconds(size / (4L * 1024 * 1024));
    }

    private static HttpRequest.BodyPublisher ofFile(Path file) throws FhirException {
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw new FhirException("POST Binary: cannot read the file to upload", 0, false, e);
        }
    }

    private <T> FhirResults<T> search(String type, Map<String, String> query, Function<JsonNode, T> reader)
            throws FhirException {
        StringBuilder url = new StringBuilder(baseText).append('/').append(type);
        char separator = '?';
        for (Map.Entry<String, String> p : query.entrySet()) {
            url.append(separator).append(Encoding.query(p.getKey())).append('=').append(Encoding.query(p.getValue()));
            separator = '&';
        }
        List<T> found = new ArrayList<>();
        URI next = URI.create(url.toString());
        boolean dropped = false;
        long total = -1;
        for (int page = 0; next != null && page < MAX_PAGES && found.size() < MAX_ENTRIES; page++) {
            URI uri = next;
            Answer answer = send("GET", type, () -> request(uri, timeout).GET());
            JsonNode bundle = expectOk("GET", type, answer);
            if (!"Bundle".equals(bundle.path("resourceType").asText())) {
                throw new FhirException("GET " + type + ": the FHIR server answered a search without a Bundle", answer.status, false);
            }
            if (bundle.path("total").canConvertToLong()) {
                total = Math.max(total, bundle.path("total").asLong());
            }
            for (JsonNode entry : bundle.path("entry")) {
                JsonNode resource = entry.path("resource");
                if (type.equals(resource.path("resourceType").asText())) {
                    if (found.size() < MAX_ENTRIES) {
                        found.add(reader.apply(resource));
                    } else {
                        dropped = true;
                    }
                }
            }
            next = nextPage(type, bundle);
        }
        // cut short: a next page not followed, entries beyond the bound, or a total above what was read
        return FhirResults.of(found, next != null || dropped || total > found.size());
    }

    /** The Bundle's {@code next} link, which must stay on the server's own origin. */
    private URI nextPage(String type, JsonNode bundle) throws FhirException {
        for (JsonNode link : bundle.path("link")) {
            if ("next".equals(link.path("relation").asText())) {
                String href = link.path("url").asText("");
                URI uri;
                try {
                    uri = base.resolve(href);
                } catch (IllegalArgumentException e) {
                    throw new FhirException("GET " + type + ": the FHIR server's next page link is not a URL", 200, false);
                }
                if (!sameOrigin(uri, base)) {
                    throw new FhirException("GET " + type + ": refused to follow the next page link to another host ("
                            + Encoding.origin(uri) + "): our credentials go to " + Encoding.origin(base) + " only", 200, false);
                }
                return uri;
            }
        }
        return null;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && b.getScheme() != null && a.getHost() != null && b.getHost() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b) && a.getRawUserInfo() == null;
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private HttpRequest.Builder request(URI uri, Duration requestTimeout) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", FHIR_JSON);
    }

    private interface RequestMaker {
        HttpRequest.Builder make() throws FhirException;
    }

    private Answer send(String method, String type, RequestMaker maker) throws FhirException {
        return send(method, type, MAX_ANSWER_BYTES, maker);
    }

    private record Answer(int status, Optional<String> location, JsonNode body) {
    }

    /** Sends with the auth header; on a 401 tells the auth and tries once more with a fresh header. */
    private Answer send(String method, String type, int answerLimit, RequestMaker maker) throws FhirException {
        Answer answer = sendOnce(method, type, answerLimit, maker);
        if (answer.status == 401) {
            auth.rejected();
            answer = sendOnce(method, type, answerLimit, maker);
            if (answer.status == 401) {
                throw new FhirException(method + " " + type + ": the FHIR server refused the credentials ("
                        + auth.describe() + "), twice", 401, false);
            }
        }
        return answer;
    }

    private Answer sendOnce(String method, String type, int answerLimit, RequestMaker maker) throws FhirException {
        HttpRequest.Builder builder = maker.make();
        Optional<String> authorization = auth.authorization();
        authorization.ifPresent(value -> builder.header("Authorization", value));
        HttpRequest request = builder.build();
        String what = method + " " + type;
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            JsonNode body;
            try (InputStream in = response.body()) {
                body = parse(in.readNBytes(answerLimit));
            }
            return new Answer(response.statusCode(), response.headers().firstValue("Location")
                    .or(() -> response.headers().firstValue("Content-Location")), body);
        } catch (HttpTimeoutException e) {
            throw new FhirException(what + ": no answer from " + Encoding.origin(base) + " in time", 0, true, e);
        } catch (ConnectException e) {
            throw new FhirException(what + ": cannot connect to " + Encoding.origin(base), 0, true, e);
        } catch (IOException e) {
            throw new FhirException(what + ": the connection to " + Encoding.origin(base)
                    + " broke before it answered (" + e.getClass().getSimpleName() + ")", 0, true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FhirException(what + ": interrupted", 0, true, e);
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static JsonNode expectOk(String method, String type, Answer answer) throws FhirException {
        if (answer.status < 200 || answer.status > 299) {
            throw failure(method, type, answer);
        }
        return answer.body;
    }

    private String created(String method, String type, Answer answer) throws FhirException {
        JsonNode body = expectOk(method, type, answer);
        Optional<String> fromLocation = answer.location.flatMap(location -> reference(type, location));
        if (fromLocation.isPresent()) {
            return fromLocation.get();
        }
        String id = body.path("id").asText("");
        if (type.equals(body.path("resourceType").asText()) && ID.matcher(id).matches()) {
            return type + "/" + id;
        }
        throw new FhirException(method + " " + type + ": the FHIR server answered " + answer.status
                + " but named no created resource (no Location, no id)", answer.status, false);
    }

    /** {@code Type/id} from a Location such as {@code https://h/fhir/Media/12/_history/1}. */
    Optional<String> reference(String type, String location) {
        String path = location.strip();
        if (path.startsWith(baseText + "/")) {
            path = path.substring(baseText.length() + 1);
        } else {
            try {
                URI uri = base.resolve(path);
                path = uri.getRawPath() == null ? "" : uri.getRawPath();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int history = path.indexOf("/_history");
        if (history >= 0) {
            path = path.substring(0, history);
        }
        String[] parts = path.split("/");
        if (parts.length < 2) {
            return Optional.empty();
        }
        String foundType = parts[parts.length - 2];
        String id = parts[parts.length - 1];
        if (!foundType.equals(type) || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return Optional.of(type + "/" + id);
    }

    private static FhirException failure(String method, String type, Answer answer) {
        int status = answer.status;
        boolean retryable = status == 408 || status == 429 || status >= 500;
        StringBuilder message = new StringBuilder(method).append(' ').append(type)
                .append(": the FHIR server answered ").append(status);
        String diagnostics = diagnostics(answer.body);
        if (!diagnostics.isEmpty()) {
            message.append(": ").append(diagnostics);
        }
        return new FhirException(message.toString(), status, retryable);
    }

    /**
     * The OperationOutcome's issue types ({@code invalid}, {@code duplicate}, {@code required},
     * {@code login}...), at most three, as {@code "issue: invalid, required"}; empty when there are
     * none. Only coded values: a server's diagnostics and details text often echo what it was sent
     * (a patient's name, a birth date), and this message goes to logs and the admin's page.
     */
    static String diagnostics(JsonNode body) {
        if (!"OperationOutcome".equals(body.path("resourceType").asText())) {
            return "";
        }
        java.util.Set<String> codes = new java.util.LinkedHashSet<>();
        for (JsonNode issue : body.path("issue")) {
            String code = issue.path("code").asText("");
            if (ISSUE_CODE.matcher(code).matches() && codes.size() < 3) {
                codes.add(code);
            }
        }
        return codes.isEmpty() ? "" : "issue: " + String.join(", ", codes);
    }
}
