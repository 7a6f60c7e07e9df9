package org.safelight.client.fhir.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseBinary;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.safelight.client.fhir.FhirAuth;
import org.safelight.client.fhir.FhirVersion;

/**
 * A real FHIR server for tests: HAPI FHIR's plain {@link RestfulServer} with in-memory resource
 * providers (Patient, Practitioner, Media, Binary, DocumentManifest, DocumentReference) on Jetty, at
 * {@code http://127.0.0.1:PORT/fhir}, for STU3 or R4.
 *
 * <p>It is strict where our code could be wrong: HAPI parses bodies with a {@link StrictErrorHandler}
 * (an unknown or wrongly typed element is a 400), relative references and {@code Binary/N}
 * attachment urls must name a stored resource (400), and every request needs the login
 * ({@link Options}: Basic {@value #USER} / {@value #PASSWORD} by default) or is a 401. Conditional
 * creates ({@code If-None-Exist: identifier=...} or {@code _tag=...}) return the one match (200)
 * or 412 for several. The data outlives {@link #stop()} and {@link #restart()} (same port).
 *
 * <p>Faults: {@link #failWhen} drops the answer to a request that matches (after it was stored) and
 * stops the server, so a client sees the connection die and later requests are refused until
 * {@link #restart()}. Thread-safe.
 */
public final class FhirTestServer implements AutoCloseable {
    public static final String USER = "fhir";
    public static final String PASSWORD = "fhir-secret";

    private static final Map<FhirVersion, FhirContext> CONTEXTS = new EnumMap<>(FhirVersion.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    // HAPI's own refusal chatter in tests is silenced by the shared logback-test.xml (server-kit).

    private final FhirVersion version;
    private final Options options;
    private final FhirContext context;
    private final ResourceStore store;
    private final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final JettyHost host;

    /** How clients log in. */
    public sealed interface Auth {
        record None() implements Auth {
        }

        record Basic(String user, String password) implements Auth {
        }

        /** {@code accepts} gets the token after {@code Bearer }. */
        record Bearer(Predicate<String> accepts) implements Auth {
        }
    }

    /**
     * @param auth the login every request needs
     * @param port 0 for a free port
     */
    public record Options(Auth auth, int port) {
        public Options {
            Objects.requireNonNull(auth, "auth");
        }

        /** Basic {@value FhirTestServer#USER} / {@value FhirTestServer#PASSWORD}, a free port. */
        public static Options defaults() {
            return basic(USER, PASSWORD);
        }

        public static Options basic(String user, String password) {
            return new Options(new Auth.Basic(user, password), 0);
        }

        public static Options noAuth() {
            return new Options(new Auth.None(), 0);
        }

        /** {@code Authorization: Bearer T} where {@code accepts.test(T)}. */
        public static Options bearer(Predicate<String> accepts) {
            return new Options(new Auth.Bearer(accepts), 0);
        }

        /** Exactly this bearer token, compared in constant time. */
        public static Options bearerToken(String token) {
            return bearer(Gate.constant(token));
        }

        public Options withPort(int port) {
            return new Options(auth, port);
        }
    }

    /** An armed fault: fires once, on the first recorded request that matches. */
    record Fault(Predicate<Recorded> when, boolean answerFirst) {
    }

    private FhirTestServer(FhirVersion version, Options options) {
        this.version = version;
        this.options = options;
        this.context = context(version);
        this.store = new ResourceStore(context);
        this.host = new JettyHost(() -> new Gate(this, options), this::restfulServer);
    }

    /** Started with {@link Options#defaults()}. */
    public static FhirTestServer start(FhirVersion version) {
        return start(version, Options.defaults());
    }

    public static FhirTestServer start(FhirVersion version, Options options) {
        FhirTestServer server = new FhirTestServer(version, options);
        server.host.start(options.port());
        return server;
    }

    /** The strict HAPI context of a version (one per JVM: building one takes a while). */
    public static FhirContext context(FhirVersion version) {
        synchronized (CONTEXTS) {
            return CONTEXTS.computeIfAbsent(version, v -> {
                FhirContext c = v == FhirVersion.STU3 ? FhirContext.forDstu3() : FhirContext.forR4();
                c.setParserErrorHandler(new StrictErrorHandler());
                return c;
            });
        }
    }

    private RestfulServer restfulServer() {
        RestfulServer servlet = new RestfulServer(context);
        List<IResourceProvider> providers = new ArrayList<>(List.of(
                new PatientProvider(context, store),
                new PractitionerProvider(context, store),
                new IdentifiedProvider(context, store, "Media"),
                new IdentifiedProvider(context, store, "DocumentManifest"),
                new IdentifiedProvider(context, store, "DocumentReference"),
                new StoreProvider(context, store, "Binary")));
        servlet.setResourceProviders(providers);
        servlet.setDefaultResponseEncoding(EncodingEnum.JSON);
        return servlet;
    }

    /** {@code http://127.0.0.1:PORT/fhir}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + host.port() + "/fhir");
    }

    public int port() {
        return host.port();
    }

    public FhirVersion version() {
        return version;
    }

    /** The strict HAPI context of this server's version, to parse or build resources in tests. */
    public FhirContext context() {
        return context;
    }

    public Options options() {
        return options;
    }

    /** The client-side login matching a Basic server (for {@code FhirClient}). */
    public FhirAuth basicAuth() {
        if (options.auth() instanceof Auth.Basic basic) {
            return FhirAuth.basic(basic.user(), basic.password());
        }
        throw new IllegalStateException("this FHIR test server does not use Basic");
    }

    /**
     * Stores a patient directly (not over HTTP, not recorded).
     *
     * @param given       one given name, or null
     * @param birthDate   {@code YYYY-MM-DD} (or {@code YYYY}, {@code YYYY-MM}), or null
     * @param identifiers {@code system|value} or a bare {@code value}
     * @return {@code Patient/N}
     */
    public String addPatient(String given, String family, String birthDate, String... identifiers) {
        ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient");
        identifiers(patient, identifiers);
        patient.put("active", true);
        name(patient, null, given, family);
        if (birthDate != null) {
            patient.put("birthDate", birthDate);
        }
        return add(patient.toString());
    }

    /**
     * Stores a practitioner directly.
     *
     * @param prefix {@code Dr.} or null; {@code email} a telecom of system email, or null
     * @return {@code Practitioner/N}
     */
    public String addPractitioner(String prefix, String given, String family, String email, String... identifiers) {
        ObjectNode practitioner = JSON.createObjectNode().put("resourceType", "Practitioner");
        identifiers(practitioner, identifiers);
        practitioner.put("active", true);
        name(practitioner, prefix, given, family);
        if (email != null) {
            practitioner.putArray("telecom").addObject().put("system", "email").put("value", email);
        }
        return add(practitioner.toString());
    }

    /** Stores any resource given as JSON (parsed strictly); its references must resolve. */
    public String add(String json) {
        IBaseResource resource = context.newJsonParser().parseResource(json);
        return reference(store.add(resource));
    }

    private static void identifiers(ObjectNode resource, String... identifiers) {
        if (identifiers.length == 0) {
            return;
        }
        ArrayNode list = resource.putArray("identifier");
        for (String identifier : identifiers) {
            ObjectNode node = list.addObject();
            int bar = identifier.indexOf('|');
            if (bar >= 0) {
                node.put("system", identifier.substring(0, bar));
            }
            node.put("value", identifier.substring(bar + 1));
        }
    }

    private static void name(ObjectNode resource, String prefix, String given, String family) {
        ObjectNode name = resource.putArray("name").addObject();
        if (family != null) {
            name.put("family", family);
        }
        if (given != null) {
            name.putArray("given").add(given);
        }
        if (prefix != null) {
            name.putArray("prefix").add(prefix);
        }
    }

    /** The stored resources of a type, oldest first. Shared with the server: do not modify them. */
    public List<IBaseResource> resources(String type) {
        return store.all(type);
    }

    public int count(String type) {
        return store.all(type).size();
    }

    /** {@code Patient/3} (a full URL or a version suffix is fine too). */
    public IBaseResource read(String reference) {
        String ref = reference;
        int history = ref.indexOf("/_history/");
        if (history >= 0) {
            ref = ref.substring(0, history);
        }
        String[] parts = ref.split("/");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a reference Type/id: " + reference);
        }
        String type = parts[parts.length - 2];
        String id = parts[parts.length - 1];
        return store.read(type, id)
                .orElseThrow(() -> new IllegalArgumentException("the FHIR test server holds no " + type + "/" + id));
    }

    /** The resource as JSON (pretty), e.g. for {@code JsonNode} assertions. */
    public String json(String reference) {
        return context.newJsonParser().setPrettyPrint(true).encodeResourceToString(read(reference));
    }

    /** The bytes of a stored Binary (raw or JSON). */
    public byte[] binaryBytes(String reference) {
        IBaseResource resource = read(reference);
        if (!(resource instanceof IBaseBinary binary)) {
            throw new IllegalArgumentException(reference + " is not a Binary");
        }
        byte[] content = binary.getContent();
        return content == null ? new byte[0] : content.clone();
    }

    /** {@code Type/N} of a stored resource. */
    public String reference(IBaseResource resource) {
        return resource.getIdElement().toUnqualifiedVersionless().getValue();
    }

    /** Every request so far, oldest first (a copy). */
    public List<Recorded> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public void clearRequests() {
        requests.clear();
    }

    void record(Recorded recorded) {
        requests.add(recorded);
    }

    /**
     * Arms a fault: the first request that matches (evaluated after HAPI handled it, so a create is
     * stored) gets no answer, its connection is closed, and the server stops (in the background);
     * later requests are refused until {@link #restart()}. While armed, answers other than to a GET
     * are held back to be able to drop them; a matching GET (a search, a read) is answered, then the
     * server dies. One-shot; arming again replaces it. The predicate runs on a request thread.
     */
    public void failWhen(Predicate<Recorded> when) {
        fault.set(new Fault(when, false));
    }

    /** Like {@link #failWhen}, but the matching request is answered before the server stops. */
    public void stopAfter(Predicate<Recorded> when) {
        fault.set(new Fault(when, true));
    }

    public void disarm() {
        fault.set(null);
    }

    Fault armedFault() {
        return fault.get();
    }

    /**
     * If this fault is still armed and matches, it is spent and the server dies: see
     * {@link JettyHost#dieAfterAnswer()}. Null when the fault does not fire.
     */
    CountDownLatch fire(Fault armed, Recorded recorded) {
        if (!armed.when().test(recorded) || !fault.compareAndSet(armed, null)) {
            return null;
        }
        return host.dieAfterAnswer();
    }

    boolean stopping() {
        return host.stopping();
    }

    /** True while the server accepts connections. */
    public boolean running() {
        return host.running();
    }

    /** Stops the HTTP server (waits for a fault's stop first); the data stays. Not from a request thread. */
    public void stop() {
        host.stop();
    }

    /** Starts again on the same port with the same data (waits for a fault's stop first). */
    public void restart() {
        host.restart();
    }

    @Override
    public void close() {
        disarm();
        host.stop();
    }
}
