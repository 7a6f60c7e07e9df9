package org.safelight.endpoint.view;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.store.ReceivedReports;

/**
 * {@link ReceivedReports} kept in memory, for the institution view's tests before (and besides) the
 * real store: it follows the interface's contract, with {@link #put} to set a report's state.
 */
final class InMemoryReceivedReports implements ReceivedReports {
    private final Map<String, ReceivedReport> reports = new ConcurrentHashMap<>();

    void put(ReceivedReport report) {
        reports.put(report.reportId(), report);
    }

    static ReceivedReport report(String id, String sender, Instant at, String state, Delivery... deliveries) {
        return new ReceivedReport(id, sender, true, Arrival.Source.HTTPS, at, "dynamic", 1234, state, 1,
                "parked".equals(state) ? "the report's key did not open it" : null, List.of(deliveries));
    }

    static Delivery delivery(String destination, String status, Instant at) {
        return switch (status) {
            case "delivered" -> new Delivery(destination, status, 1, null, null, at);
            case "parked" -> new Delivery(destination, status, 8, null, "HTTP 503 from the middleware", null);
            default -> new Delivery(destination, status, 2, at.plusSeconds(60), "connection refused", null);
        };
    }

    @Override
    public List<ReceivedReport> list(Optional<String> senderEmail, Optional<Instant> before, int limit) {
        return reports.values().stream()
                .filter(r -> senderEmail.isEmpty() || senderEmail.get().equals(r.senderEmail()))
                .filter(r -> before.isEmpty() || r.receivedAt().isBefore(before.get()))
                .sorted(Comparator.comparing(ReceivedReport::receivedAt).reversed())
                .limit(limit).toList();
    }

    @Override
    public Optional<ReceivedReport> find(String reportId) {
        return Optional.ofNullable(reports.get(reportId));
    }

    @Override
    public AnswerResult answer(String reportId, String destination, PersonAnswer answer, String answeredBy) {
        // these reports hold no questions (no delivery here waits for a person)
        return AnswerResult.refused(AnswerResult.Outcome.NOT_WAITING, "this delivery is not waiting for a person's answer");
    }

    @Override
    public int retry(String reportId) {
        ReceivedReport r = reports.get(reportId);
        if (r == null) {
            return 0;
        }
        int made = 0;
        String state = r.state();
        if ("parked".equals(state)) {
            state = "received";
            made++;
        }
        List<Delivery> deliveries = new ArrayList<>();
        for (Delivery d : r.deliveries()) {
            if ("parked".equals(d.status())) {
                deliveries.add(new Delivery(d.destination(), "pending", d.attempts(), Instant.EPOCH, d.lastError(), null));
                made++;
            } else {
                deliveries.add(d);
            }
        }
        reports.put(reportId, new ReceivedReport(r.reportId(), r.senderEmail(), r.senderVerified(), r.source(),
                r.receivedAt(), r.kind(), r.size(), state, r.openAttempts(), r.lastError(), deliveries));
        return made;
    }
}
