package org.safelight.client.fhir.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.util.FhirTerser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.instance.model.api.IPrimitiveType;

/**
 * The test server's resources, in memory, outliving the HTTP server's stops and restarts. Ids are
 * one sequence across types (1, 2, 3, ...), every resource is version 1. Thread-safe: every method
 * holds the store's lock, so a conditional create's search and insert are one step. Stored
 * resources are shared, not copied: callers do not modify them.
 */
final class ResourceStore {
    private final FhirContext context;
    private final FhirTerser terser;
    private final Map<String, Map<String, IBaseResource>> byType = new HashMap<>();
    private long nextId = 1;

    ResourceStore(FhirContext context) {
        this.context = context;
        this.terser = context.newTerser();
    }

    /** What a create did: stored the resource, or found the one its condition names. */
    record Outcome(IBaseResource resource, boolean created) {
    }

    synchronized Optional<IBaseResource> read(String type, String id) {
        return Optional.ofNullable(byType.getOrDefault(type, Map.of()).get(id));
    }

    synchronized List<IBaseResource> all(String type) {
        return List.copyOf(byType.getOrDefault(type, Map.of()).values());
    }

    synchronized List<IBaseResource> search(String type, Predicate<IBaseResource> matches) {
        return byType.getOrDefault(type, Map.of()).values().stream().filter(matches).toList();
    }

    synchronized int count(String type) {
        return byType.getOrDefault(type, Map.of()).size();
    }

    /**
     * Stores the resource under a new id ({@code Type/N}). Its required elements must be there (422)
     * and its local references must resolve (400).
     */
    synchronized IBaseResource add(IBaseResource resource) {
        RequiredElements.check(context, resource);
        checkReferences(resource);
        String type = context.getResourceType(resource);
        String id = Long.toString(nextId++);
        resource.setId(type + "/" + id + "/_history/1");
        resource.getMeta().setVersionId("1");
        resource.getMeta().setLastUpdated(new Date());
        byType.computeIfAbsent(type, t -> new LinkedHashMap<>()).put(id, resource);
        return resource;
    }

    /**
     * A create, conditional when {@code conditionalUrl} ({@code Type?identifier=system|value} or
     * {@code Type?_tag=system|code}) is given: one match is returned as it is, several are a 412.
     */
    synchronized Outcome create(IBaseResource resource, String conditionalUrl) {
        String type = context.getResourceType(resource);
        if (conditionalUrl != null && !conditionalUrl.isBlank()) {
            List<IBaseResource> matches = search(type, condition(conditionalUrl));
            if (matches.size() > 1) {
                throw new PreconditionFailedException("If-None-Exist matches " + matches.size() + " " + type + " resources");
            }
            if (matches.size() == 1) {
                return new Outcome(matches.get(0), false);
            }
        }
        return new Outcome(add(resource), true);
    }

    /** {@code identifier} and {@code _tag}, ANDed; any other parameter is a 400. */
    private Predicate<IBaseResource> condition(String conditionalUrl) {
        int q = conditionalUrl.indexOf('?');
        String query = q < 0 ? conditionalUrl : conditionalUrl.substring(q + 1);
        Predicate<IBaseResource> all = r -> true;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidRequestException("If-None-Exist is not name=value: " + conditionalUrl);
            }
            String name = pair.substring(0, eq);
            String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            Predicate<IBaseResource> one = switch (name) {
                case "identifier" -> r -> SearchMatch.token(value, identifiers(r));
                case "_tag" -> r -> SearchMatch.token(value, tags(r));
                default -> throw new InvalidRequestException(
                        "the test server's conditional creates take identifier and _tag, not " + name);
            };
            all = all.and(one);
        }
        return all;
    }

    /** The {@code [system, value]} pairs of {@code identifier} and {@code masterIdentifier}. */
    List<String[]> identifiers(IBaseResource resource) {
        List<String[]> codes = new ArrayList<>();
        var definition = context.getResourceDefinition(resource);
        for (String child : List.of("identifier", "masterIdentifier")) {
            if (definition.getChildByName(child) == null) {
                continue;
            }
            for (IBase identifier : terser.getValues(resource, child)) {
                codes.add(new String[] {terser.getSinglePrimitiveValueOrNull(identifier, "system"),
                        terser.getSinglePrimitiveValueOrNull(identifier, "value")});
            }
        }
        return codes;
    }

    List<String[]> tags(IBaseResource resource) {
        List<String[]> codes = new ArrayList<>();
        for (IBaseCoding tag : resource.getMeta().getTag()) {
            codes.add(new String[] {tag.getSystem(), tag.getCode()});
        }
        return codes;
    }

    /** The primitive values at a FHIRPath-like terser path, e.g. {@code name.given}. */
    List<String> strings(IBase element, String path) {
        List<String> values = new ArrayList<>();
        for (IBase value : terser.getValues(element, path)) {
            if (value instanceof IPrimitiveType<?> primitive && primitive.getValueAsString() != null) {
                values.add(primitive.getValueAsString());
            }
        }
        return values;
    }

    /** Telecom values of the given system ({@code email}, {@code phone}). */
    List<String> telecoms(IBaseResource resource, String system) {
        List<String> values = new ArrayList<>();
        for (IBase telecom : terser.getValues(resource, "telecom")) {
            if (system.equals(terser.getSinglePrimitiveValueOrNull(telecom, "system"))) {
                values.add(terser.getSinglePrimitiveValueOrNull(telecom, "value"));
            }
        }
        return values;
    }

    /** The relative reference ({@code Patient/3}) of each Reference element in the resource. */
    List<String> references(IBaseResource resource) {
        List<String> references = new ArrayList<>();
        for (IBaseReference reference : terser.getAllPopulatedChildElementsOfType(resource, IBaseReference.class)) {
            IIdType id = reference.getReferenceElement();
            if (id != null && id.hasResourceType() && id.hasIdPart() && !id.hasBaseUrl()) {
                references.add(id.getResourceType() + "/" + id.getIdPart());
            }
        }
        return references;
    }

    /**
     * Like a real server with referential integrity: a relative Reference, or an Attachment url
     * {@code Binary/N}, names a resource this server holds.
     */
    private void checkReferences(IBaseResource resource) {
        List<String> targets = new ArrayList<>(references(resource));
        Class<? extends IBase> attachment = context.getElementDefinition("Attachment").getImplementingClass();
        for (IBase a : terser.getAllPopulatedChildElementsOfType(resource, attachment)) {
            String url = terser.getSinglePrimitiveValueOrNull(a, "url");
            if (url != null && url.matches("Binary/[A-Za-z0-9.-]+")) {
                targets.add(url);
            }
        }
        for (String target : targets) {
            int slash = target.indexOf('/');
            if (read(target.substring(0, slash), target.substring(slash + 1)).isEmpty()) {
                throw new InvalidRequestException("Resource " + target + " not found, referenced from a "
                        + context.getResourceType(resource));
            }
        }
    }
}
