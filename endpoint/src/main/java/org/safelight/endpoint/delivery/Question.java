package org.safelight.endpoint.delivery;

import java.util.List;
import java.util.Map;

/**
 * What a delivery waits for a person to answer, shown to the institution's admins with the
 * delivery (never to the sender): kept sealed under the master key, as it names patients.
 *
 * @param kind       {@code patient} or {@code practitioner}
 * @param reason     a lower-case reason ({@code several_matches}, {@code id_conflict}, {@code no_match},
 *                   {@code partial_match}, {@code not_enough_details}, {@code unknown_sender},
 *                   {@code unverified_sender})
 * @param message    one sentence for the person
 * @param report     what the report says (patient: {@code given, family, birth_date, patient_id};
 *                   practitioner: {@code sender_email, sender_name})
 * @param candidates each with {@code reference} and {@code display}, plus (patients) {@code birth_date}
 *                   and {@code identifiers}, (practitioners) {@code emails}
 * @param canCreate  whether "create the patient" is an answer (the destination allows creating)
 */
public record Question(String kind, String reason, String message, Map<String, String> report,
                       List<Map<String, Object>> candidates, boolean canCreate) {
    public Question {
        report = Map.copyOf(report);
        candidates = List.copyOf(candidates);
    }
}
