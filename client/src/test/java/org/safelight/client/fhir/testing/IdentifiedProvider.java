package org.safelight.client.fhir.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Media, DocumentManifest and DocumentReference: searched by identifier (masterIdentifier too) and
 * by {@code subject} or {@code patient} reference ({@code Patient/3} or {@code 3}).
 */
final class IdentifiedProvider extends StoreProvider {

    IdentifiedProvider(FhirContext context, ResourceStore store, String type) {
        super(context, store, type);
    }

    @Search
    public List<IBaseResource> search(@OptionalParam(name = "identifier") TokenParam identifier,
                                      @OptionalParam(name = "subject") ReferenceParam subject,
                                      @OptionalParam(name = "patient") ReferenceParam patient) {
        return store.search(type, r -> SearchMatch.token(identifier, store.identifiers(r))
                && refersTo(r, subject) && refersTo(r, patient));
    }

    private boolean refersTo(IBaseResource resource, ReferenceParam param) {
        if (param == null) {
            return true;
        }
        String wanted = param.getIdPart();
        return store.strings(resource, "subject.reference").stream()
                .anyMatch(ref -> ref.equals("Patient/" + wanted) || ref.endsWith("/Patient/" + wanted));
    }
}
