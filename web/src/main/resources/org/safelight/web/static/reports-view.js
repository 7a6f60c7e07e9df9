// My reports: one card per report the user sent (where, to whom, until when), with its link to copy
// or send again and a way to revoke it; and the "open a file" page.
import {copyText, el, errorBox, facts, formatBytes, formatTime, newView, onPhone, show} from './dom.js';
import {ApiError, getJson, SignedOutError} from './session.js';
import {openFile} from './opening.js';
import {revocationStatuses, revokeReport} from './keys.js';

const CHANNELS = {cloud: 'Cloud link', sms: 'SMS', whatsapp: 'WhatsApp', email: 'Email', endpoint: 'Endpoint', fhir: 'FHIR',
  box: 'Box', dropbox: 'Dropbox'};

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

/** "SMS to +61 4…, 27 November 2026, 14:05" */
function sendText(s) {
  const channel = CHANNELS[s.channel] || String(s.channel || 'Sent');
  return `${channel}${s.recipient ? ` to ${s.recipient}` : ''}, ${formatTime(s.sent_at)}`;
}

/** The list; view: its ticket from the router (nothing is drawn once the user moved on). */
export async function reportsView(view) {
  view.show(el('p', {role: 'status'}, 'Loading your reports…'));
  let body;
  try {
    body = await getJson('/api/v1/accounts/me/reports');
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    view.show(el('section', {class: 'card', id: 'reports'}, el('h1', {}, 'My reports'), errorBox(e instanceof ApiError && e.status === 404
      ? 'This server keeps no list of cloud reports.' : e.message)));
    return;
  }
  const reports = body.reports || [];
  const cards = reports.map(reportCard);
  view.show(el('section', {class: 'card', id: 'reports'},
    el('h1', {}, 'My reports'),
    el('p', {class: 'hint'}, 'Reports you sent. A cloud link is kept for 7 days; open a report to decrypt it in this browser.'),
    reports.length ? el('ul', {class: 'cards', id: 'report-list'}, cards.map(c => c.node)) : el('p', {id: 'no-reports'}, 'No reports yet.')));
  // Which reports are revoked: asked of the key servers once the list is on screen, in batches.
  const withKeyServer = reports.filter(r => r.keyserver_url);
  const statuses = withKeyServer.length ? await revocationStatuses(withKeyServer) : new Map();
  if (!view.current()) return;
  for (const c of cards) c.showRevocation(statuses);
}

function reportCard(r) {
  const parts = r.link ? linkParts(r.link) : null;
  const expired = r.expired === true || (r.expires_at && new Date(r.expires_at).getTime() <= Date.now());
  const first = r.first_sent_at || r.uploaded_at;
  const last = r.last_sent_at || r.uploaded_at;
  const state = el('p', {class: 'state', role: 'status'});
  const actions = el('div', {class: 'actions'});
  const node = el('li', {class: `report-item${expired ? ' expired' : ''}`, 'data-report': r.report_id},
    el('h2', {class: 'report-id'}, `Report ${r.report_id}`),
    facts([
      ['Sent', first && last && first !== last ? `${formatTime(first)}; last ${formatTime(last)}` : formatTime(last)],
      ['To', (r.sends || []).map(sendText).join('\n'), undefined, 'sends'],
      ['Link', r.expires_at ? (expired ? 'expired' : `until ${formatTime(r.expires_at)} (${until(r.expires_at)})`) : '',
        undefined, 'expiry'],
      ['Size', formatBytes(r.size)],
    ]),
    state, actions);
  const revoked = at => {
    node.classList.add('revoked');
    state.textContent = `Revoked${at ? ` ${formatTime(at)}` : ''}: nobody can open it any more.`;
    for (const b of actions.querySelectorAll('.needs-live')) b.remove();
  };
  if (!expired && parts) {
    actions.append(el('a', {class: 'open button needs-live', href: `#/link/${parts.region}/${parts.name}`}, 'Open'));
  }
  if (!expired && r.link) {
    actions.append(copyButton(r.link, state), sendAgainButton(r, state));
  }
  if (r.keyserver_url) actions.append(revokeButton(r, state, actions, revoked));
  const showRevocation = statuses => {
    if (!r.keyserver_url || node.classList.contains('revoked')) return;
    const status = statuses.get(r.report_id);
    if (status?.revoked) revoked(status.revokedAt);
    else if (!status) {
      node.querySelector('.revocation-unchecked')?.remove();
      state.before(el('p', {class: 'hint revocation-unchecked'},
        'Revocation not checked: its key server could not be asked.'));
    }
  };
  return {node, showRevocation};
}

function copyButton(link, state) {
  return el('button', {type: 'button', class: 'copy-link secondary needs-live', onclick: async () => {
    state.textContent = (await copyText(link)) ? 'Link copied.' : `Copy this link: ${link}`;
  }}, 'Copy link');
}

/** The phone's share sheet where there is one; else the link is copied, to paste into a message. */
function sendAgainButton(r, state) {
  return el('button', {type: 'button', class: 'send-again secondary needs-live', onclick: async () => {
    if (navigator.share) {
      try {
        await navigator.share({title: 'Safelight report', text: `Safelight report ${r.report_id}`, url: r.link});
        return;
      } catch (e) {
        if (e.name === 'AbortError') return; // the user closed the share sheet
      }
    }
    state.textContent = (await copyText(r.link))
      ? 'Link copied: paste it into a text message or an email to the recipient.'
      : `Copy this link into a message to the recipient: ${r.link}`;
  }}, 'Send again');
}

/** Revoke, after a confirmation in place (a stray tap must not cut a recipient off). */
function revokeButton(r, state, actions, revoked) {
  const button = el('button', {type: 'button', class: 'revoke danger needs-live'}, 'Revoke…');
  button.addEventListener('click', () => {
    const yes = el('button', {type: 'button', class: 'confirm-revoke danger'}, 'Revoke it');
    const no = el('button', {type: 'button', class: 'secondary'}, 'Keep it');
    const ask = el('div', {class: 'confirm', role: 'group', 'aria-label': 'Confirm revoking'},
      el('p', {}, `Revoke report ${r.report_id}? Its key server then gives its key to nobody, not even you: `
        + 'no one can open it again. This cannot be undone.'), yes, no);
    button.hidden = true;
    actions.append(ask);
    no.addEventListener('click', () => { ask.remove(); button.hidden = false; button.focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        const answer = await revokeReport(r.keyserver_url, r.report_id);
        ask.remove();
        revoked(answer.revoked_at);
        state.focus?.();
      } catch (e) {
        if (e instanceof SignedOutError) throw e;
        ask.replaceWith(errorBox(e.message, `revoke-error-${r.report_id}`));
        button.hidden = false;
      }
    });
    yes.focus();
  });
  return button;
}

/** The "open a file" page: a drop zone and a file picker (on a phone: tap to choose). */
export function openFileView() {
  const input = el('input', {type: 'file', id: 'file-input', accept: '.picsafe,.zip'});
  input.addEventListener('change', () => {
    if (input.files.length) {
      newView();
      openFile(input.files[0]);
    }
  });
  const touch = onPhone();
  show(el('section', {class: 'card', id: 'open-file'},
    el('h1', {}, 'Open a .picsafe file'),
    el('div', {class: 'dropzone', id: 'dropzone'},
      el('p', {id: 'dropzone-text'}, touch ? 'Tap the button to choose a .picsafe file on this device.'
        : 'Drop a .picsafe file anywhere on this page, or choose one:'),
      el('label', {class: 'button', id: 'choose-file'}, 'Choose a file…', input)),
    el('p', {class: 'hint'}, 'The file is not uploaded: it is decrypted in this browser. Only the key is fetched, '
      + 'from the key server that holds it, and that request is recorded.')));
}
