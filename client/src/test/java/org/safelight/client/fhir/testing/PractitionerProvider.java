package org.safelight.client.fhir.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Practitioner: all of them with no parameter; by {@code email} (a telecom of system email, any
 * case), identifier, given and family (ANDed).
 */
final class PractitionerProvider extends StoreProvider {

    PractitionerProvider(FhirContext context, ResourceStore store) {
        super(context, store, "Practitioner");
    }

    @Search
    public List<IBaseResource> search(@OptionalParam(name = "email") StringParam email,
                                      @OptionalParam(name = "identifier") TokenParam identifier,
                                      @OptionalParam(name = "given") StringParam given,
                                      @OptionalParam(name = "family") StringParam family) {
        String address = email == null ? null : email.getValue();
        return store.search(type, p -> SearchMatch.emailIgnoringCase(address, store.telecoms(p, "email"))
                && SearchMatch.token(identifier, store.identifiers(p))
                && SearchMatch.string(given, store.strings(p, "name.given"))
                && SearchMatch.string(family, store.strings(p, "name.family")));
    }
}
