// The send panel of New report: seals the draft in this browser (nothing readable leaves the
// device), then offers where the sealed report goes: a cloud link to text or share, the file by
// email or as a download, the institution's destinations, Box or Dropbox. It says what went where;
// after the first send it tells the composer (onSent), which forgets its draft.
//
// The panel keeps its own shallow copy of the draft (the media are immutable Blobs) while it is on
// screen, because a second destination may need the report sealed again (an institution's static
// key, the plain report for storage); it drops it, and the sealed file's URL, when the user leaves,
// signs out, or another user signs in on the tab (session.js forgetWithUser).
import {el, errorBox, formatBytes} from './dom.js';
import {forgetWithUser, SignedOutError} from './session.js';
import {composeKeyServer, sealReport} from './seal.js';
import {contents} from './send-share.js';
import {linkSection} from './send-link.js';
import {fileSection} from './send-file.js';
import {institutionSection, storageSection} from './send-elsewhere.js';

const STAGES = {thumbnails: 'Making thumbnails', pdf: 'Writing report.pdf', zip: 'Packing the report', encrypt: 'Encrypting'};

// What a SealError's code means for the person, before the seal module's own message.
const SEAL_PROBLEMS = {
  no_items: 'The report has no photos, videos or audio yet: go back and add one.',
  not_a_photo: 'One of the photos cannot be read as a JPEG photo: go back and remove it.',
  key_server: 'The key server did not give a key for this report, so it was not sealed.',
  failed: 'The report could not be sealed.',
};

let styled = false;

/** send.css, once: the page's index.html stays the composer's and the shell's. */
function loadStyles() {
  if (styled) return;
  styled = true;
  document.head.append(el('link', {rel: 'stylesheet', href: '/app/static/send.css'}));
}

function copyOf(draft) {
  return {...draft, patient: {...draft.patient}, consent: {...draft.consent},
    items: draft.items.map(item => ({...item, levels: [...(item.levels || [])]}))};
}

/** The progress area: a step, a bar (of the step's done/total, or moving when unknown), and its text. */
function progressArea() {
  const step = el('p', {id: 'seal-step', class: 'step'});
  const bar = el('progress', {id: 'seal-progress', 'aria-labelledby': 'seal-step'});
  const area = el('div', {id: 'seal-status', class: 'send-progress', role: 'status', 'aria-live': 'polite'}, step, bar);
  return {
    area,
    show(text, done, total) {
      area.hidden = false;
      step.textContent = text;
      if (total) {
        bar.max = total;
        bar.value = done;
      } else {
        bar.removeAttribute('value');
      }
    },
    hide() {
      area.hidden = true;
    },
  };
}

function sealProblem(e) {
  if (e instanceof SignedOutError) return 'Your session has ended: sign in again, then send the report from New report.';
  const lead = SEAL_PROBLEMS[e && e.code];
  return lead ? `${lead} ${e.message || ''}`.trim() : `The report could not be sealed: ${e?.message || e}`;
}

/**
 * Draws the panel in the view and seals the draft.
 * view: the router's ticket (dom.js newView); draft: the composer's draft (never stored anywhere);
 * profile: GET /api/v1/accounts/me; onSent({channel, where}): after the first successful send;
 * onBack(): back to the form, the draft untouched.
 */
export async function sendView(view, draft, {profile, onSent, onBack}) {
  loadStyles();
  let mine = copyOf(draft);
  const sealedCopies = new Map(); // 'plain' | 'static:' + key → {blob, fileName}
  const objectUrls = [];
  let sent = false;

  const progress = progressArea();
  const summary = el('p', {id: 'send-summary'}, 'Sealing the report on this device…');
  const choices = el('div', {id: 'send-choices', hidden: true});
  const results = el('ul', {id: 'send-result', class: 'send-result', 'aria-live': 'polite', hidden: true});
  const error = el('div', {id: 'send-problem'});
  const controller = new AbortController();
  const cancel = el('button', {type: 'button', id: 'seal-cancel', class: 'secondary', onclick: () => controller.abort()}, 'Cancel');
  const back = el('button', {type: 'button', id: 'send-back', class: 'secondary', onclick: () => { forget(); onBack(); }},
    'Back to the report');
  const actions = el('div', {class: 'actions send-actions'}, cancel, back);
  back.hidden = true;

  const panel = el('section', {class: 'card send-panel', id: 'send-panel'},
    el('h1', {}, 'Send the report'), summary, progress.area, error, results, choices, actions);
  if (!view.show(panel)) return;

  let unregister = () => {};
  function forget() {
    unregister();
    mine = null;
    sealedCopies.clear();
    for (const url of objectUrls.splice(0)) URL.revokeObjectURL(url);
  }
  unregister = forgetWithUser(() => {
    forget();
    window.removeEventListener('hashchange', onHash);
  });
  // main.js routes on hashchange before this listener runs: when the view moved on, so do we. (A
  // change the composer's leave guard turned back leaves this view current, and it all kept.)
  const onHash = () => {
    if (view.current()) return;
    window.removeEventListener('hashchange', onHash);
    forget();
  };
  window.addEventListener('hashchange', onHash);

  const keyServer = (await composeKeyServer()) || location.origin;
  let sealed;
  try {
    progress.show('Preparing');
    sealed = await sealReport(mine, {profile, protection: {kind: 'keyserver', keyServer}, signal: controller.signal,
      onProgress: ({stage, done, total}) => progress.show(STAGES[stage] || stage, done, total)});
  } catch (e) {
    progress.hide();
    if (controller.signal.aborted) {
      forget();
      return onBack();
    }
    summary.textContent = 'The report was not sealed, and nothing was sent. It is still here.';
    error.replaceChildren(errorBox(sealProblem(e), 'send-error'));
    cancel.hidden = true;
    back.hidden = false;
    return undefined;
  }
  progress.hide();
  cancel.hidden = true;
  back.hidden = false;
  if (!view.current()) return forget();

  const what = contents(sealed.counts) || 'no media';
  summary.replaceChildren('Sealed ', el('span', {id: 'sealed-id', class: 'mono'}, sealed.reportId), `: ${what}, `
    + `${formatBytes(sealed.bytes ?? sealed.blob.size)}. Only people you send it to, once signed in, can open it.`);

  const ctx = {
    sealed,
    profile,
    progress,
    objectUrl(blob) {
      const url = URL.createObjectURL(blob);
      objectUrls.push(url);
      return url;
    },
    /** The report sealed another way (a static key, or plain), sealed once and kept while the panel is up. */
    async sealAs(protection) {
      const key = protection.kind === 'plain' ? 'plain' : `static:${protection.publicKey}`;
      if (!sealedCopies.has(key)) {
        if (!mine) throw new Error('the report was cleared from this page');
        try {
          const again = await sealReport(mine, {profile, protection,
            onProgress: ({stage, done, total}) => progress.show(STAGES[stage] || stage, done, total)});
          sealedCopies.set(key, again);
        } finally {
          progress.hide();
        }
      }
      return sealedCopies.get(key);
    },
    /** A send went through: say so; the first one lets the composer forget its draft. */
    done(channel, text) {
      error.replaceChildren();
      results.hidden = false;
      results.append(el('li', {'data-channel': channel}, text));
      if (!sent) {
        sent = true;
        back.hidden = true;
        actions.append(el('a', {class: 'button', id: 'send-new', href: '#/new'}, 'New report'),
          el('a', {class: 'button secondary', id: 'send-my-reports', href: '#/reports'}, 'My reports'));
        onSent({channel, where: text});
      }
    },
    /** A send failed: say what happened; the report stays. */
    failed(text) {
      error.replaceChildren(errorBox(`${text}${sent ? '' : ' The report is still here: try again, or send it another way.'}`,
        'send-error'));
      error.scrollIntoView({block: 'nearest'});
    },
  };
  choices.replaceChildren(linkSection(ctx), fileSection(ctx), institutionSection(ctx), storageSection(ctx));
  choices.hidden = false;
  return undefined;
}
