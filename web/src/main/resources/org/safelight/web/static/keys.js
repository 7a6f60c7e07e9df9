// Talking to key servers and to the cloud store, with answers turned into sentences for the user.
import {ApiError, apiError, authorizedFetch, SignedOutError} from './session.js';

let allowed = null;

/** Key server origins this page may ask (its own and those of /app/config.json). */
async function allowedOrigins() {
  if (!allowed) {
    allowed = (async () => {
      const origins = new Set([location.origin]);
      try {
        const r = await fetch('/app/config.json', {cache: 'no-store'});
        if (r.ok) for (const o of (await r.json()).key_servers || []) origins.add(String(o).toLowerCase());
      } catch (e) {
        // this origin alone
      }
      return origins;
    })();
  }
  return allowed;
}

/** A failure with a sentence for the user; kind: revoked, denied, expired, unknown, unreachable, signed_out. */
export class AccessError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'AccessError';
    this.kind = kind;
  }
}

/** The origin of a report's key server URL: a path, query or fragment never steers where a token goes. */
function keyServerOrigin(keyserverUrl) {
  let url;
  try {
    url = new URL(keyserverUrl);
  } catch (e) {
    throw new AccessError('unknown', 'The report names a key server that is not a valid address.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AccessError('unknown', 'The report names a key server that is not an http(s) address.');
  }
  return url.origin.toLowerCase();
}

async function checkedKeyServer(keyserverUrl) {
  const origin = keyServerOrigin(keyserverUrl);
  // A token goes only to key servers this site trusts (the CSP enforces the same).
  if (!(await allowedOrigins()).has(origin)) {
    throw new AccessError('unreachable', `This report's key server (${origin}) is not one this site works with, `
      + 'so nothing was sent to it.');
  }
  return origin;
}

/**
 * A short-lived token that only the key server at origin accepts, from this site's accounts server
 * (token exchange): the user's own token never goes to a key server.
 */
async function keyServerToken(origin) {
  const r = await authorizedFetch('/api/v1/accounts/key-server-token', {method: 'POST',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify({key_server: origin})});
  if (!r.ok) throw await apiError(r);
  return (await r.json()).access_token;
}

async function keyServerCall(keyserverUrl, reportId, what, method = 'GET', signal = undefined) {
  const base = await checkedKeyServer(keyserverUrl);
  const send = async () => fetch(`${base}/api/v1/reports/${encodeURIComponent(reportId)}/${what}`, {method,
    credentials: 'omit', cache: 'no-store', signal, headers: {Authorization: `Bearer ${await keyServerToken(base)}`}});
  let r;
  try {
    r = await send();
    if (r.status === 401) r = await send(); // the scoped token expired on the way: one fresh one
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    if (e instanceof SignedOutError) throw new AccessError('signed_out', 'Please sign in again.');
    if (e instanceof ApiError) throw new AccessError('unknown', `No token for the key server: ${e.message}`);
    throw new AccessError('unreachable', `The key server at ${base} could not be reached.`);
  }
  if (r.ok) return r.json();
  const e = await apiError(r);
  switch (e.code) {
    case 'report_revoked':
      throw new AccessError('revoked', 'The sender has revoked this report: its key is no longer given to anyone.');
    case 'access_denied':
      throw new AccessError('denied', `Access denied: the key server at ${base} does not give this report's key to your email address.`);
    case 'not_permitted': // the server's message names who may (see its accesses, revoke it)
      throw new AccessError('denied', `Access denied: ${e.message}.`);
    case 'email_unverified':
      throw new AccessError('denied', 'Access denied: verify your email address first (open the link we emailed you), then sign in again.');
    case 'unknown_report':
      throw new AccessError('unknown', `The key server at ${base} holds no key for report ${reportId}.`);
    case 'invalid_token':
    case 'token_expired':
      throw new AccessError('unknown', `The key server at ${base} did not accept the token made for it (${e.message}).`);
    case 'rate_limited':
      throw new AccessError('unreachable', 'Too many requests to the key server; try again in a minute.');
    default:
      throw new AccessError('unknown', `The key server refused: ${e.message}`);
  }
}

/** The report key; the key server records the request first. signal (optional) aborts the request. */
export async function fetchKey(keyserverUrl, reportId, signal = undefined) {
  const body = await keyServerCall(keyserverUrl, reportId, 'key', 'GET', signal);
  if (typeof body.key !== 'string' || body.key === '') throw new AccessError('unknown', 'The key server sent no key.');
  return body.key;
}

/**
 * The key of a report being sealed, made by the key server at keyServer for this sender (the same
 * key when asked again), after the same trust check and token exchange as fetchKey. Used by seal.js.
 */
export async function createReportKey(keyServer, reportId, signal = undefined) {
  const body = await keyServerCall(keyServer, reportId, 'key', 'POST', signal);
  if (typeof body.key !== 'string' || body.key === '') throw new AccessError('unknown', 'The key server sent no key.');
  return body.key;
}

/** {report_id, revoked_at, accesses: [...]} */
export async function fetchAccesses(keyserverUrl, reportId) {
  return keyServerCall(keyserverUrl, reportId, 'accesses');
}

/**
 * The bytes of a cloud report, by its share link's region and name, read as they arrive:
 * onProgress(done, total) after each piece (total from Content-Length, or null); signal stops the
 * download (the request is aborted, nothing more is read).
 */
export async function downloadCloudReport(region, name, {signal, onProgress} = {}) {
  let r;
  try {
    r = await authorizedFetch(`/api/v1/cloud/reports/${encodeURIComponent(region)}/${encodeURIComponent(name)}`,
      {signal});
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    if (e instanceof SignedOutError) throw new AccessError('signed_out', 'Please sign in again.');
    throw new AccessError('unreachable', 'The report could not be downloaded: the server did not answer.');
  }
  if (r.ok) {
    const length = Number(r.headers.get('Content-Length'));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    if (!r.body) return new Uint8Array(await r.arrayBuffer());
    const reader = r.body.getReader();
    // Cancel ends a read that is waiting for the network, whatever the fetch does with the signal.
    const stop = () => reader.cancel().catch(() => {});
    signal?.addEventListener('abort', stop);
    const parts = [];
    let done = 0;
    onProgress?.(0, total);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const {done: finished, value} = await reader.read();
        signal?.throwIfAborted();
        if (finished) break;
        parts.push(value);
        done += value.length;
        onProgress?.(done, total);
      }
    } catch (e) {
      stop();
      if (e?.name === 'AbortError') throw e;
      throw new AccessError('unreachable', 'The download broke off; try again.');
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    const bytes = new Uint8Array(done);
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    return bytes;
  }
  const e = await apiError(r);
  if (r.status === 410) throw new AccessError('expired', 'This link has expired: reports are kept for 7 days after they are sent.');
  if (r.status === 404) throw new AccessError('unknown', 'There is no report at this link.');
  if (r.status === 403) throw new AccessError('denied', `Access denied: ${e.message}`);
  throw new AccessError('unknown', `The report could not be downloaded: ${e.message}`);
}

/**
 * What the cloud says of a share link before anyone signs in: {state: 'active', expiresAt, size,
 * reportId} | {state: 'expired'} | {state: 'unknown'}; null when it cannot be asked.
 */
export async function cloudLinkStatus(region, name) {
  try {
    const r = await fetch(`/api/v1/cloud/reports/${encodeURIComponent(region)}/${encodeURIComponent(name)}/status`,
      {cache: 'no-store', credentials: 'omit'});
    if (r.status === 410) return {state: 'expired'};
    if (r.status === 404) return {state: 'unknown'};
    if (!r.ok) return null;
    const body = await r.json();
    return {state: 'active', expiresAt: body.expires_at, size: typeof body.size === 'number' ? body.size : null,
      reportId: body.report_id || null, keyserverUrl: body.keyserver_url || null};
  } catch (e) {
    return null;
  }
}

/**
 * Revokes a report its sender sent: the key server gives its key to nobody from then on.
 * {report_id, revoked_at, already_revoked}; revoking a revoked report answers already_revoked.
 */
export async function revokeReport(keyserverUrl, reportId) {
  return keyServerCall(keyserverUrl, reportId, 'revoke', 'POST');
}

/** A status answer's row as the page uses it. */
function revocation(body) {
  return body.revoked === true ? {revoked: true, revokedAt: body.revoked_at || null} : {revoked: false};
}

/**
 * The origin a report's status is asked of: the key server it names when this site works with
 * it; when it names none, only this site's own (in-process) key server, never any other trusted
 * one, so no key server can mark another's reports revoked. null when it cannot be asked.
 */
async function statusOrigin(keyserverUrl) {
  if (!keyserverUrl) return location.origin.toLowerCase();
  let origin;
  try {
    origin = keyServerOrigin(keyserverUrl);
  } catch (e) {
    return null;
  }
  return (await allowedOrigins()).has(origin) ? origin : null;
}

/**
 * Whether a report is revoked, from the public status route of its key server (no sign-in; nothing
 * is released or recorded): {revoked: true, revokedAt} | {revoked: false}, or null when it cannot
 * be told. keyserverUrl: the one its package.json names (from the cloud link's status), asked only
 * when this site works with it; when unknown, only this site's own key server is asked.
 */
export async function revocationStatus(reportId, keyserverUrl) {
  const origin = await statusOrigin(keyserverUrl);
  if (!origin) return null;
  try {
    const r = await fetch(`${origin}/api/v1/reports/${encodeURIComponent(reportId)}/status`,
      {cache: 'no-store', credentials: 'omit'});
    return r.ok ? revocation(await r.json()) : null;
  } catch (e) {
    return null;
  }
}

const STATUS_BATCH = 100;

/**
 * The revocation state of many reports, one request per key server per 100 reports (the key
 * server's batch status route, one request in its per-address limit): reports is a list of
 * {report_id, keyserver_url}. Answers a Map from report ID to {revoked, revokedAt?} for each report
 * whose key server told; a report it holds no key for is {revoked: false}; a report whose state
 * could not be learned (key server not one this site works with, unreachable, refusing) is absent.
 */
export async function revocationStatuses(reports) {
  const byOrigin = new Map();
  for (const r of reports) {
    const origin = await statusOrigin(r.keyserver_url);
    if (!origin) continue;
    if (!byOrigin.has(origin)) byOrigin.set(origin, []);
    byOrigin.get(origin).push(r.report_id);
  }
  const known = new Map();
  const calls = [];
  for (const [origin, ids] of byOrigin) {
    for (let i = 0; i < ids.length; i += STATUS_BATCH) {
      const chunk = ids.slice(i, i + STATUS_BATCH);
      calls.push((async () => {
        const r = await fetch(`${origin}/api/v1/reports/status`, {method: 'POST', cache: 'no-store',
          credentials: 'omit', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({report_ids: chunk})});
        if (!r.ok) return;
        const told = new Map(((await r.json()).reports || []).map(row => [row.report_id, revocation(row)]));
        for (const id of chunk) known.set(id, told.get(id) || {revoked: false});
      })().catch(() => {}));
    }
  }
  await Promise.all(calls);
  return known;
}
