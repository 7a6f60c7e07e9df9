// Sending a sealed report through the accounts server, on the signed-in user's behalf: by email
// (the server attaches the .picsafe file to a message with the instructions for opening it) and to
// the institution destinations the enterprise's admin listed (an endpoint's intake, a mailbox).
// The server records each send on the user's list of reports. Only sealed files go this way: the
// server refuses a plain report. Errors reject with session.js's ApiError (the catalogue's code
// and a message for people).
import {apiError, authorizedFetch, getJson} from './session.js';

const ME = '/api/v1/accounts/me';

async function postForm(url, form) {
  // no Content-Type header: the browser sets multipart/form-data with its boundary
  const r = await authorizedFetch(url, {method: 'POST', body: form});
  if (!r.ok) throw await apiError(r);
  return r.json();
}

function fileForm(blob, fileName, reportId) {
  const form = new FormData();
  form.append('picsafe_file', blob, fileName || `${reportId}.picsafe`);
  return form;
}

/**
 * The server emails the sealed report to one address. Resolves {sent: true, to} once the mail
 * server took the message.
 */
export async function emailReport({to, blob, fileName, reportId}) {
  const form = fileForm(blob, fileName, reportId);
  form.append('to', to);
  const answer = await postForm(`${ME}/reports/${encodeURIComponent(reportId)}/email`, form);
  return {sent: true, to: answer.to};
}

/** The destinations of the user's enterprise: [{id, name, kind: 'endpoint'|'mailbox', static_key}]. */
export async function institutionDestinations() {
  const answer = await getJson(`${ME}/destinations`);
  return (answer.destinations || []).map(d => ({id: d.id, name: d.name, kind: d.kind, static_key: d.static_key || null}));
}

/** The server sends the sealed report to one of them. Resolves {sent: true, name}. */
export async function sendToDestination(id, {blob, fileName, reportId}) {
  const form = fileForm(blob, fileName, reportId);
  form.append('report_id', reportId);
  const answer = await postForm(`${ME}/destinations/${encodeURIComponent(id)}/reports`, form);
  return {sent: true, name: answer.name};
}
