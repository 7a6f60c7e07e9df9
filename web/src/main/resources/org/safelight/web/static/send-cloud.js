// Uploading a sealed report to the cloud, and recording a send on the user's My reports list: the
// same two requests as the CLI's client (client/Cloud.java, client/Accounts.java#recordSend).
import {ApiError, apiError, authorizedFetch, getJson, sendJson} from './session.js';
import {formatBytes} from './dom.js';

/**
 * Asks what the server takes before sending, so a report over a limit is refused at once and by
 * name: a server refuses an upload it has not read by closing the connection, and the page would
 * otherwise see only a network error. A server without the allowance route is not asked.
 */
async function checkAllowance(size) {
  let a;
  try {
    a = await getJson('/api/v1/cloud/allowance');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return;
    throw e;
  }
  const max = Number(a.max_upload_bytes);
  if (Number.isFinite(max) && max > 0 && size > max) {
    throw new ApiError(413, 'too_large', `The report is ${formatBytes(size)}; this server takes reports up to `
      + `${formatBytes(max)}. Take fewer or shorter videos, or send it another way below.`);
  }
  const quota = Number(a.quota_bytes) || 0;
  const taken = Number(a.taken_bytes) || 0;
  if (quota > 0 && taken + size > quota) {
    throw new ApiError(403, 'quota_exceeded', `Your reports on this server already take ${formatBytes(taken)} of your `
      + `${formatBytes(quota)}, and this one needs ${formatBytes(size)}. Space comes back as they expire, 7 days after `
      + 'each upload; meanwhile send it another way below.');
  }
  if (a.uploads_left !== undefined && Number(a.uploads_left) < 1) {
    throw new ApiError(429, 'rate_limited', `You have made this hour's ${a.uploads_per_hour} uploads; try again in a few minutes.`);
  }
}

/**
 * Uploads the sealed file. Resolves the cloud's answer {report_id, region, link, download_url,
 * expires_at, size}; rejects with ApiError (a refusal, or a limit the allowance names first),
 * SignedOutError, or a TypeError when the server cannot be reached.
 */
export async function uploadToCloud({blob, reportId}) {
  await checkAllowance(blob.size);
  const r = await authorizedFetch(`/api/v1/cloud/reports?report_id=${encodeURIComponent(reportId)}`, {
    method: 'POST', headers: {'Content-Type': 'application/octet-stream'}, body: blob});
  if (!r.ok) throw await apiError(r);
  return r.json();
}

/**
 * Best effort, as the CLI does: the report went out whether or not My reports shows the send.
 * channel: cloud | sms | whatsapp | email | ...; recipient only where the user typed one.
 * Resolves true when recorded.
 */
export async function recordSend(reportId, channel, recipient = null) {
  try {
    await sendJson('POST', `/api/v1/accounts/me/reports/${encodeURIComponent(reportId)}/sends`,
      recipient ? {channel, recipient} : {channel});
    return true;
  } catch (e) {
    return false;
  }
}
