// The send panel's cloud link: upload the sealed file, record the send, show the link, and pass it on
// by SMS, WhatsApp, the device's share sheet, or the clipboard.
import {copyText, el} from './dom.js';
import {SignedOutError} from './session.js';
import {recordSend, uploadToCloud} from './send-cloud.js';
import {LINK_DAYS, shareMessage, smsUrl, whatsappUrl} from './send-share.js';

function uploadProblem(e) {
  if (e instanceof SignedOutError) return 'Your session has ended, so the report was not uploaded: sign in again.';
  if (e instanceof TypeError) return 'The server could not be reached, so the report was not uploaded: check the connection and try again.';
  const text = String(e?.message || e);
  return `The report was not uploaded: ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** What to do with the link once it exists. */
function linkActions(ctx, uploaded) {
  const {sealed} = ctx;
  const message = shareMessage(sealed.counts, uploaded.link);
  const status = el('p', {id: 'copy-status', class: 'hint', role: 'status'});
  // Tapping SMS or WhatsApp hands the message to that app; whether it was sent there no page can tell,
  // so the tap is what My reports records.
  const record = channel => () => { recordSend(uploaded.report_id, channel); };
  const sms = el('a', {class: 'button', id: 'share-sms', href: smsUrl(message), onclick: record('sms')}, 'Text message');
  const whatsapp = el('a', {class: 'button', id: 'share-whatsapp', href: whatsappUrl(message), target: '_blank',
    rel: 'noopener noreferrer', onclick: record('whatsapp')}, 'WhatsApp');
  const buttons = [sms, whatsapp];
  if (typeof navigator.share === 'function') {
    buttons.push(el('button', {type: 'button', id: 'share-native', class: 'secondary', onclick: async () => {
      try {
        await navigator.share({title: 'Safelight report', text: message});
      } catch (e) {
        // dismissed, or the share sheet refused: the other buttons are still there
      }
    }}, 'Share…'));
  }
  const linkText = el('p', {id: 'share-link', class: 'link'}, uploaded.link);
  buttons.push(el('button', {type: 'button', id: 'copy-link', class: 'secondary', onclick: async () => {
    if (await copyText(uploaded.link)) {
      status.textContent = 'Link copied.';
    } else {
      getSelection().selectAllChildren(linkText);
      status.textContent = 'Press Ctrl+C (or ⌘C) to copy the selected link.';
    }
  }}, 'Copy link'));
  return el('div', {id: 'share-choices'},
    el('p', {}, `The link works for ${LINK_DAYS} days, for anyone signed in to Safelight; each opening is logged.`),
    linkText,
    el('div', {class: 'actions'}, buttons),
    status,
    el('details', {class: 'hint'}, el('summary', {}, 'The message'), el('p', {id: 'share-message', class: 'message'}, message)));
}

/** The section; the upload starts on the button. */
export function linkSection(ctx) {
  const body = el('div', {});
  const upload = el('button', {type: 'button', id: 'send-cloud', onclick: async () => {
    upload.disabled = true;
    ctx.progress.show('Uploading to the cloud');
    let uploaded;
    try {
      uploaded = await uploadToCloud({blob: ctx.sealed.blob, reportId: ctx.sealed.reportId});
    } catch (e) {
      ctx.failed(uploadProblem(e));
      upload.disabled = false;
      return;
    } finally {
      ctx.progress.hide();
    }
    await recordSend(uploaded.report_id, 'cloud');
    upload.remove();
    body.replaceChildren(linkActions(ctx, uploaded));
    ctx.done('cloud', `Uploaded to the cloud: ${uploaded.link}`);
  }}, 'Upload and get a link');
  body.append(el('p', {class: 'hint'}, 'Then text it, send it on WhatsApp, or copy it. The file on the server is sealed.'),
    upload);
  return el('section', {class: 'send-option', id: 'send-option-cloud'}, el('h2', {}, 'Cloud link'), body);
}
