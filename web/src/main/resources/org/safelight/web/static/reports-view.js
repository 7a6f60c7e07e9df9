// My reports (the cloud uploads), and opening a report from a link or from a file.
import {el, errorBox, formatBytes, formatTime, show} from './dom.js';
import {ApiError, getJson, SignedOutError} from './session.js';
import {openFile} from './opening.js';

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
