// The Institution page: the reports an institution's endpoint received. Its enterprise's admins see
// every report (sender, time, how it came, each destination's status and error), retry parked ones
// and answer the deliveries that wait for a person (which patient, which practitioner: see
// institution-question.js); anyone else sees the status of the reports they sent there. The endpoint
// may be on another origin: it then gets only a short-lived token the accounts server scoped to it,
// never the user's own.
import {el, errorBox, facts, formatBytes, formatTime} from './dom.js';
import {questionPanel} from './institution-question.js';
import {ApiError, apiError, authorizedFetch, SignedOutError} from './session.js';

let endpointOrigin;

/** The endpoint this site shows (/app/config.json), or null. */
export async function endpoint() {
  if (endpointOrigin === undefined) {
    endpointOrigin = (async () => {
      try {
        const r = await fetch('/app/config.json', {cache: 'no-store'});
        const e = r.ok ? (await r.json()).endpoint : null;
        return typeof e === 'string' && e ? new URL(e).origin : null;
      } catch (e) {
        return null;
      }
    })();
  }
  return endpointOrigin;
}

/** A token for the endpoint: the user's own on this origin, else one scoped to the endpoint's origin. */
async function endpointFetch(origin, path, method = 'GET', body = undefined) {
  const init = body === undefined ? {method}
    : {method, headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)};
  if (origin === location.origin) {
    return authorizedFetch(path, init);
  }
  const send = async () => {
    const t = await authorizedFetch('/api/v1/accounts/endpoint-token', {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body: JSON.stringify({endpoint: origin})});
    if (!t.ok) throw await apiError(t);
    const token = (await t.json()).token;
    return fetch(origin + path, {...init, credentials: 'omit', cache: 'no-store',
      headers: {...(init.headers || {}), Authorization: `Bearer ${token}`}});
  };
  let r = await send();
  if (r.status === 401) r = await send(); // the scoped token expired on the way: one fresh one
  return r;
}

async function call(origin, path, method, body) {
  let r;
  try {
    r = await endpointFetch(origin, path, method, body);
  } catch (e) {
    if (e instanceof SignedOutError || e instanceof ApiError) throw e;
    throw new ApiError(0, 'unreachable', `The endpoint at ${origin} could not be reached.`);
  }
  if (!r.ok) throw await apiError(r);
  return r.json();
}

const STATES = {received: 'Received, not opened yet', waiting: 'Waiting to be opened again', opened: 'Opened, being delivered',
  delivered: 'Delivered everywhere', parked: 'Parked: needs a person',
  needs_person: 'Waiting for a person to answer a question'};

function hasParked(r) {
  return r.state === 'parked' || (r.deliveries || []).some(d => d.status === 'parked');
}

function waitsForAPerson(d) {
  return d.status === 'needs_person';
}

/** "Delivered 27 November 2026, 14:05" / "Parked after 8 attempts: HTTP 503" / "Pending, next try ..." */
function deliveryText(d) {
  const tries = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
  let text;
  if (d.status === 'delivered') text = `delivered${d.delivered_at ? ` ${formatTime(d.delivered_at)}` : ''}`;
  else if (d.status === 'parked') text = `parked after ${tries}`;
  else if (waitsForAPerson(d) && !d.question) text = 'waiting for the institution to confirm the patient';
  else if (waitsForAPerson(d)) {
    text = `waiting for a person to choose the ${d.question.kind === 'practitioner' ? 'practitioner' : 'patient'}`;
    return `${d.destination}: ${text}`; // the question below says why
  }
  else text = `pending (${tries}${d.next_attempt_at ? `, next try ${formatTime(d.next_attempt_at)}` : ''})`;
  return `${d.destination}: ${text}${d.last_error ? ` — ${d.last_error}` : ''}`;
}

/** How long a page follows a delivery a person just answered (it goes on in the endpoint's worker). */
const FOLLOW_MS = 60_000;

function reportCard(origin, r, admin, onRetried) {
  const state = el('p', {class: 'state', role: 'status', tabindex: '-1'});
  const actions = el('div', {class: 'actions'});
  const asking = admin ? (r.deliveries || []).filter(d => waitsForAPerson(d) && d.question) : [];
  const node = el('li', {class: `report-item received${hasParked(r) ? ' parked' : ''}${asking.length ? ' asks' : ''}`,
    'data-report': r.report_id},
    el('h2', {class: 'report-id'}, `Report ${r.report_id}`),
    facts([
      ['Received', `${formatTime(r.received_at)}, by ${r.source === 'mailbox' ? 'mail' : 'HTTPS'}`, undefined, 'received-at'],
      ['Sender', r.sender_email ? `${r.sender_email}${r.sender_verified ? '' : ' (not confirmed: taken from the mail)'}` : '',
        undefined, 'sender'],
      ['Report', `${r.kind} report, ${formatBytes(r.size)}`],
      ['Status', `${STATES[r.state] || r.state}${r.last_error ? ` — ${r.last_error}` : ''}`, undefined, 'report-state'],
      ['Destinations', (r.deliveries || []).map(deliveryText).join('\n'), undefined, 'deliveries'],
    ]),
    asking.map(d => questionPanel(r.report_id, d, {
      answer: body => call(origin, `/api/v1/endpoint/reports/${encodeURIComponent(r.report_id)}/deliveries/`
        + `${encodeURIComponent(d.destination)}/answer`, 'POST', body),
      answered: (report, message) => follow(origin,
        replaceCard(origin, node, report, admin, onRetried, outcome(report, d.destination, message), true), report,
        d.destination, admin, onRetried, message),
      refresh: message => reload(origin, node, r.report_id, admin, onRetried, message),
    })),
    state, actions);
  if (admin && hasParked(r)) {
    const retry = el('button', {type: 'button', class: 'retry'}, 'Retry');
    retry.addEventListener('click', async () => {
      retry.disabled = true;
      try {
        const answer = await call(origin, `/api/v1/endpoint/reports/${encodeURIComponent(r.report_id)}/retry`, 'POST');
        onRetried(node, answer);
      } catch (e) {
        if (e instanceof SignedOutError) throw e;
        state.replaceChildren(errorBox(e.message, `retry-error-${r.report_id}`));
        retry.disabled = false;
      }
    });
    actions.append(retry);
  }
  return node;
}

/** "Answered: ... Delivered to fhir." — what became of a delivery a person answered. */
function outcome(report, destination, answered) {
  const d = (report.deliveries || []).find(x => x.destination === destination);
  const then = !d ? ''
    : d.status === 'delivered' ? `Delivered to ${destination}.`
      : d.status === 'pending' ? `The delivery to ${destination} goes on now…`
        : waitsForAPerson(d) ? `${destination} asks one more question: see below.`
          : `The delivery to ${destination} is ${d.status}: see its error above.`;
  return `${answered} ${then}`.trim();
}

/**
 * Draws the report anew in place of node, with message below it, focused after the user's own action
 * (its button is gone) or when focus was in node.
 */
function replaceCard(origin, node, report, admin, onRetried, message, focus = false) {
  if (!node.isConnected) return node;
  const focused = focus || node.contains(document.activeElement);
  const fresh = reportCard(origin, report, admin, onRetried);
  node.replaceWith(fresh);
  const state = fresh.querySelector('.state');
  state.textContent = message;
  state.classList.add('told');
  if (focused) state.focus();
  return fresh;
}

/** After a refusal that means the question is gone: the report as it stands now (the message stays). */
async function reload(origin, node, reportId, admin, onRetried, message) {
  try {
    const report = await call(origin, `/api/v1/endpoint/reports/${encodeURIComponent(reportId)}`);
    replaceCard(origin, node, report, admin, onRetried, message, true);
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    // the refusal is shown already; opening the page again shows the rest
  }
}

/**
 * Follows an answered delivery while it is pending (the endpoint's worker takes it up within
 * seconds), so that the card tells whether it was delivered, without a reload.
 */
async function follow(origin, node, report, destination, admin, onRetried, message) {
  const deadline = Date.now() + FOLLOW_MS;
  const pending = r => (r.deliveries || []).some(d => d.destination === destination && d.status === 'pending');
  while (node.isConnected && pending(report) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 1000));
    try {
      report = await call(origin, `/api/v1/endpoint/reports/${encodeURIComponent(node.dataset.report)}`);
    } catch (e) {
      if (e instanceof SignedOutError) throw e;
      return; // the card keeps what it knew; opening the page again shows the rest
    }
    if (!node.isConnected) return;
    node = replaceCard(origin, node, report, admin, onRetried, outcome(report, destination, message));
  }
}

/** The page; view: its ticket from the router (nothing is drawn once the user moved on). */
export async function institutionView(view) {
  view.show(el('p', {role: 'status'}, 'Loading the reports the institution received…'));
  const origin = await endpoint();
  const section = (...children) => el('section', {class: 'card', id: 'institution'}, ...children);
  if (!origin) {
    view.show(section(el('h1', {}, 'Institution'), el('p', {}, 'This site works with no institution endpoint.')));
    return;
  }
  let page;
  try {
    page = await call(origin, '/api/v1/endpoint/reports?limit=50');
  } catch (e) {
    if (e instanceof SignedOutError) throw e;
    view.show(section(el('h1', {}, 'Institution'), errorBox(e.message)));
    return;
  }
  const admin = page.scope === 'all';
  const list = el('ul', {class: 'cards', id: 'received-list'});
  const more = el('button', {type: 'button', class: 'secondary', id: 'more-reports', hidden: true}, 'Show older reports');
  const status = el('div', {role: 'status', id: 'institution-status'});
  const onRetried = (node, answer) => replaceCard(origin, node, answer.report, admin, onRetried, answer.retried
    ? `${answer.retried} parked step${answer.retried === 1 ? '' : 's'} will be tried again now.`
    : 'Nothing was parked any more.', true);
  const add = p => {
    list.append(...(p.reports || []).map(r => reportCard(origin, r, admin, onRetried)));
    more.hidden = !p.next;
    more.dataset.next = p.next || '';
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const next = await call(origin, `/api/v1/endpoint/reports?limit=50&before=${encodeURIComponent(more.dataset.next)}`);
      if (view.current()) add(next);
    } catch (e) {
      if (e instanceof SignedOutError) throw e;
      status.replaceChildren(errorBox(e.message));
    } finally {
      more.disabled = false;
    }
  });
  const empty = !(page.reports || []).length;
  view.show(section(
    el('h1', {}, admin ? 'Institution: received reports' : 'Sent to the institution'),
    el('p', {class: 'hint'}, admin
      ? `Every report the endpoint at ${origin} received, newest first, and where each one was delivered. `
        + 'A parked step gave up after its retries: mend the cause, then press Retry. A step that waits for a person '
        + 'shows its question: choose the right patient or practitioner.'
      : `The reports you sent to the endpoint at ${origin}, newest first, and where each one was delivered.`),
    empty ? el('p', {id: 'no-received'}, admin ? 'No reports received yet.' : 'You have sent no reports there yet.') : list,
    status, more));
  if (!empty) add(page);
}
