// The send panel's file: by email (the device's share sheet where it can take files, otherwise the
// server mails it from the user's account with how to open it), and a download of the .picsafe.
import {el} from './dom.js';
import {SignedOutError} from './session.js';
import {recordSend} from './send-cloud.js';

// server-sends.js comes with the server's sending; where it is missing the section says so instead
// of breaking the panel.
const serverSends = () => import('./server-sends.js');

function asFile(sealed) {
  return new File([sealed.blob], sealed.fileName, {type: 'application/octet-stream'});
}

function canShareFile(file) {
  try {
    return typeof navigator.canShare === 'function' && navigator.canShare({files: [file]});
  } catch (e) {
    return false;
  }
}

function sendProblem(what, e) {
  if (e instanceof SignedOutError) return `Your session has ended, so ${what}: sign in again.`;
  if (e instanceof TypeError) return `The server could not be reached, so ${what}: check the connection and try again.`;
  return `${what.charAt(0).toUpperCase()}${what.slice(1)}: ${e?.message || e}`;
}

/** Email through the server: an address and a button. */
function serverEmail(ctx) {
  const {sealed} = ctx;
  const to = el('input', {type: 'email', id: 'email-to', autocomplete: 'email', required: true, inputmode: 'email'});
  const button = el('button', {type: 'submit', id: 'send-email'}, 'Send by email');
  const form = el('form', {class: 'send-email', novalidate: true, onsubmit: async e => {
    e.preventDefault();
    const address = to.value.trim();
    if (!to.checkValidity() || !address) {
      to.setAttribute('aria-invalid', 'true');
      ctx.failed('Type the address to send the report to.');
      return;
    }
    to.removeAttribute('aria-invalid');
    button.disabled = true;
    ctx.progress.show('Sending the email');
    try {
      const {emailReport} = await serverSends();
      const answer = await emailReport({to: address, blob: sealed.blob, fileName: sealed.fileName, reportId: sealed.reportId});
      ctx.done('email', `Emailed to ${answer?.to || address}, with how to open it.`);
      to.value = '';
    } catch (err) {
      ctx.failed(sendProblem('the email was not sent', err));
    } finally {
      ctx.progress.hide();
      button.disabled = false;
    }
  }},
  el('label', {for: 'email-to'}, 'Email address', el('span', {}, 'Sent from your account, with the sealed file attached and how to open it.')),
  to, button);
  return form;
}

/** The share sheet with the file in it (a phone's mail app, among others). */
function shareSheet(ctx, file) {
  const button = el('button', {type: 'button', id: 'share-file', onclick: async () => {
    try {
      await navigator.share({files: [file], title: 'Safelight report'});
      recordSend(ctx.sealed.reportId, 'email');
      ctx.done('email', `Shared ${file.name} from this device.`);
    } catch (e) {
      if (e?.name !== 'AbortError') ctx.failed(`The file could not be shared: ${e?.message || e}`);
    }
  }}, 'Email the file…');
  return el('div', {}, el('p', {class: 'hint'}, 'Opens your mail app (or another) with the sealed file attached.'), button);
}

export function fileSection(ctx) {
  const {sealed} = ctx;
  const file = asFile(sealed);
  const download = el('a', {class: 'button secondary', id: 'download-picsafe', href: ctx.objectUrl(sealed.blob),
    download: sealed.fileName, onclick: () => ctx.done('download', `Saved ${sealed.fileName} to this device's downloads.`)},
  'Download the .picsafe');
  return el('section', {class: 'send-option', id: 'send-option-file'}, el('h2', {}, 'Email or file'),
    canShareFile(file) ? shareSheet(ctx, file) : serverEmail(ctx),
    el('div', {class: 'actions'}, download));
}
