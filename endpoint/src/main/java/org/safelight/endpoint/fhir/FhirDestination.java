package org.safelight.endpoint.fhir;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.safelight.client.fhir.CreatedResources;
import org.safelight.client.fhir.FhirClient;
import org.safelight.client.fhir.FhirException;
import org.safelight.client.fhir.FhirPatient;
import org.safelight.client.fhir.FhirPractitioner;
import org.safelight.client.fhir.FilingConflictException;
import org.safelight.client.fhir.PatientDetails;
import org.safelight.client.fhir.PatientMatch;
import org.safelight.client.fhir.PatientExistsException;
import org.safelight.client.fhir.PatientMatcher;
import org.safelight.client.fhir.PractitionerMatch;
import org.safelight.client.fhir.PractitionerMatcher;
import org.safelight.client.fhir.ReportFiler;
import org.safelight.endpoint.delivery.Answers;
import org.safelight.endpoint.delivery.DeliveryException;
import org.safelight.endpoint.delivery.Destination;
import org.safelight.endpoint.delivery.NeedsPersonException;
import org.safelight.endpoint.delivery.OpenedReport;
import org.safelight.endpoint.delivery.Question;
import org.safelight.endpoint.intake.Arrival;
import org.safelight.endpoint.store.EndpointStore;
import org.safelight.format.report.ReportMetadata;

/**
 * Files each opened report into the institution's FHIR server (STU3 or R4; DESIGN §6, the seed's
 * calls), never guessing who it is about or who sent it:
 * <ol>
 * <li>the sender's Practitioner: what a person answered for this delivery, else, for a verified
 *     address, the institution's mapping (set by an admin with "remember", then the {@code
 *     --endpoint-fhir-practitioners} file), else {@link PractitionerMatcher} on the sender's
 *     address; an address is verified only when a verified token vouched for it over HTTPS (a
 *     mail's From is claimed, not proven, and is never linked by itself, not even through the
 *     mapping, whose Practitioner is then only offered first). A chosen Practitioner is read
 *     ({@code GET /Practitioner/{id}}) before use;</li>
 * <li>the Patient: what a person answered (a reference, read first: it must exist; or "create",
 *     when {@code --endpoint-fhir-create-patients} allows it and the client's rule still does: never
 *     where a record holds the report's patient ID; a record the server already has is asked about
 *     again, never filed to), else {@link PatientMatcher};</li>
 * <li>anything short of one exact match throws {@link NeedsPersonException} with the question
 *     (the candidates, a sentence naming no patient), and the delivery waits for an admin;</li>
 * <li>{@link ReportFiler} files the report, with what was created kept in the endpoint's database
 *     ({@link CreatedResources}), so a retry after a failure part-way creates nothing twice.</li>
 * </ol>
 * A FHIR failure that may pass (no answer, 5xx, 429) is retried by the pipeline; any other parks
 * the delivery. Thread-safe.
 */
public final class FhirDestination implements Destination {
    public static final String NAME = "fhir";

    /** Where a destination keeps what it created and finds the institution's practitioner mapping. */
    public interface Memory {
        CreatedResources created(String reportId);

        /** The admins' mapping of a sender (lower-case email) to a Practitioner: reference and display. */
        Optional<Map.Entry<String, Optional<String>>> practitionerOf(String senderEmail);
    }

    private final FhirClient client;
    private final ReportFiler filer;
    private final PatientMatcher patients;
    private final PractitionerMatcher practitioners;
    private final Memory memory;
    private final Map<String, String> mappingFile;
    private final boolean createPatients;
    private final Optional<String> patientIdSystem;

    /**
     * The destination of {@code --endpoint-fhir-*}: its credentials read from their files now.
     *
     * @throws IllegalArgumentException naming the flag of a file that cannot be used
     */
    public static FhirDestination create(FhirSettings settings, Memory memory) {
        return new FhirDestination(new FhirClient(settings.url(), settings.version(), FhirAuths.of(settings)),
                settings, memory);
    }

    /** What the endpoint's store keeps for the destination named {@link #NAME}. */
    public static Memory memory(EndpointStore store) {
        return new Memory() {
            @Override
            public CreatedResources created(String reportId) {
                return store.createdResources(reportId, NAME);
            }

            @Override
            public Optional<Map.Entry<String, Optional<String>>> practitionerOf(String senderEmail) {
                return store.practitionerOf(senderEmail).map(m -> Map.entry(m.reference(), m.display()));
            }
        };
    }

    public FhirDestination(FhirClient client, FhirSettings settings, Memory memory) {
        this.client = client;
        this.filer = new ReportFiler(client, settings.mode(), settings.inlineLimit());
        this.patients = new PatientMatcher(client, settings.patientIdSystem());
        this.practitioners = new PractitionerMatcher(client);
        this.memory = memory;
        this.mappingFile = settings.practitioners();
        this.createPatients = settings.createPatients();
        this.patientIdSystem = settings.patientIdSystem();
    }

    @Override
    public String name() {
        return NAME;
    }

    public FhirClient client() {
        return client;
    }

    @Override
    public void deliver(OpenedReport report) throws DeliveryException {
        deliver(report, Answers.NONE);
    }

    @Override
    public void deliver(OpenedReport report, Answers answers) throws DeliveryException {
        try {
            FhirPractitioner practitioner = practitioner(report, answers);
            CreatedResources created = memory.created(report.reportId());
            FhirPatient patient = patient(report, answers, created);
            filer.file(report.contents(), report.metadata(), patient, practitioner, created);
        } catch (FilingConflictException e) {
            // resources of this report are on the server for another patient (or practitioner)
            throw new DeliveryException(e.getMessage(), true, e);
        } catch (FhirException e) {
            throw new DeliveryException("the FHIR server: " + e.getMessage(), !e.retryable(), e);
        }
    }

    // ---- the practitioner --------------------------------------------------------------------

    private FhirPractitioner practitioner(OpenedReport report, Answers answers) throws FhirException, NeedsPersonException {
        String email = report.arrival().senderEmail().strip().toLowerCase(Locale.ROOT);
        Optional<String> answered = answers.get(Answers.PRACTITIONER);
        if (answered.isPresent()) {
            return chosen(report, answered.get());
        }
        // the admins' mapping and the file only vouch for an address a verified token vouched for
        boolean verified = report.arrival().senderVerified() && report.arrival().source() == Arrival.Source.HTTPS;
        Optional<String> mapped = memory.practitionerOf(email).map(Map.Entry::getKey)
                .or(() -> Optional.ofNullable(mappingFile.get(email)));
        if (mapped.isPresent() && verified) {
            return chosen(report, mapped.get());
        }
        PractitionerMatch match = practitioners.match(email, verified);
        if (match instanceof PractitionerMatch.Linked linked) {
            return linked.practitioner();
        }
        PractitionerMatch.NeedsPerson needs = (PractitionerMatch.NeedsPerson) match;
        List<FhirPractitioner> candidates = mapped.isPresent() ? mappedFirst(mapped.get(), needs.candidates())
                : needs.candidates();
        throw practitionerQuestion(report, needs.reason().id(), practitionerSentence(needs.reason()), candidates);
    }

    /** The candidates with the mapped Practitioner first (read when not among them; left out when gone). */
    private List<FhirPractitioner> mappedFirst(String reference, List<FhirPractitioner> candidates) throws FhirException {
        Optional<FhirPractitioner> listed = candidates.stream().filter(p -> p.reference().equals(reference)).findFirst();
        Optional<FhirPractitioner> first = listed.isPresent() ? listed : read(reference);
        if (first.isEmpty()) {
            return candidates;
        }
        List<FhirPractitioner> ordered = new ArrayList<>();
        ordered.add(first.get());
        candidates.stream().filter(p -> !p.reference().equals(reference)).limit(FhirClient.MAX_ENTRIES - 1L)
                .forEach(ordered::add);
        return ordered;
    }

    /**
     * A Practitioner a person or the mapping chose, as the server has it ({@code GET
     * /Practitioner/{id}}); asked again, with the seed's list, when it is not there (removed since).
     */
    private FhirPractitioner chosen(OpenedReport report, String reference) throws FhirException, NeedsPersonException {
        Optional<FhirPractitioner> read = read(reference);
        if (read.isPresent()) {
            return read.get();
        }
        throw practitionerQuestion(report, "answer_not_found", "The practitioner chosen for this sender is not on"
                + " the FHIR server (any more): pick the sender's practitioner.", client.practitioners(Map.of()));
    }

    private Optional<FhirPractitioner> read(String reference) throws FhirException {
        try {
            return client.practitioner(reference);
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not a Practitioner/id: nothing the server can have
        }
    }

    private static String practitionerSentence(PractitionerMatch.Reason reason) {
        return switch (reason) {
            case UNKNOWN_SENDER -> "No practitioner on the FHIR server has the sender's email address: pick the"
                    + " sender's practitioner (remember it to link their later reports).";
            case SEVERAL_MATCHES -> "Several practitioners on the FHIR server have the sender's email address: pick"
                    + " the sender's.";
            case UNVERIFIED_SENDER -> "The sender's address is only claimed (the report came by mail), so it is not"
                    + " linked by itself: pick the sender's practitioner.";
        };
    }

    private static NeedsPersonException practitionerQuestion(OpenedReport report, String reason, String sentence,
                                                             List<FhirPractitioner> candidates) {
        Map<String, String> asked = new LinkedHashMap<>();
        asked.put("sender_email", report.arrival().senderEmail());
        asked.put("sender_verified", Boolean.toString(report.arrival().senderVerified()));
        asked.put("source", report.arrival().source().name().toLowerCase(Locale.ROOT));
        ReportMetadata.Clinician user = report.metadata().user();
        if (user != null) {
            asked.put("sender_name", user.displayName());
            asked.put("sender_email_in_report", user.email());
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (FhirPractitioner p : candidates) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("reference", p.reference());
            c.put("display", p.display());
            c.put("emails", p.emails());
            c.put("identifiers", p.identifiers());
            list.add(c);
        }
        return new NeedsPersonException(new Question("practitioner", reason, sentence, asked, list, false));
    }

    // ---- the patient -------------------------------------------------------------------------

    private FhirPatient patient(OpenedReport report, Answers answers, CreatedResources created)
            throws FhirException, NeedsPersonException {
        PatientDetails details = PatientDetails.of(report.metadata().patient());
        Optional<String> answered = answers.get(Answers.PATIENT);
        if (answered.isPresent()) {
            Optional<FhirPatient> read = client.patient(answered.get());
            if (read.isPresent()) {
                return read.get();
            }
            PatientMatch again = patients.match(details);
            List<FhirPatient> candidates = again instanceof PatientMatch.NeedsPerson n ? n.candidates()
                    : List.of(((PatientMatch.Linked) again).patient());
            boolean canCreate = !(again instanceof PatientMatch.NeedsPerson n) || mayCreate(n, details);
            throw patientQuestion(report, details, "answer_not_found", "The patient picked for this report is not on"
                    + " the FHIR server: pick the patient again" + (canCreate ? ", or create the patient." : "."),
                    candidates, canCreate);
        }
        boolean createAnswered = answers.get(Answers.CREATE_PATIENT).filter("true"::equals).isPresent() && createPatients;
        if (createAnswered && created.find(report.reportId() + "/patient").isPresent()) {
            return filer.createPatient(details, report.reportId(), patientIdSystem, created); // created before
        }
        PatientMatch match = patients.match(details);
        if (createAnswered) {
            // the answer stands only while creating is still right: asked again otherwise
            if (match instanceof PatientMatch.NeedsPerson n && mayCreate(n, details)) {
                try {
                    return filer.createPatient(details, report.reportId(), patientIdSystem, created);
                } catch (PatientExistsException e) {
                    throw patientQuestion(report, details, e.several() ? "several_matches" : "id_conflict",
                            (e.several() ? "Several patient records on the FHIR server have" : "A patient record on the"
                                    + " FHIR server has") + " this report's patient ID, so the patient was not created:"
                                    + " pick the patient if it is there.", e.holders(), false);
                }
            }
        }
        if (match instanceof PatientMatch.Linked linked) {
            if (createAnswered && !ReportFiler.createdFor(linked.patient(), report.reportId())) {
                throw patientQuestion(report, details, "several_matches", "A patient record on the FHIR server now"
                        + " fits this report's patient, so the patient was not created: pick the patient if it is"
                        + " there.", List.of(linked.patient()), false);
            }
            return linked.patient();
        }
        PatientMatch.NeedsPerson needs = (PatientMatch.NeedsPerson) match;
        boolean canCreate = mayCreate(needs, details);
        throw patientQuestion(report, details, needs.reason().id(), patientSentence(needs.reason(), canCreate),
                needs.candidates(), canCreate);
    }

    /** "Create the patient" is offered only when allowed and right (the client's shared rule). */
    private boolean mayCreate(PatientMatch.NeedsPerson needs, PatientDetails details) {
        return createPatients && needs.whyNotCreate(details).isEmpty();
    }

    private static String patientSentence(PatientMatch.Reason reason, boolean canCreate) {
        String orCreate = canCreate ? ", or create the patient." : ".";
        return switch (reason) {
            case SEVERAL_MATCHES -> "Several patients on the FHIR server fit this report's patient: pick the right one"
                    + orCreate;
            case ID_CONFLICT -> "The FHIR server's patient with this report's patient ID has another name or birth date"
                    + " than the report: confirm the patient" + orCreate;
            case NO_MATCH -> "No patient on the FHIR server fits this report's patient: give the patient's record"
                    + orCreate;
            case PARTIAL_MATCH -> "Patients with this report's family name and birth date but another given name are"
                    + " on the FHIR server: pick the patient if one of them is" + orCreate;
            case NOT_ENOUGH_DETAILS -> "The report lacks what safe matching needs (a family name and full birth date,"
                    + " or a known patient ID): give the patient's record" + orCreate;
        };
    }

    private static NeedsPersonException patientQuestion(OpenedReport report, PatientDetails details, String reason,
                                                        String sentence, List<FhirPatient> candidates,
                                                        boolean canCreate) {
        Map<String, String> asked = new LinkedHashMap<>();
        asked.put("report_id", report.reportId());
        asked.put("given", details.given());
        asked.put("family", details.family());
        asked.put("birth_date", details.birthDate());
        asked.put("patient_id", details.patientId());
        List<Map<String, Object>> list = new ArrayList<>();
        for (FhirPatient p : candidates) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("reference", p.reference());
            c.put("display", p.display());
            if (!p.birthDate().isEmpty()) {
                c.put("birth_date", p.birthDate());
            }
            c.put("identifiers", p.identifiers());
            list.add(c);
        }
        return new NeedsPersonException(new Question("patient", reason, sentence, asked, list, canCreate));
    }
}
