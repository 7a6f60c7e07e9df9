package org.safelight.client.fhir.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.ConditionalUrlParam;
import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Read and (conditional) create of one resource type over the {@link ResourceStore}, for either
 * FHIR version: HAPI parses the body into the version's class this provider names. Subclasses add
 * the type's searches.
 */
class StoreProvider implements IResourceProvider {
    protected final ResourceStore store;
    protected final String type;
    private final Class<? extends IBaseResource> resourceClass;

    StoreProvider(FhirContext context, ResourceStore store, String type) {
        this.store = store;
        this.type = type;
        this.resourceClass = context.getResourceDefinition(type).getImplementingClass();
    }

    @Override
    public Class<? extends IBaseResource> getResourceType() {
        return resourceClass;
    }

    @Read(version = true)
    public IBaseResource read(@IdParam IIdType id) {
        if (id.hasVersionIdPart() && !"1".equals(id.getVersionIdPart())) {
            throw new ResourceNotFoundException(id);
        }
        return store.read(type, id.getIdPart()).orElseThrow(() -> new ResourceNotFoundException(id));
    }

    /**
     * A new resource is 201 with its Location; with {@code If-None-Exist}, one match is answered
     * 200 with the resource found, several are 412.
     */
    @Create
    public MethodOutcome create(@ResourceParam IBaseResource resource, @ConditionalUrlParam String conditionalUrl) {
        if (resource == null) {
            throw new InvalidRequestException("no " + type + " in the request body");
        }
        if (resource.getIdElement().hasIdPart()) {
            throw new InvalidRequestException("a " + type + " to create carries no id");
        }
        ResourceStore.Outcome outcome = store.create(resource, conditionalUrl);
        MethodOutcome answer = new MethodOutcome(outcome.resource().getIdElement(), outcome.created());
        answer.setResource(outcome.resource());
        return answer;
    }
}
