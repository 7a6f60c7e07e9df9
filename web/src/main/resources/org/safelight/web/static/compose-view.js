// "New report" (#/new): a clinician captures photos, videos and voice notes, enters the patient,
// records consent, and hands the draft to the send panel, which seals and sends it.
//
// The draft lives in this module's memory only, never in browser storage. It survives a visit to
// the profile page (#/profile) and the send panel's "Back"; leaving for anything else, closing or
// reloading the tab asks first; once the send panel reports a send, everything of it is wiped.
// It belongs to the user who started it (owner): signing out, or another user's sign-in on this tab
// after a session ended on its own, wipes it (session.js forgetWithUser).
import {el, errorBox, newView} from './dom.js';
import {fetchMe, forgetWithUser, signedInUser, SignedOutError} from './session.js';
import {captureSection} from './compose-capture.js';
import {consentSection} from './compose-consent.js';
import {countries} from './countries.js';

const STAYS = ['#/new', '#/profile']; // where the draft goes along (see mayLeaveComposer)

let session = null;

/** The draft being composed (the common12 contract), or null: for the send panel and tests. */
export function currentDraft() {
  return session ? session.draft : null;
}

function emptyDraft() {
  return {
    reportId: null,
    createdAt: new Date(),
    patient: {firstName: '', lastName: '', birthDate: '', patientId: '', translator: '', guardian: ''},
    notes: '',
    location: '',
    consent: {type: null, levels: ['treatment'], file: null},
    items: [],
  };
}

/** Whether there is something of a patient that leaving would lose. */
function unsent() {
  if (!session) return false;
  const d = session.draft;
  return d.items.length > 0 || d.consent.file !== null || d.notes.trim() !== ''
    || Object.values(d.patient).some(v => String(v).trim() !== '');
}

/**
 * Asked before the address changes to next (and before signing out): true when the composer may be
 * left, after the user agreed to drop an unsent draft.
 */
export function mayLeaveComposer(next) {
  if (STAYS.includes(next) || !unsent()) return true;
  return window.confirm('Leave this report? It has not been sent, and what you captured and typed will be deleted.');
}

/** Called by the router for every view: the camera and microphone stop; leaving for good wipes the draft. */
export function leftComposer(hash) {
  if (!session) return;
  session.devices.stopAll();
  if (!STAYS.includes(hash)) wipe();
}

/** The sign-in form is shown: the camera and microphone stop, the draft waits for its user (or goes). */
export function pauseComposer() {
  if (session) session.devices.stopAll();
}

forgetWithUser(() => wipe());

// Closing or reloading the tab with an unsent draft: the browser asks (its own words, not ours).
window.addEventListener('beforeunload', e => {
  if (!unsent()) return;
  e.preventDefault();
  e.returnValue = '';
});

/** Everything of the draft goes: recordings stop, previews' object URLs are revoked, fields emptied. */
function wipe() {
  const s = session;
  if (!s) return;
  session = null;
  s.devices.stopAll();
  for (const url of s.urls.values()) URL.revokeObjectURL(url);
  s.urls.clear();
  s.draft.items.length = 0;
  s.draft.consent.file = null;
  s.draft.consent.type = null;
  for (const key of Object.keys(s.draft.patient)) s.draft.patient[key] = '';
  s.draft.notes = '';
  s.form.reset();
  s.node.remove();
}

/** The view; view: its ticket from the router. */
export async function composeView(view) {
  // A draft is shown only to its owner, checked with the server's word on who is signed in now
  // (fetchMe drops another user's draft); back from the profile page, it names the author anew.
  if (!session) view.show(el('p', {role: 'status'}, 'Loading…'));
  let profile = null;
  let problem = null;
  try {
    profile = await fetchMe();
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    problem = e; // the server unreachable: the draft stays shown to the user it was last shown to
  }
  if (!view.current()) return;
  const user = profile ? profile.user_id : signedInUser();
  if (session && (user === null || session.owner !== user)) wipe();
  if (!session) {
    if (!profile) {
      view.show(el('section', {class: 'card'}, el('h1', {}, 'New report'), errorBox(problem.message)));
      return;
    }
    session = createSession(profile);
  }
  const s = session;
  if (profile) s.profile = profile;
  s.view = view;
  view.show(s.node);
  s.refreshClinician();
  s.consent.redraw();
}

function createSession(profile) {
  const urls = new Map();
  const stoppers = new Set();
  const s = {
    profile,
    owner: profile.user_id, // the user the draft belongs to; its report ID carries their number
    draft: emptyDraft(),
    urls,
    ownLevels: new WeakMap(), // item → the levels chosen for it alone
    devices: {add: stop => stoppers.add(stop), stopAll: () => { for (const stop of stoppers) stop(); }},
    objectUrl(blob) {
      if (!urls.has(blob)) urls.set(blob, URL.createObjectURL(blob));
      return urls.get(blob);
    },
    forget(blob) {
      if (urls.has(blob)) URL.revokeObjectURL(urls.get(blob));
      urls.delete(blob);
    },
    changed() { clearProblems(s); },
    levelsChanged() {
      const none = s.draft.consent.type === 'none';
      for (const item of s.draft.items) item.levels = none ? [] : [...(s.ownLevels.get(item) || s.draft.consent.levels)];
      s.capture.renderItems();
    },
  };
  assignReportId(s);
  s.capture = captureSection(s);
  s.consent = consentSection(s);
  s.clinician = el('div', {id: 'clinician'});
  s.form = patientForm(s);
  s.errors = el('div', {id: 'compose-errors', 'aria-live': 'assertive'});
  const send = el('button', {type: 'button', id: 'seal-and-send', class: 'primary-action'}, 'Seal and send');
  send.addEventListener('click', () => handOff(s, send));
  s.node = el('div', {id: 'compose'},
    el('section', {class: 'card compose-head'}, el('h1', {}, 'New report'),
      el('p', {class: 'hint'}, 'Everything stays in this browser until you seal the report: it is encrypted here '
        + 'before it is sent, and nothing is kept once it has gone.')),
    s.capture.node, s.form, s.consent.node,
    el('section', {class: 'card compose-part', 'aria-labelledby': 'clinician-title'},
      el('h2', {id: 'clinician-title'}, 'Clinician'), s.clinician),
    el('div', {class: 'send-bar'}, s.errors, send));
  s.refreshClinician = () => drawClinician(s);
  s.capture.renderItems();
  return s;
}

// The report ID is fixed when the draft is made (seal.js puts the user's number and a random part
// in it). Loaded when needed: the composer works, and says why it cannot seal, without it.
async function assignReportId(s) {
  try {
    const {newReportId} = await import('./seal.js');
    s.draft.reportId = s.draft.reportId || await newReportId(s.profile);
  } catch (e) {
    s.reportIdProblem = e;
  }
}

function input(label, attributes, hint) {
  const control = el(attributes.tag || 'input', {...attributes, tag: undefined});
  return el('div', {class: 'field'}, el('label', {for: attributes.id}, label,
    hint ? el('span', {}, hint) : null), control);
}

function patientForm(s) {
  const p = s.draft.patient;
  const today = new Date();
  const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  // autocomplete off: these are the patient's details, not the user's, and the browser must not keep them.
  const off = {autocomplete: 'off', spellcheck: 'false'};
  const form = el('form', {class: 'card compose-part', id: 'patient', 'aria-labelledby': 'patient-title', novalidate: true,
    autocomplete: 'off'},
    el('h2', {id: 'patient-title'}, 'Patient'),
    el('div', {class: 'field-grid'},
      input('First name', {id: 'patient-first', name: 'firstName', ...off}),
      input('Last name', {id: 'patient-last', name: 'lastName', ...off}),
      input('Birth date', {id: 'patient-birth', name: 'birthDate', type: 'date', max: iso, ...off}),
      input('Patient ID', {id: 'patient-id', name: 'patientId', ...off}, 'Such as the hospital’s record number'),
      input('Translator', {id: 'patient-translator', name: 'translator', ...off}, 'If one helped'),
      input('Guardian', {id: 'patient-guardian', name: 'guardian', ...off}, 'If someone consented for the patient')),
    input('Notes', {id: 'notes', name: 'notes', tag: 'textarea', rows: 4, ...off}));
  form.addEventListener('input', e => {
    const name = e.target.name;
    if (name === 'notes') s.draft.notes = e.target.value;
    else if (name in p) p[name] = e.target.value;
    clearProblems(s);
  });
  form.addEventListener('submit', e => e.preventDefault());
  return form;
}

function countryName(code) {
  const found = countries().find(([c]) => c === code);
  return found ? found[1] : code;
}

function drawClinician(s) {
  const p = s.profile;
  const name = [p.title, p.first_name, p.last_name].filter(Boolean).join(' ');
  s.clinician.replaceChildren(
    el('p', {id: 'clinician-name'}, el('strong', {}, name || '(no name in your profile)')),
    el('p', {class: 'hint', id: 'clinician-detail'}, [p.email, countryName(p.country), p.enterprise && p.enterprise.name]
      .filter(Boolean).join(' · ')),
    el('p', {}, 'The report names you as its author, as in ', el('a', {href: '#/profile', id: 'edit-profile'}, 'your profile'),
      '. Change it there; this report is kept meanwhile.'));
}

// Problems are shown next to what they are about and summed up above the button.
function clearProblems(s) {
  s.errors.replaceChildren();
  for (const e of s.node ? s.node.querySelectorAll('.field-error') : []) e.remove();
  for (const c of s.node ? s.node.querySelectorAll('[aria-invalid]') : []) {
    c.removeAttribute('aria-invalid');
    c.removeAttribute('aria-describedby');
  }
}

function problems(s) {
  const d = s.draft;
  const f = s.form.elements;
  const out = [];
  if (d.items.length === 0) {
    out.push([s.node.querySelector('#photo-files'), 'Add at least one photo, video or voice note.', s.capture.node.querySelector('h2')]);
  }
  if (!d.patient.firstName.trim() && !d.patient.lastName.trim() && !d.patient.patientId.trim()) {
    out.push([f.firstName, 'Enter the patient’s name or their patient ID.', f.firstName.closest('.field')]);
  }
  if (f.birthDate.validity.badInput || (d.patient.birthDate && d.patient.birthDate > f.birthDate.max)) {
    out.push([f.birthDate, 'The birth date is not a past date: enter the day, month and year.', f.birthDate.closest('.field')]);
  }
  return out.concat(s.consent.check());
}

function showProblems(s, list) {
  list.forEach(([control, message, where], i) => {
    const id = `compose-problem-${i}`;
    where.after(el('p', {class: 'field-error error', id}, message));
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', id);
    }
  });
  s.errors.replaceChildren(errorBox(list.length === 1 ? list[0][1]
    : `${list.length} things keep this report from being sealed: ${list.map(p => p[1]).join(' ')}`, 'compose-error'));
  const first = list[0][0];
  if (first) first.focus();
}

async function handOff(s, button) {
  clearProblems(s);
  const list = problems(s);
  if (list.length) {
    showProblems(s, list);
    return;
  }
  button.disabled = true;
  try {
    await s.consent.settled();
    if (!s.draft.reportId) await assignReportId(s);
    if (!s.draft.reportId) throw new Error(`No report ID could be made (${s.reportIdProblem ? s.reportIdProblem.message : 'unknown'}).`);
    const {sendView} = await import('./send-view.js');
    s.devices.stopAll();
    s.capture.releasePreviews();
    const view = s.view;
    if (!view.current() || session !== s) return;
    await sendView(view, s.draft, {
      profile: s.profile,
      onSent: () => { if (session === s) wipe(); },
      onBack: () => {
        if (session !== s) return;
        const again = newView(); // the panel's ticket ends: nothing it loads later draws over the form
        s.view = again;
        again.show(s.node);
        s.capture.renderItems();
        s.consent.redraw();
        button.focus();
      },
    });
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    s.capture.renderItems(); // the previews again, if they were let go
    s.errors.replaceChildren(errorBox(`The report cannot be sealed here yet: ${e.message}`, 'compose-error'));
  } finally {
    button.disabled = false;
  }
}
