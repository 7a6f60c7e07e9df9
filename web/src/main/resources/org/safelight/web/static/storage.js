// Box and Dropbox for PRO users: connect once (OAuth 2 with PKCE in a popup), then send a report.
//
// The page that asks to connect keeps the PKCE verifier and the state in its memory only and opens
// the service's authorization page in a popup (a new tab on a phone): the composer's draft stays
// where it is. The service sends the popup back to /app/?code=...&state=...; since our pages are
// served with Cross-Origin-Opener-Policy, the popup cannot reach its opener (and the opener sees it
// as closed as soon as it leaves our origin), so the popup hands the code over a BroadcastChannel
// and the opener, which checks the state, finishes the exchange through our server. Nothing of it
// is written to browser storage.
import {apiError, authorizedFetch, getJson, sendJson} from './session.js';

const CHANNEL = 'safelight.storage';
const CALLBACK_PATH = '/app/';
const CONNECT_DEADLINE_MS = 10 * 60 * 1000;

const base = provider => `/api/v1/accounts/me/storage/${encodeURIComponent(provider)}`;

/**
 * The services and what this user may do with them:
 * [{provider, name, configured, connected, allowed, why, plain_allowed}].
 */
export async function storageServices() {
  return (await getJson('/api/v1/accounts/me/storage')).services;
}

function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText(bytes) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier) {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/**
 * Connects the service: opens its authorization page in a popup and resolves once the server holds
 * the tokens. Call it from a click (browsers block popups opened later). Rejects with ApiError
 * (pro_required, not_configured, destination_refused, ...), or Error whose message says what
 * happened ('cancelled' when the user declined or nothing came back in ten minutes).
 */
export async function connectStorage(provider) {
  // Opened at once, while the click still counts as the user's gesture; pointed at the service below.
  const popup = window.open('about:blank', 'safelight-storage', 'popup,width=520,height=720');
  if (!popup) throw new Error('The browser blocked the sign-in window: allow pop-ups for this site and try again.');
  try {
    const verifier = randomText(48);
    // The server issues the state (bound to this user, single use, ten minutes) and names the one
    // redirect URI it accepts; the verifier stays in this function's memory until finish.
    const start = await sendJson('POST', `${base(provider)}/connect`, {});
    const state = start.state;
    const url = new URL(start.authorize_endpoint);
    const params = {
      ...start.params, response_type: 'code', client_id: start.client_id, redirect_uri: start.redirect_uri,
      state, code_challenge: await challengeOf(verifier), code_challenge_method: 'S256'};
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const code = await waitForCode(state, () => { popup.location.href = url.toString(); });
    await sendJson('POST', `${base(provider)}/finish`,
      {code, code_verifier: verifier, redirect_uri: start.redirect_uri, state});
  } catch (e) {
    try { popup.close(); } catch (ignored) { /* already gone */ }
    throw e;
  }
}

function waitForCode(state, go) {
  return new Promise((resolve, reject) => {
    const channel = new BroadcastChannel(CHANNEL);
    const deadline = setTimeout(() => done(null, new Error('cancelled')), CONNECT_DEADLINE_MS);
    function done(code, error) {
      clearTimeout(deadline);
      channel.close();
      if (error) reject(error); else resolve(code);
    }
    channel.onmessage = e => {
      const m = e.data || {};
      if (m.kind !== 'code' || m.state !== state) return; // another tab's connection
      channel.postMessage({kind: 'received', state});
      if (m.error) done(null, new Error(m.error === 'access_denied' ? 'cancelled' : `refused (${m.error})`));
      else done(m.code, null);
    };
    go();
  });
}

/**
 * Called first thing by main.js: when this page is a service's redirect back (?code&state or
 * ?error&state), hands it to the page that asked, shows a line through show(text), closes this
 * window once that page has it, and answers true; otherwise false and nothing happens.
 */
export async function storageCallback(show) {
  const q = new URLSearchParams(location.search);
  const state = q.get('state');
  if (!state || !(q.has('code') || q.has('error')) || !/^(box|dropbox)\./.test(state)) return false;
  const message = {kind: 'code', state, code: q.get('code'), error: q.get('error')};
  history.replaceState(null, '', CALLBACK_PATH); // the code leaves the address bar and the history
  show('Connecting…');
  const channel = new BroadcastChannel(CHANNEL);
  let acknowledged = false;
  const received = new Promise(resolve => {
    channel.onmessage = e => {
      if (e.data && e.data.kind === 'received' && e.data.state === state) { acknowledged = true; resolve(); }
    };
  });
  // Sent until the asking page answers, with a deadline: it may be a background tab that runs late.
  const deadline = Date.now() + 60000;
  while (!acknowledged && Date.now() < deadline) {
    channel.postMessage(message);
    await Promise.race([received, new Promise(r => setTimeout(r, 500))]);
  }
  channel.close();
  show(acknowledged ? 'Done: this window can be closed.' : 'The page that asked is gone: please connect again.');
  if (acknowledged) window.close();
  return true;
}

/** Forgets the connection (the server drops the tokens). */
export async function disconnectStorage(provider) {
  await sendJson('DELETE', base(provider));
}

/**
 * Uploads the report's file into the user's Safelight folder (Box) or app folder (Dropbox) and
 * records the send. The service names it after the report ID ({id}.picsafe, or {id}.zip for a plain
 * report, which only a server that allows it takes: see plain_allowed). Resolves {sent: true, path};
 * rejects with ApiError (pro_required, storage_not_connected, destination_unavailable,
 * destination_refused, ...).
 */
export async function sendToStorage(provider, {blob, fileName, reportId}) {
  const plain = /\.zip$/i.test(fileName || '');
  const query = `report_id=${encodeURIComponent(reportId)}${plain ? '&plain=true' : ''}`;
  const r = await authorizedFetch(`${base(provider)}/reports?${query}`,
    {method: 'POST', headers: {'Content-Type': 'application/octet-stream'}, body: blob});
  if (!r.ok) throw await apiError(r);
  const body = await r.json();
  return {sent: true, path: body.path};
}
