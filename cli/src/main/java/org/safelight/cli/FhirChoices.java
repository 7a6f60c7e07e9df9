package org.safelight.cli;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.safelight.client.fhir.FhirPatient;
import org.safelight.client.fhir.FhirPractitioner;
import org.safelight.client.fhir.PatientDetails;
import org.safelight.client.fhir.PatientMatch;

/**
 * What {@code send --to fhir:} asks a person, as the seed's app does: the sender's Practitioner
 * from the server's list, and the patient when matching found no exact match (pick a candidate,
 * create the patient, or cancel). With nobody to answer (input ended) it stops with the option that
 * answers in a script, exit 2 (DESIGN §7: the command line lacked an answer); the patients are then
 * not listed (a script's log is no place for them), the practitioners are.
 */
final class FhirChoices {
    /** What the person chose for the patient. */
    sealed interface PatientChoice {
        record Existing(FhirPatient patient) implements PatientChoice {
        }

        record Create() implements PatientChoice {
        }
    }

    private final Questions questions;

    FhirChoices(Questions questions) {
        this.questions = questions;
    }

    /** The sender's Practitioner, picked by number from the server's list. */
    FhirPractitioner practitioner(List<FhirPractitioner> all, String server) throws IOException {
        if (all.isEmpty()) {
            throw new Failures.UsageException("the FHIR server " + server + " lists no practitioners (GET /Practitioner),"
                    + " so the report cannot name its author: ask its IT team to add you; nothing was filed");
        }
        questions.show("Who are you on " + server + "? Its practitioners:");
        listPractitioners(all);
        while (true) {
            String answer = questions.ask("Pick a number, q to cancel: ");
            if (answer == null) {
                throw new Failures.UsageException("no one to pick your practitioner: pass --practitioner"
                        + " Practitioner/ID (from the list above, or 'safelight fhir practitioners " + server
                        + "'); nothing was filed");
            }
            if (answer.equalsIgnoreCase("q")) {
                throw cancelled();
            }
            Integer n = number(answer, all.size());
            if (n != null) {
                return all.get(n - 1);
            }
            questions.show("Answer with a number from 1 to " + all.size() + ", or q.");
        }
    }

    void listPractitioners(List<FhirPractitioner> all) {
        for (int i = 0; i < all.size(); i++) {
            questions.show(String.format(Locale.ROOT, "%4d) %s", i + 1, describe(all.get(i))));
        }
    }

    static String describe(FhirPractitioner p) {
        return p.display() + (p.emails().isEmpty() ? "" : " <" + String.join(", ", p.emails()) + ">") + "  "
                + p.reference();
    }

    /**
     * A person's answer to a match that did not link: a candidate by number, {@code c} to create the
     * patient (when {@code canCreate}), {@code q} to cancel. A conflicting patient ID is warned about first.
     */
    PatientChoice patient(PatientDetails report, PatientMatch.NeedsPerson need, String whyNotCreate)
            throws IOException {
        boolean canCreate = whyNotCreate == null;
        if (!questions.answerable()) {
            // nobody to answer (a cron job, a CI run): no patient goes into its log, candidates or the report's
            throw new Failures.UsageException("no one to answer which patient the report is for ("
                    + need.reason().id() + "): pass --patient Patient/ID" + (canCreate ? " or --create-patient" : "")
                    + "; nothing was filed");
        }
        if (need.reason() == PatientMatch.Reason.ID_CONFLICT) {
            questions.show("WARNING: the patient record with the report's patient ID has another name or birth date"
                    + " than the report. Check before you pick it.");
        }
        questions.show(reason(need.reason()) + ".");
        questions.show("The report's patient: " + describe(report));
        List<FhirPatient> candidates = need.candidates();
        if (!candidates.isEmpty()) {
            questions.show("Patients on the server:");
            for (int i = 0; i < candidates.size(); i++) {
                questions.show(String.format(Locale.ROOT, "%4d) %s", i + 1, describe(candidates.get(i))));
            }
        }
        if (!canCreate) {
            questions.show("Creating the patient is not offered: " + whyNotCreate + ".");
        }
        String prompt = (candidates.isEmpty() ? "Type " : "Pick a number, ") + (canCreate ? "c to create the patient, " : "")
                + "q to cancel: ";
        while (true) {
            String answer = questions.ask(prompt);
            if (answer == null) {
                throw new Failures.UsageException("no one to answer which patient the report is for ("
                        + need.reason().id() + "): pass " + scriptAnswer(!candidates.isEmpty(), canCreate)
                        + "; nothing was filed");
            }
            if (answer.equalsIgnoreCase("q")) {
                throw cancelled();
            }
            if (answer.equalsIgnoreCase("c") && canCreate) {
                return new PatientChoice.Create();
            }
            Integer n = number(answer, candidates.size());
            if (n != null) {
                return new PatientChoice.Existing(candidates.get(n - 1));
            }
            questions.show("Answer with " + (candidates.isEmpty() ? "" : "a number from 1 to " + candidates.size()
                    + ", ") + (canCreate ? "c " : "") + "or q.");
        }
    }

    private static String scriptAnswer(boolean candidates, boolean canCreate) {
        if (candidates) {
            return "--patient Patient/ID (a candidate above)" + (canCreate ? " or --create-patient" : "");
        }
        return canCreate ? "--create-patient (or --patient Patient/ID)" : "--patient Patient/ID";
    }

    static String reason(PatientMatch.Reason reason) {
        return switch (reason) {
            case SEVERAL_MATCHES -> "Several patients on the FHIR server fit the report's patient";
            case ID_CONFLICT -> "The report's patient ID belongs to a patient with another name or birth date";
            case NO_MATCH -> "No patient on the FHIR server fits the report's patient";
            case PARTIAL_MATCH -> "No patient has the report's full name and birth date; these have its family name"
                    + " and birth date";
            case NOT_ENOUGH_DETAILS -> "The report lacks a family name or full birth date (and no patient ID matched),"
                    + " so no patient can be found by them";
        };
    }

    static String describe(PatientDetails p) {
        return (p.display().isEmpty() ? "(no name)" : p.display()) + ", born "
                + (p.birthDate().isEmpty() ? "(no full date)" : p.birthDate())
                + (p.patientId().isEmpty() ? "" : ", patient ID " + p.patientId());
    }

    static String describe(FhirPatient p) {
        return (p.display().isEmpty() ? "(no name)" : p.display()) + ", born "
                + (p.birthDate().isEmpty() ? "(unknown)" : p.birthDate())
                + (p.identifiers().isEmpty() ? "" : ", identifiers " + String.join(", ",
                        p.identifiers().stream().map(i -> i.startsWith("|") ? i.substring(1) : i).toList()))
                + "  " + p.reference();
    }

    private static Integer number(String answer, int count) {
        if (!answer.matches("[0-9]{1,6}")) {
            return null;
        }
        int n = Integer.parseInt(answer);
        return n >= 1 && n <= count ? n : null;
    }

    private static Failures.CancelledException cancelled() {
        return new Failures.CancelledException("cancelled: nothing was filed");
    }
}
