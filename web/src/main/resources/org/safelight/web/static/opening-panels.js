// What the page shows while a report is being opened: a progress bar with Cancel, the field for a
// report key typed by hand, and the question before a large download on a phone.
import {el, formatBytes, show} from './dom.js';

const PHASES = {
  reading: 'Reading the file',
  downloading: 'Downloading the encrypted report',
  key: 'Asking the key server for the key',
  checking: 'Checking that the report is intact',
  decrypting: 'Decrypting',
  opening: 'Opening the photos and documents',
};

/**
 * The progress panel: a heading, the step, a <progress> bar of bytes done of the total with the
 * same as text, a live region that announces it at each tenth (not at each piece), and Cancel.
 * Returns {step(phase), bytes(done, total)}.
 */
export function progressPanel(title, onCancel) {
  const heading = el('h1', {id: 'opening-title', tabindex: '-1'}, title);
  const step = el('p', {id: 'progress-step'});
  const bar = el('progress', {id: 'progress-bar', 'aria-labelledby': 'progress-step', 'aria-describedby': 'progress-text'});
  const text = el('p', {id: 'progress-text'});
  const live = el('p', {id: 'progress-live', class: 'visually-hidden', 'aria-live': 'polite', role: 'status'});
  const cancel = el('button', {type: 'button', id: 'cancel-open', class: 'secondary', onclick: onCancel}, 'Cancel');
  show(el('section', {class: 'card', id: 'opening', 'aria-busy': 'true'}, heading, step, bar, text, live, cancel));
  document.title = `${title} · My Safelight`;
  heading.focus();
  let announced = -1;
  return {
    step(phase) {
      step.textContent = PHASES[phase] || phase;
      step.dataset.phase = phase;
      bar.removeAttribute('value');
      text.textContent = `${PHASES[phase] || phase}…`;
      live.textContent = text.textContent;
      announced = -1;
    },
    bytes(done, total) {
      if (total) {
        bar.max = total;
        bar.value = done;
        text.textContent = `${step.textContent}: ${formatBytes(done)} of ${formatBytes(total)} (${Math.floor((done / total) * 100)}%)`;
        const tenth = Math.floor((done / total) * 10);
        if (tenth !== announced) {
          announced = tenth;
          live.textContent = text.textContent;
        }
      } else {
        bar.removeAttribute('value');
        text.textContent = `${step.textContent}: ${formatBytes(done)}`;
      }
    },
  };
}

/**
 * Asks for a report key in the page. wrong: the last one typed did not open the report (said next
 * to the field, aria-invalid). Resolves with the key; rejects with an AbortError on Cancel.
 */
export function askKeyPanel({reportId, wrong, reason}, signal) {
  return new Promise((resolve, reject) => {
    const input = el('input', {type: 'password', id: 'report-key', name: 'report-key', autocomplete: 'off',
      spellcheck: 'false', required: true, 'aria-describedby': 'report-key-error report-key-hint',
      'aria-invalid': wrong ? 'true' : 'false'});
    const error = el('p', {id: 'report-key-error', class: 'field-error', hidden: !wrong},
      wrong ? 'This key does not open the report. Check it and try again.' : '');
    const form = el('form', {id: 'key-form', class: 'stacked', novalidate: true},
      el('label', {for: 'report-key'}, 'Report key'),
      input, error,
      el('p', {class: 'hint', id: 'report-key-hint'}, 'The report key is the one the sender sealed the report with '
        + '(what the CLI takes as open --password), given to you apart from the file. It is not your account '
        + 'password. It is used only in this browser and sent nowhere.'),
      el('div', {class: 'actions'},
        el('button', {type: 'submit', id: 'open-with-key'}, 'Open the report'),
        el('button', {type: 'button', class: 'secondary', id: 'cancel-key', onclick: () => done(null)}, 'Cancel')));
    const heading = el('h1', {id: 'key-title', tabindex: '-1'}, 'Type the report key');
    show(el('section', {class: 'card', id: 'ask-key'}, heading,
      reportId ? el('p', {}, 'Report ', el('span', {class: 'report-id'}, reportId)) : null,
      el('p', {id: 'key-reason'}, reason ? `${reason} If the sender gave you the report key, type it here.`
        : 'This report names no key server: type the report key the sender gave you.'),
      form));
    document.title = 'Type the report key · My Safelight';
    (wrong ? input : heading).focus();
    const onAbort = () => done(null);
    signal?.addEventListener('abort', onAbort);
    function done(key) {
      signal?.removeEventListener('abort', onAbort);
      if (key === null) reject(new DOMException('The opening was cancelled.', 'AbortError'));
      else resolve(key);
    }
    form.addEventListener('submit', e => {
      e.preventDefault();
      // taken as typed, as `open --password` takes it: spaces at the edges are part of the key;
      // only the one line end a paste may bring is not
      const key = input.value.replace(/\r?\n$/, '');
      if (!key) {
        input.setAttribute('aria-invalid', 'true');
        error.hidden = false;
        error.textContent = 'Type the report key first.';
        input.focus();
        return;
      }
      done(key);
    });
  });
}

/**
 * Asks for the institution's private key file for a static-key report. problem: why the last one
 * did not do (said next to the field, aria-invalid). Resolves {file, keep}; keep: the user asked to
 * keep the key for other reports in this tab. Rejects with an AbortError on Cancel.
 */
export function privateKeyPanel({reportId, problem}, signal) {
  return new Promise((resolve, reject) => {
    const input = el('input', {type: 'file', id: 'private-key-file', name: 'private-key-file',
      accept: '.pem,.key,.pk8,.txt', required: true, 'aria-describedby': 'private-key-error private-key-hint',
      'aria-invalid': problem ? 'true' : 'false'});
    const error = el('p', {id: 'private-key-error', class: 'field-error', hidden: !problem}, problem || '');
    const keep = el('input', {type: 'checkbox', id: 'keep-private-key', name: 'keep-private-key'});
    const chosen = el('p', {id: 'private-key-chosen'}, 'No key file chosen.');
    // file inputs are hidden by app.css: the label is the visible (and focusable) chooser
    input.addEventListener('change', () => {
      chosen.textContent = input.files?.[0] ? `Key file: ${input.files[0].name}` : 'No key file chosen.';
    });
    const form = el('form', {id: 'private-key-form', class: 'stacked', novalidate: true},
      el('label', {class: 'button secondary', id: 'choose-private-key'}, 'Choose the private key file…', input),
      chosen, error,
      el('p', {class: 'hint', id: 'private-key-hint'}, 'The PKCS#8 PEM file (it begins with "-----BEGIN PRIVATE KEY-----") '
        + 'that your institution\'s Safelight endpoint opens reports with. It is used only in this page: it is not '
        + 'uploaded and not saved in the browser.'),
      el('label', {class: 'remember-label'}, keep, ' Keep this key in this tab for other reports, until I sign out or close the tab'),
      el('div', {class: 'actions'},
        el('button', {type: 'submit', id: 'open-with-private-key'}, 'Open the report'),
        el('button', {type: 'button', class: 'secondary', id: 'cancel-private-key', onclick: () => done(null)}, 'Cancel')));
    const heading = el('h1', {id: 'private-key-title', tabindex: '-1'}, 'Choose the institution\'s private key');
    show(el('section', {class: 'card', id: 'ask-private-key'}, heading,
      reportId ? el('p', {}, 'Report ', el('span', {class: 'report-id'}, reportId)) : null,
      el('p', {id: 'private-key-reason'}, 'This report was sealed for an institution\'s private key, not a key server.'),
      form));
    document.title = 'Choose the institution\'s private key · My Safelight';
    (problem ? input : heading).focus();
    const onAbort = () => done(null);
    signal?.addEventListener('abort', onAbort);
    function done(answer) {
      signal?.removeEventListener('abort', onAbort);
      if (answer === null) reject(new DOMException('The opening was cancelled.', 'AbortError'));
      else resolve(answer);
    }
    form.addEventListener('submit', e => {
      e.preventDefault();
      const file = input.files?.[0];
      if (!file) {
        input.setAttribute('aria-invalid', 'true');
        error.hidden = false;
        error.textContent = 'Choose the private key file first.';
        input.focus();
        return;
      }
      done({file, keep: keep.checked});
    });
  });
}

/** Asks before downloading a report this large on a phone. Resolves true to go on. */
export function largeDownloadPanel(size) {
  return new Promise(resolve => {
    const heading = el('h1', {id: 'large-title', tabindex: '-1'}, 'This report is large');
    show(el('section', {class: 'card', id: 'large-report'}, heading,
      el('p', {id: 'large-size'}, `It is ${formatBytes(size)}. Downloading it uses that much of your data plan, `
        + 'and opening it needs about twice as much free memory: a computer may be the better place for it.'),
      el('div', {class: 'actions'},
        el('button', {type: 'button', id: 'download-anyway', onclick: () => resolve(true)}, 'Download it anyway'),
        el('button', {type: 'button', class: 'secondary', id: 'not-now', onclick: () => resolve(false)}, 'Not now'))));
    document.title = 'This report is large · My Safelight';
    heading.focus();
  });
}
