// Opening a report from a link or from a file, showing it, and its access log.
import {el, errorBox, formatTime, onPhone, show} from './dom.js';
import {fetchMe, forgetWithUser, signedInUser, SignedOutError} from './session.js';
import {AccessError, cloudLinkStatus, downloadCloudReport, fetchAccesses, fetchKey} from './keys.js';
import {openReport, ReportError, unexpectedFailureText} from './picsafe.js';
import {reportView} from './report-view.js';
import {askKeyPanel, largeDownloadPanel, privateKeyPanel, progressPanel} from './opening-panels.js';
import {importPrivateKey, keepPrivateKey, keptPrivateKey, PrivateKeyError, unwrapReportKey} from './private-key.js';

/** Above this size a phone asks before downloading (the size comes from the link's public status). */
export const LARGE_ON_A_PHONE = 100 * 1024 * 1024;

let opened = null;
// Counts openings; closeReport() moves it on, so an opening still under way (waiting for its key,
// decrypting) when the user signs out or goes elsewhere shows nothing when it finishes.
let opening = 0;
// Stops the download or the decryption under way.
let stopping = null;

/**
 * Releases the report on screen (its blob: URLs, its key handler, its decrypted bytes, which are
 * overwritten) and stops one being opened.
 */
export function closeReport() {
  opening++;
  if (stopping) {
    stopping.abort();
    stopping = null;
  }
  if (opened) {
    opened.dispose();
    opened = null;
  }
}

// A report on screen, or one being opened, is its user's: another user's sign-in (or sign-out) closes it.
forgetWithUser(closeReport);

/**
 * Overwrites and drops a decrypted report's files, as the report view's dispose() does (files in
 * Blobs, from a large report, cannot be overwritten: they are dropped).
 */
function forget(report) {
  for (const bytes of report.files.values()) if (bytes instanceof Uint8Array) bytes.fill(0);
  report.files.clear();
}

function cancelled(e) {
  return e?.name === 'AbortError';
}

function failure(ticket, e, title) {
  if (ticket !== opening) return;
  const known = e instanceof ReportError || e instanceof AccessError;
  const kind = known ? e.kind : 'error';
  const heading = el('h1', {tabindex: '-1'}, title);
  show(el('section', {class: 'card', id: 'open-failed', 'data-kind': kind},
    heading, errorBox(known ? e.message : unexpectedFailureText(e)),
    el('p', {}, el('a', {href: '#/open'}, 'Open another file'))));
  document.title = `${title} · My Safelight`;
  heading.focus();
  if (!known) console.error(e);
}

function stopped(ticket, what) {
  if (ticket !== opening) return;
  const heading = el('h1', {tabindex: '-1'}, 'Opening cancelled');
  show(el('section', {class: 'card', id: 'open-cancelled'}, heading,
    el('p', {}, `${what} Nothing of the report is kept in this page.`),
    el('p', {}, el('a', {class: 'button', href: '#/open'}, 'Open a file'), ' ',
      el('a', {class: 'button secondary', href: '#/reports'}, 'My reports'))));
  document.title = 'Opening cancelled · My Safelight';
  heading.focus();
}

/**
 * A new opening: its ticket, its AbortSignal and its progress panel. Cancel says so at once and
 * moves the ticket on, so nothing of this opening is drawn later, whatever it was waiting for.
 */
function begin(title) {
  closeReport();
  const ticket = opening;
  const controller = new AbortController();
  stopping = controller;
  const run = {ticket, signal: controller.signal, phase: null,
    live: () => ticket === opening && !controller.signal.aborted};
  run.cancel = () => {
    if (ticket !== opening) return;
    controller.abort();
    stopped(ticket, run.phase === 'downloading' ? 'The download was stopped.' : 'The report was not opened.');
    opening++;
    stopping = null;
  };
  run.panel = progressPanel(title, run.cancel);
  return run;
}

/** Opens and shows a report: source is its bytes or a Blob (the chosen File, read as needed). */
async function display(run, source, fileName, reportId) {
  const {ticket, signal, panel} = run;
  const report = await openReport(source, {fileName, reportId, signal,
    fetchKey: async (ks, id) => {
      run.phase = 'key';
      panel.step('key');
      // the signal aborts the request itself: a key asked for after Cancel never reaches the key server
      const key = await fetchKey(ks, id, signal);
      signal.throwIfAborted();
      return key;
    },
    askKey: async question => {
      const key = await askKeyPanel(question, signal);
      if (ticket === opening) Object.assign(run, {phase: null, panel: progressPanel('Opening the report', run.cancel)});
      return key;
    },
    unwrapKey: async (staticKey, {reportId: id}) => {
      const reportKey = await unwrapWithPrivateKey(staticKey, id, signal);
      if (ticket === opening) Object.assign(run, {phase: null, panel: progressPanel('Opening the report', run.cancel)});
      return reportKey;
    },
    onProgress: (phase, done, total) => {
      if (!run.live()) return;
      if (run.phase !== phase) {
        run.phase = phase;
        run.panel.step(phase);
      }
      run.panel.bytes(done, total);
    }});
  if (!run.live()) {
    // cancelled or closed while decrypting: nobody will show these bytes, so nothing of them is kept
    forget(report);
    return;
  }
  stopping = null;
  opened = reportView(report, {sourceBytes: source, sourceName: fileName,
    onAccessLog: target => accessLog(report.keyserverUrl, report.reportId, target),
    onClose: () => {
      closeReport();
      show(el('p', {}, ''));
      if (location.hash === '#/reports') window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = '#/reports';
    }});
  show(opened.node);
  opened.focus();
}

/**
 * The report key of a static-key report: with the key kept in this tab if it is this report's, else
 * with a key file the user chooses, asked again (with the reason) while the file does not do.
 */
async function unwrapWithPrivateKey(staticKey, reportId, signal) {
  let problem = null;
  const held = keptPrivateKey(signedInUser()); // only the signed-in user's own (see private-key.js)
  if (held) {
    try {
      return await unwrapReportKey(held, staticKey);
    } catch (e) {
      if (!(e instanceof PrivateKeyError) || e.kind !== 'wrong_key') throw keyFailure(e);
      problem = 'The private key kept in this tab is not the one this report was sealed for. Choose its key file.';
    }
  }
  for (;;) {
    const {file, keep} = await privateKeyPanel({reportId, problem}, signal);
    try {
      const imported = await importPrivateKey(file);
      const reportKey = await unwrapReportKey(imported, staticKey);
      signal.throwIfAborted();
      if (keep) keepPrivateKey(imported, signedInUser());
      return reportKey;
    } catch (e) {
      if (e instanceof PrivateKeyError && e.kind !== 'unsupported') {
        problem = e.message;
        continue;
      }
      throw keyFailure(e);
    }
  }
}

function keyFailure(e) {
  return e instanceof PrivateKeyError ? new ReportError('static_key', e.message) : e;
}

/**
 * Opens a report file from this computer; nothing is uploaded. The file is read where needed, not
 * copied whole into the page: a large one is decrypted as it is read.
 */
export async function openFile(file) {
  const run = begin(`Opening ${file.name}`);
  run.panel.step('reading');
  try {
    await display(run, file, file.name, null);
  } catch (e) {
    if (cancelled(e)) stopped(run.ticket, 'The report was not opened.');
    else failure(run.ticket, e, 'This report could not be opened');
  }
}

/**
 * Downloads a cloud report by its link, then opens it. On a phone, a report larger than
 * LARGE_ON_A_PHONE is downloaded only after the user says so.
 */
export async function openLink(region, name) {
  closeReport();
  const ticket = opening;
  if (onPhone()) {
    const status = await cloudLinkStatus(region, name);
    if (ticket !== opening) return;
    if (status?.state === 'active' && status.size > LARGE_ON_A_PHONE && !await largeDownloadPanel(status.size)) {
      if (ticket === opening) location.hash = '#/reports';
      return;
    }
    if (ticket !== opening) return;
  }
  const run = begin('Opening the report');
  run.phase = 'downloading';
  run.panel.step('downloading');
  try {
    const bytes = await downloadCloudReport(region, name, {signal: run.signal, onProgress: (done, total) => {
      if (run.live()) run.panel.bytes(done, total);
    }});
    const reportId = name.includes('-') ? name.slice(name.indexOf('-') + 1) : null;
    await display(run, bytes, reportId ? `${reportId}.picsafe` : 'report.picsafe', reportId);
  } catch (e) {
    if (cancelled(e)) stopped(run.ticket, 'The download was stopped.');
    else failure(run.ticket, e, 'This report could not be opened');
  }
}

const ENTERPRISE_ACTOR = 'enterprise:';

/**
 * How the access log names who asked: a person by their email; an enterprise's Key Server Token
 * (actor "enterprise:{id}", no email) by the enterprise's name when it is the signed-in user's own
 * enterprise (the only one whose fetches of this user's reports the log can show), else by its id.
 */
async function actorNames(accesses) {
  const wanted = new Set(accesses.map(a => String(a.user_id || ''))
    .filter(u => u.startsWith(ENTERPRISE_ACTOR)).map(u => u.slice(ENTERPRISE_ACTOR.length)));
  const names = new Map();
  if (wanted.size) {
    try {
      const me = await fetchMe();
      if (me.enterprise && wanted.has(me.enterprise.id)) names.set(me.enterprise.id, me.enterprise.name);
    } catch (e) {
      if (e instanceof SignedOutError) throw e;
    }
  }
  return a => {
    const user = String(a.user_id || '');
    if (a.email) return a.email;
    if (user.startsWith(ENTERPRISE_ACTOR)) {
      const id = user.slice(ENTERPRISE_ACTOR.length);
      return names.has(id) ? `${names.get(id)} (enterprise)` : `Enterprise ${id}`;
    }
    return user || '(not signed in)';
  };
}

async function accessLog(keyserverUrl, reportId, target) {
  target.replaceChildren(el('p', {}, 'Loading…'));
  try {
    const log = await fetchAccesses(keyserverUrl, reportId);
    const who = await actorNames(log.accesses || []);
    target.replaceChildren(
      log.revoked_at ? el('p', {class: 'notice', id: 'revoked-at'}, `Revoked ${formatTime(log.revoked_at)}`) : '',
      el('table', {class: 'list', id: 'access-table'},
        el('thead', {}, el('tr', {}, el('th', {}, 'When'), el('th', {}, 'Who'), el('th', {}, 'What'), el('th', {}, 'Outcome'))),
        el('tbody', {}, (log.accesses || []).map(a => el('tr', {},
          el('td', {}, formatTime(a.time)), el('td', {class: 'who'}, who(a)),
          el('td', {}, String(a.action).replaceAll('_', ' ')), el('td', {}, a.outcome))))));
  } catch (e) {
    target.replaceChildren(errorBox(e.message, 'access-error'));
  }
}
