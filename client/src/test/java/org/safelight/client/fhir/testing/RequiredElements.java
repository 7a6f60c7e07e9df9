package org.safelight.client.fhir.testing;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The base specification's cardinalities, which parsing alone does not check: an element with a
 * minimum of one (R4 Media.status, STU3 Media.type and content, DocumentManifest.content, ...) must
 * be there, at every level of the resource. A resource that misses one is a 422, as a validating
 * server answers.
 */
final class RequiredElements {
    private RequiredElements() {
    }

    static void check(FhirContext context, IBaseResource resource) {
        List<String> missing = new ArrayList<>();
        BaseRuntimeElementCompositeDefinition<?> definition = context.getResourceDefinition(resource);
        walk(context, definition, resource, definition.getName(), missing);
        if (!missing.isEmpty()) {
            throw new UnprocessableEntityException("required element(s) missing: " + String.join(", ", missing));
        }
    }

    private static void walk(FhirContext context, BaseRuntimeElementCompositeDefinition<?> definition, IBase element,
                             String path, List<String> missing) {
        for (BaseRuntimeChildDefinition child : definition.getChildren()) {
            List<IBase> values = child.getAccessor().getValues(element);
            String childPath = path + "." + child.getElementName();
            if (values.size() < child.getMin()) {
                missing.add(childPath);
            }
            for (IBase value : values) {
                if (value instanceof IBaseResource) {
                    continue; // contained resources are checked as resources of their own, or not at all
                }
                BaseRuntimeElementDefinition<?> valueDefinition = child.getChildElementDefinitionByDatatype(value.getClass());
                if (valueDefinition == null) {
                    valueDefinition = context.getElementDefinition(value.getClass());
                }
                if (valueDefinition instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
                    walk(context, composite, value, childPath, missing);
                }
            }
        }
    }
}
