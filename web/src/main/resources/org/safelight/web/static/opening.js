// Opening a report from a link or from a file, showing it, and its access log.
import {el, errorBox, formatTime, show} from './dom.js';
import {getJson, SignedOutError} from './session.js';
import {AccessError, downloadCloudReport, fetchAccesses, fetchKey} from './keys.js';
import {openReport, ReportError} from './picsafe.js';
import {reportView} from './report-view.js';

let opened = null;
// Counts openings; closeReport() moves it on, so an opening still under way (waiting for its key,
// decrypting) when the user signs out or goes elsewhere shows nothing when it finishes.
let opening = 0;

/** Releases the report on screen (its blob: URLs, its key handler) and abandons one being opened. */
export function closeReport() {
  opening++;
  if (opened) {
    opened.dispose();
    opened = null;
  }
}

function progress(ticket, text) {
  if (ticket !== opening) return;
  show(el('section', {class: 'card', id: 'opening'}, el('p', {id: 'progress'}, text)));
}

function failure(ticket, e, title) {
  if (ticket !== opening) return;
  const known = e instanceof ReportError || e instanceof AccessError;
  const kind = known ? e.kind : 'error';
  show(el('section', {class: 'card', id: 'open-failed', 'data-kind': kind},
    el('h1', {}, title), errorBox(known ? e.message : `The report could not be opened (${e.message}).`),
    el('p', {}, el('a', {href: '#/open'}, 'Open another file'))));
  if (!known) console.error(e);
}

async function display(ticket, bytes, fileName, reportId) {
  progress(ticket, 'Asking the key server for the key…');
  const report = await openReport(bytes, {fileName, reportId, fetchKey: async (ks, id) => {
    const key = await fetchKey(ks, id);
    progress(ticket, 'Checking and decrypting…');
    return key;
  }});
  if (ticket !== opening) return;
  opened = reportView(report, {sourceBytes: bytes, sourceName: fileName,
    onAccessLog: target => accessLog(report.keyserverUrl, report.reportId, target)});
  show(opened.node);
}

/** Opens a report file from this computer; nothing is uploaded. */
export async function openFile(file) {
  closeReport();
  const ticket = opening;
  progress(ticket, `Reading ${file.name}…`);
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    await display(ticket, bytes, file.name, null);
  } catch (e) {
    failure(ticket, e, 'This report could not be opened');
  }
}

/** Downloads a cloud report by its link, then opens it. */
export async function openLink(region, name) {
  closeReport();
  const ticket = opening;
  progress(ticket, 'Downloading the encrypted report…');
  try {
    const bytes = await downloadCloudReport(region, name);
    const reportId = name.includes('-') ? name.slice(name.indexOf('-') + 1) : null;
    await display(ticket, bytes, reportId ? `${reportId}.picsafe` : 'report.picsafe', reportId);
  } catch (e) {
    failure(ticket, e, 'This report could not be opened');
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
      const me = await getJson('/api/v1/accounts/me');
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
