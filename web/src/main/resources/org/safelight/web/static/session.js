// The signed-in session and the accounts API.
//
// The access token (15 minutes) lives only in this module's memory. The refresh token lives in
// sessionStorage: it survives a reload of this tab, so a reload does not sign the user out, but it
// is dropped when the tab closes, is never sent by the browser on its own (unlike a cookie, so no
// cross-site request can use it), and is readable only by this origin's scripts, which the
// Content-Security-Policy restricts to our own files. Refresh tokens rotate: one refresh at a time
// (a second one with the same token would look like theft and end the session).

const REFRESH = 'safelight.refresh_token';
let accessToken = null;
let refreshing = null;
// Moves on at every sign-out: an answer to a request sent before it (a refresh, an API call) must
// not bring the session or its data back.
let epoch = 0;
// Whose data the page holds: the user id of the last /api/v1/accounts/me answer (fetchMe), null when
// signed out. A session can end without the Sign out button (its refresh refused: the sign-in form
// comes back with the tab's memory intact), so this, not the session, says when that memory goes:
// the forgetters (forgetWithUser) run when the page signs out and when a sign-in names someone else.
let pageUser = null;
const forgetters = new Set();
const ME = '/api/v1/accounts/me';

/** An error answer of a Safelight API: status, code ({"error"}) and message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** No session, or it ended (refresh refused). */
export class SignedOutError extends Error {
  constructor() { super('Please sign in.'); this.name = 'SignedOutError'; }
}

export async function apiError(response) {
  let body = {};
  try {
    body = await response.json();
  } catch (e) {
    // not JSON: keep the status alone
  }
  const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const message = typeof body.message === 'string' ? body.message : `the server answered ${response.status}`;
  return new ApiError(response.status, code, message);
}

async function postJson(path, body) {
  return fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
    credentials: 'omit', cache: 'no-store'});
}

function keep(pair) {
  accessToken = pair.access_token;
  sessionStorage.setItem(REFRESH, pair.refresh_token);
}

export function hasSession() {
  return accessToken !== null || sessionStorage.getItem(REFRESH) !== null;
}

export async function signIn(email, password) {
  const r = await postJson('/api/v1/accounts/signin', {email, password});
  if (!r.ok) throw await apiError(r);
  keep(await r.json());
}

export async function signUp(fields) {
  const r = await postJson('/api/v1/accounts/signup', fields);
  if (!r.ok) throw await apiError(r);
  return r.json();
}

/** Asks for a new link to confirm an address; the answer is the same whether or not it has an account. */
export async function resendVerification(email) {
  const r = await postJson('/api/v1/accounts/verify/resend', {email});
  if (!r.ok) throw await apiError(r);
}

/** Asks for a link to choose a new password; the answer is the same whether or not the address has an account. */
export async function requestPasswordReset(email) {
  const r = await postJson('/api/v1/accounts/password-reset', {email});
  if (!r.ok) throw await apiError(r);
}

/**
 * Registers forget(), which drops what a module holds of the signed-in user (a draft, a kept key, an
 * open report): it runs at sign-out and when the accounts service names another user than the one
 * the page's data belongs to. Returns a function that unregisters it.
 */
export function forgetWithUser(forget) {
  forgetters.add(forget);
  return () => forgetters.delete(forget);
}

/** The id of the user whose data the page holds (the last /accounts/me answer), or null. */
export function signedInUser() {
  return pageUser;
}

function forgetUser() {
  pageUser = null;
  for (const forget of [...forgetters]) {
    try {
      forget();
    } catch (e) {
      console.error(e); // one module's failure must not keep another's data
    }
  }
}

/**
 * GET /api/v1/accounts/me, the one way the page learns who is signed in: an answer that names another
 * user than the one the page's data belongs to drops that data (forgetWithUser) before it returns.
 */
export async function fetchMe() {
  const me = await getJson(ME);
  if (pageUser !== null && me.user_id !== pageUser) forgetUser();
  pageUser = me.user_id;
  return me;
}

export async function signOut() {
  const token = sessionStorage.getItem(REFRESH);
  epoch++;
  forgetUser();
  accessToken = null;
  sessionStorage.removeItem(REFRESH);
  if (token) {
    try {
      await postJson('/api/v1/accounts/signout', {refresh_token: token});
    } catch (e) {
      // offline: the token is forgotten here and expires on its own
    }
  }
}

/** Trades the refresh token for a new pair; concurrent callers share one request. */
function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const started = epoch;
      const token = sessionStorage.getItem(REFRESH);
      if (!token) throw new SignedOutError();
      const r = await postJson('/api/v1/accounts/refresh', {refresh_token: token});
      if (started !== epoch) {
        // Signed out meanwhile: end the session this answer started too, and keep nothing of it.
        if (r.ok) postJson('/api/v1/accounts/signout', {refresh_token: (await r.json()).refresh_token}).catch(() => {});
        throw new SignedOutError();
      }
      if (r.status === 401 || r.status === 400) {
        accessToken = null;
        sessionStorage.removeItem(REFRESH);
        throw new SignedOutError();
      }
      if (!r.ok) throw await apiError(r);
      keep(await r.json());
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

/**
 * fetch() with the user's token (to this origin or a key server), refreshing it once on 401.
 * Throws SignedOutError when there is no session.
 */
export async function authorizedFetch(url, init = {}) {
  const started = epoch;
  if (!accessToken) await refresh();
  const send = () => fetch(url, {...init, credentials: 'omit', cache: 'no-store',
    headers: {...(init.headers || {}), Authorization: `Bearer ${accessToken}`}});
  let r = await send();
  if (r.status === 401) {
    const used = accessToken;
    if (refreshing) await refreshing;
    if (accessToken === used) await refresh();
    r = await send();
    if (r.status === 401) throw new SignedOutError();
  }
  if (started !== epoch) throw new SignedOutError();
  return r;
}

/** GET a JSON document with the user's token; ApiError on an error answer. */
export async function getJson(url) {
  const r = await authorizedFetch(url);
  if (!r.ok) throw await apiError(r);
  return r.json();
}

export async function sendJson(method, url, body) {
  const init = {method};
  if (body !== undefined) {
    init.headers = {'Content-Type': 'application/json'};
    init.body = JSON.stringify(body);
  }
  const r = await authorizedFetch(url, init);
  if (!r.ok) throw await apiError(r);
  return r.status === 204 ? null : r.json();
}
