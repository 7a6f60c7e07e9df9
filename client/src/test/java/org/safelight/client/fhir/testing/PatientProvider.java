package org.safelight.client.fhir.testing;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** Patient: searched by given, family, birthdate and identifier (ANDed; none lists all). */
final class PatientProvider extends StoreProvider {

    PatientProvider(FhirContext context, ResourceStore store) {
        super(context, store, "Patient");
    }

    @Search
    public List<IBaseResource> search(@OptionalParam(name = "given") StringParam given,
                                      @OptionalParam(name = "family") StringParam family,
                                      @OptionalParam(name = "birthdate") DateParam birthDate,
                                      @OptionalParam(name = "identifier") TokenParam identifier) {
        return store.search(type, p -> SearchMatch.string(given, store.strings(p, "name.given"))
                && SearchMatch.string(family, store.strings(p, "name.family"))
                && SearchMatch.date(birthDate, store.strings(p, "birthDate").stream().findFirst().orElse(null))
                && SearchMatch.token(identifier, store.identifiers(p)));
    }
}
