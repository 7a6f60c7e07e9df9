// A delivery that waits for a person (status needs_person), as its question shows to the institution's
// admins: what the report says, why the endpoint would not choose by itself, and the candidates the
// record offers, each one large enough to tap on a phone. Picking one asks to confirm in plain words
// before the answer is sent: nothing is filed to a patient a person did not confirm. The candidates come
// from the hospital's FHIR server: every word of them goes in as text, never as markup.
import {el, errorBox, facts, formatDate} from './dom.js';
import {SignedOutError} from './session.js';

const REASONS = {
  patient: {
    several_matches: 'Several patients in the record have the name and birth date in the report.',
    id_conflict: 'The patient ID in the report belongs to a patient whose name or birth date differs from the report.',
    partial_match: 'No patient in the record has exactly this name and birth date. These share the family name and birth date.',
    no_match: 'No patient in the record matches the report.',
    not_enough_details: 'The report lacks a family name or a full birth date, too little to find the patient safely.',
    answer_not_found: 'The patient chosen before is not in the record (any more): choose again.',
  },
  practitioner: {
    several_matches: 'Several practitioners in the record have the sender\'s email address.',
    unknown_sender: 'No practitioner in the record has the sender\'s email address.',
    unverified_sender: 'The sender\'s address was not confirmed (it was taken from the mail), so the endpoint does '
      + 'not choose the practitioner by it.',
    answer_not_found: 'The practitioner chosen for this sender is not in the record (any more): choose again.',
  },
};

/** The report's patient's or sender's name as one line ("Joe Patient"). */
function reportName(report) {
  return [report.given, report.family].filter(s => typeof s === 'string' && s.trim()).join(' ');
}

function text(value) {
  return typeof value === 'string' ? value : '';
}

/** "MRN-1 (urn:oid:1.2.36.146.595.217.0.1)" for "urn:oid:1.2.36.146.595.217.0.1|MRN-1". */
function identifier(value) {
  const s = text(value);
  const bar = s.lastIndexOf('|');
  return bar > 0 ? `${s.slice(bar + 1)} (${s.slice(0, bar)})` : s.replace(/^\|/, '');
}

function list(values) {
  return Array.isArray(values) ? values.map(text).filter(Boolean) : [];
}

/** What the report itself says, beside the candidates. */
function whatTheReportSays(q) {
  const r = q.report && typeof q.report === 'object' ? q.report : {};
  const pairs = q.kind === 'practitioner'
    ? [['Sender', text(r.sender_email), undefined, 'report-sender'], ['Name in the report', text(r.sender_name)],
      ['Email in the report', text(r.sender_email_in_report).toLowerCase() === text(r.sender_email).toLowerCase()
        ? '' : text(r.sender_email_in_report)]]
    : [['Patient', reportName(r), undefined, 'report-patient'],
      ['Born', r.birth_date ? formatDate(r.birth_date) : 'not given', undefined, 'report-birth-date'],
      ['Patient ID', text(r.patient_id), undefined, 'report-patient-id']];
  return facts(pairs);
}

/** A candidate's button: its name large, then birth date and identifiers (or emails) below it. */
function candidateButton(c, kind) {
  const ids = list(c.identifiers).map(identifier);
  const lines = kind === 'practitioner'
    ? [list(c.emails).length ? list(c.emails).join(', ') : 'No email address in the record',
      ids.length ? `ID ${ids.join(', ')}` : null]
    : [c.birth_date ? `Born ${formatDate(c.birth_date)}` : 'No birth date in the record',
      ids.length ? `ID ${ids.join(', ')}` : 'No identifier in the record'];
  return el('button', {type: 'button', class: 'candidate', 'data-reference': text(c.reference)},
    el('span', {class: 'candidate-name'}, text(c.display) || text(c.reference)),
    lines.filter(Boolean).map(line => el('span', {class: 'candidate-detail'}, line)));
}

/**
 * "Joe Patient, born 24 October 1979 (MRN-7731)", "Dr Noor Haddad (noor@example.org)": the
 * identifiers' values (a practitioner's emails) tell apart two records of the same name.
 */
function described(c) {
  const name = text(c.display) || text(c.reference);
  const ids = list(c.emails).length ? list(c.emails)
    : list(c.identifiers).map(i => i.slice(i.lastIndexOf('|') + 1)).filter(Boolean);
  return `${name}${c.birth_date ? `, born ${formatDate(c.birth_date)}` : ''}${ids.length ? ` (${ids.join(', ')})` : ''}`;
}

/** Why an answer did not go through, in plain words; the question stays, so it can be sent again. */
function refusal(e) {
  if (e.status === 0) { // no answer came (the page's own code, not the endpoint's)
    return 'The endpoint could not be reached, so your answer may not have arrived. Check the connection, then press '
      + 'the button again (an answer that did arrive is not taken twice).';
  }
  switch (e.code) {
    case 'not_waiting_for_a_person':
      return 'This delivery no longer waits for an answer: someone may have answered it already. '
        + 'Its status above is the current one.';
    case 'invalid_answer':
      return `The endpoint did not take this answer: ${e.message} Choose again, or reload the page for the current question.`;
    case 'not_enterprise_admin':
      return 'Only the admins of the institution\'s enterprise can answer: your account is not one of them (any more).';
    default:
      return `Your answer was not taken: ${e.message}`;
  }
}

/**
 * The question of one delivery. answer(body) sends it (resolving to the endpoint's answer);
 * answered(report, message) shows the report after it; refresh(message) reloads the report after a
 * refusal that means the question is gone.
 */
export function questionPanel(reportId, delivery, {answer, answered, refresh}) {
  const q = delivery.question;
  const kind = q.kind === 'practitioner' ? 'practitioner' : 'patient';
  const destination = text(delivery.destination);
  const candidates = Array.isArray(q.candidates) ? q.candidates.filter(c => c && typeof c === 'object') : [];
  const headingId = `question-${reportId}-${destination}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const confirmArea = el('div', {class: 'confirm-area'});
  const status = el('div', {class: 'answer-status', role: 'status'});
  // Remembering links the sender's later reports with nobody asked: never by default, and never for
  // an address that is only claimed (a mail's From), which the endpoint refuses to remember.
  const remember = kind === 'practitioner' && q.reason !== 'unverified_sender'
    ? el('input', {type: 'checkbox', class: 'remember'}) : null;
  const sender = text(q.report?.sender_email);
  const buttons = [];

  /** Asks "File this report to ...?" below the list; Yes sends body, Cancel puts focus back on from. */
  const confirm = (from, question, yesLabel, body, done) => {
    for (const b of buttons) b.classList.toggle('chosen', b === from);
    const yes = el('button', {type: 'button', class: 'confirm-answer'}, yesLabel);
    const no = el('button', {type: 'button', class: 'secondary cancel-answer'}, 'Cancel');
    const ask = el('div', {class: 'confirm', role: 'group', 'aria-label': 'Confirm your answer'},
      el('p', {class: 'confirm-question'}, question), yes, no);
    no.addEventListener('click', () => {
      ask.remove();
      from.classList.remove('chosen');
      status.replaceChildren();
      from.focus();
    });
    yes.addEventListener('click', async () => {
      for (const b of [...buttons, yes, no]) b.disabled = true;
      status.replaceChildren(el('p', {}, 'Sending your answer…'));
      try {
        const outcome = await answer(body());
        answered(outcome.report, done);
      } catch (e) {
        if (e instanceof SignedOutError) throw e;
        for (const b of [...buttons, yes, no]) b.disabled = false;
        status.replaceChildren(errorBox(refusal(e), `answer-error-${headingId}`));
        yes.focus(); // the choice stands: pressing again sends it again
        if (e.code === 'not_waiting_for_a_person') refresh(refusal(e));
      }
    });
    status.replaceChildren();
    confirmArea.replaceChildren(ask);
    yes.focus();
  };

  for (const c of candidates) {
    const button = candidateButton(c, kind);
    buttons.push(button);
    const reference = text(c.reference);
    if (kind === 'practitioner') {
      button.addEventListener('click', () => {
        const keep = remember !== null && remember.checked;
        confirm(button, `File this report as sent by ${described(c)}?`
          + (keep && sender ? ` Reports from ${sender} go to this practitioner from now on.` : ''),
        'Yes, this practitioner', () => ({practitioner: reference, remember: keep}),
        `Answered: the sender is ${described(c)}${keep ? ' (remembered for later reports)' : ''}.`);
      });
    } else {
      button.addEventListener('click', () => confirm(button, `File this report to ${described(c)}?`,
        'Yes, file it to this patient', () => ({patient: reference}),
        `Answered: this report is about ${described(c)}.`));
    }
  }
  const r = q.report && typeof q.report === 'object' ? q.report : {};
  let create = null;
  if (kind === 'patient' && q.can_create === true) {
    const who = reportName(r) || 'the patient in the report';
    const born = r.birth_date ? `, born ${formatDate(r.birth_date)}` : '';
    create = el('button', {type: 'button', class: 'secondary create-patient'}, 'Create this patient');
    buttons.push(create);
    create.addEventListener('click', () => confirm(create,
      `Create ${who}${born}, as a new patient in the record, and file this report to them?`,
      'Yes, create the patient', () => ({create_patient: true}),
      `Answered: create the patient ${who}${born} in the record.`));
  }

  const reason = REASONS[kind][q.reason] || text(q.message);
  return el('section', {class: 'question', 'data-destination': destination, 'aria-labelledby': headingId},
    el('h3', {id: headingId}, kind === 'practitioner'
      ? `${destination}: who sent this report?` : `${destination}: which patient is this report about?`),
    el('p', {class: 'reason'}, reason),
    el('h4', {}, 'The report says'),
    whatTheReportSays(q),
    el('h4', {}, candidates.length
      ? (kind === 'practitioner' ? 'Choose the practitioner in the record' : 'Choose the patient in the record')
      : 'The record offers nobody to choose'),
    candidates.length ? el('ul', {class: 'candidates'}, buttons.filter(b => b !== create).map(b => el('li', {}, b))) : null,
    remember ? el('label', {class: 'remember-label'}, remember,
      sender ? ` Remember this choice for ${sender}` : ' Remember this choice for this sender') : null,
    create ? el('div', {class: 'actions'}, create) : null,
    confirmArea, status);
}
