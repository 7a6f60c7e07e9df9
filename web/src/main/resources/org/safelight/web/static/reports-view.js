// My reports (the cloud uploads), and opening a report from a link or from a file.
import {el, errorBox, formatBytes, formatTime, show} from './dom.js';
import {ApiError, getJson, SignedOutError} from './session.js';
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

function until(iso) {
  const ms = new Date(iso).getTime() - Date.now();
  if (!Number.isFinite(ms)) return '';
  const days = Math.floor(ms / 86400000);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'} left`;
  const hours = Math.max(0, Math.floor(ms / 3600000));
  return `${hours} hour${hours === 1 ? '' : 's'} left`;
}

/** Region and name of a share link {public-url}/app/report/{region}/{name}. */
function linkParts(link) {
  const m = /\/app\/report\/([A-Z]{2})\/([A-Za-z0-9_-]+)$/.exec(new URL(link, location.href).pathname);
  return m ? {region: m[1], name: m[2]} : null;
}

export async function reportsView() {
  show(el('p', {}, 'Loading your reports…'));
  let body;
  try {
    body = await getJson('/api/v1/accounts/me/reports');
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    show(el('section', {class: 'card', id: 'reports'}, el('h1', {}, 'My reports'), errorBox(e instanceof ApiError && e.status === 404
      ? 'This server keeps no list of cloud reports.' : e.message)));
    return;
  }
  const reports = body.reports || [];
  const rows = reports.map(r => {
    const parts = linkParts(r.link || '');
    const expired = r.expired === true || new Date(r.expires_at).getTime() <= Date.now();
    return el('tr', {'data-report': r.report_id, class: expired ? 'expired' : ''},
      el('td', {class: 'report-id'}, r.report_id),
      el('td', {}, formatTime(r.uploaded_at)),
      el('td', {class: 'expiry'}, expired ? 'expired' : `${formatTime(r.expires_at)} (${until(r.expires_at)})`),
      el('td', {}, formatBytes(r.size)),
      el('td', {}, !expired && parts
        ? el('a', {class: 'open button', href: `#/link/${parts.region}/${parts.name}`}, 'Open') : ''));
  });
  show(el('section', {class: 'card', id: 'reports'},
    el('h1', {}, 'My reports'),
    el('p', {class: 'hint'}, 'Reports you sent to the cloud. They are kept for 7 days; open one to decrypt it in this browser.'),
    reports.length
      ? el('table', {class: 'list', id: 'report-list'}, el('thead', {}, el('tr', {}, el('th', {}, 'Report'),
        el('th', {}, 'Sent'), el('th', {}, 'Expires'), el('th', {}, 'Size'), el('th', {}, ''))), el('tbody', {}, rows))
      : el('p', {id: 'no-reports'}, 'No reports yet.')));
}

/** The "open a file" page: a drop zone and a file picker. */
export function openFileView() {
  const input = el('input', {type: 'file', id: 'file-input', accept: '.picsafe,.zip'});
  input.addEventListener('change', () => {
    if (input.files.length) openFile(input.files[0]);
  });
  show(el('section', {class: 'card', id: 'open-file'},
    el('h1', {}, 'Open a .picsafe file'),
    el('div', {class: 'dropzone', id: 'dropzone'},
      el('p', {}, 'Drop a .picsafe file anywhere on this page, or choose one:'),
      el('label', {class: 'button'}, 'Choose a file…', input)),
    el('p', {class: 'hint'}, 'The file is not uploaded: it is decrypted in this browser. Only the key is fetched, '
      + 'from the key server that holds it, and that request is recorded.')));
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
