package org.safelight.client.fhir;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A search's answers as read, and whether they are all of them: a search stops at a bound
 * ({@link FhirClient#MAX_ENTRIES} entries), so a long answer is cut short. What was cut may hold
 * the one record that matters, so a truncated answer never proves "exactly one" (issue 11, M4).
 * Immutable.
 */
public final class FhirResults<T> extends AbstractList<T> implements RandomAccess {
    private final List<T> items;
    private final boolean truncated;

    private FhirResults(List<T> items, boolean truncated) {
        this.items = List.copyOf(items);
        this.truncated = truncated;
    }

    /** Every answer there is. */
    public static <T> FhirResults<T> complete(List<T> items) {
        return new FhirResults<>(items, false);
    }

    /** @param truncated whether the server had more answers than were read */
    public static <T> FhirResults<T> of(List<T> items, boolean truncated) {
        return new FhirResults<>(items, truncated);
    }

    /** Whether the server had more answers than these (a next page not followed, or a total above them). */
    public boolean truncated() {
        return truncated;
    }

    @Override
    public T get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
