// The composer's consent: how the patient consented (signed on a signature pad, spoken and recorded,
// or none), and what for (the consent levels of the report; each item starts with the report's).
import {el} from './dom.js';
import {vendored} from './vendor-loader.js';
import {canvasJpeg, mp4Kind} from './compose-media.js';
import {recorderControl} from './compose-capture.js';

export const LEVELS = Object.freeze([
  ['treatment', 'Treatment', 'the patient’s care'],
  ['education', 'Education', 'teaching colleagues and students'],
  ['publication', 'Publication', 'journals, talks and the web'],
]);

/** Three checkboxes in a fieldset; onChange(levels) with the ticked ones, in the format's order. */
export function levelBoxes(prefix, chosen, onChange, legend) {
  const inputs = LEVELS.map(([level]) => el('input', {type: 'checkbox', id: `${prefix}-${level}`, value: level,
    checked: chosen.includes(level)}));
  for (const input of inputs) {
    input.addEventListener('change', () => onChange(inputs.filter(b => b.checked).map(b => b.value)));
  }
  return el('fieldset', {class: 'levels', id: `${prefix}-levels`}, el('legend', {}, legend),
    LEVELS.map(([, name, what], i) => el('label', {class: 'check', for: inputs[i].id}, inputs[i],
      el('span', {}, name, el('small', {}, ` (${what})`)))));
}

/**
 * The consent section. state: the composer's session ({draft, objectUrl, forget, devices, changed,
 * levelsChanged}). Returns {node, check() → [[control, message]], settled() → Promise, redraw()}.
 */
export function consentSection(state) {
  const consent = state.draft.consent;
  let signature = null; // the latest consent.jpg, kept while another type is chosen
  let spoken = null; // the latest consent recording
  let pad = null;
  let exporting = Promise.resolve();

  const radios = [['signed', 'Signed'], ['verbal', 'Verbal (recorded)'], ['none', 'None']].map(([type, text]) => {
    const radio = el('input', {type: 'radio', name: 'consent', id: `consent-${type}`, value: type});
    radio.addEventListener('change', () => choose(type));
    return el('label', {class: 'choice-button', for: radio.id}, radio, el('span', {}, text));
  });
  const typeGroup = el('fieldset', {class: 'consent-type', id: 'consent-type'},
    el('legend', {}, 'How did the patient consent?'), radios);

  const canvas = el('canvas', {id: 'signature-pad', class: 'signature-pad', tabindex: '0', role: 'img',
    'aria-label': 'Signature: sign here with a finger, a pen or the mouse'});
  const clear = el('button', {type: 'button', id: 'signature-clear', class: 'secondary'}, 'Clear signature');
  const signedPart = el('div', {id: 'signed-part', class: 'consent-part', hidden: true},
    el('p', {class: 'hint'}, 'The patient (or their guardian) signs in the box with a finger, a pen or the mouse. '
      + 'If they cannot, choose Verbal and record what they say.'),
    el('div', {class: 'pad-frame'}, canvas), clear);

  const heard = el('div', {id: 'verbal-preview'});
  const verbal = recorderControl({id: 'verbal', kind: 'audio', startText: 'Record spoken consent', devices: state.devices,
    open: () => navigator.mediaDevices.getUserMedia({audio: true, video: false}),
    keep: blob => keepSpoken(blob)});

  function keepSpoken(blob) {
    if (spoken) state.forget(spoken);
    spoken = blob;
    if (consent.type === 'verbal') consent.file = blob;
    heard.replaceChildren(el('audio', {src: state.objectUrl(blob), controls: true, preload: 'metadata',
      'aria-label': 'The recorded consent'}));
    state.changed();
  }
  const pick = el('input', {type: 'file', id: 'verbal-file', accept: 'audio/mp4,audio/x-m4a,.m4a'});
  pick.addEventListener('change', () => {
    const file = pick.files && pick.files[0];
    pick.value = '';
    if (!file) return;
    if (mp4Kind(file) === 'audio') keepSpoken(file);
    else verbal.node.querySelector('.recorder-status').textContent = 'Choose an M4A (MP4 sound) recording.';
  });
  const verbalPart = el('div', {id: 'verbal-part', class: 'consent-part', hidden: true},
    el('p', {class: 'hint'}, 'Record the patient saying what they agree to.'), verbal.node,
    el('label', {class: 'button secondary capture-button', for: 'verbal-file'}, 'Choose a recording', pick), heard);
  const nonePart = el('p', {id: 'none-part', class: 'hint consent-part', hidden: true},
    'No consent: the report is for the patient’s treatment only and names no further use.');

  const levelsPart = el('div', {id: 'report-levels-part'}, levelBoxes('level', consent.levels, chosen => {
    consent.levels = chosen;
    state.levelsChanged();
  }, 'What the patient agreed to (each item below can differ)'));

  function choose(type) {
    consent.type = type;
    // No consent covers no use; the ticks are kept for a change of mind.
    consent.levels = type === 'none' ? [] : [...levelsPart.querySelectorAll('input:checked')].map(b => b.value);
    state.levelsChanged();
    consent.file = type === 'signed' ? signature : type === 'verbal' ? spoken : null;
    signedPart.hidden = type !== 'signed';
    verbalPart.hidden = type !== 'verbal';
    nonePart.hidden = type !== 'none';
    levelsPart.hidden = type === 'none';
    if (type === 'signed') {
      startPad().catch(e => { signedPart.querySelector('.hint').textContent = `The signature pad cannot start: ${e.message}`; });
    }
    state.changed();
  }

  // The pad draws at the screen's pixel density; consent.jpg is its picture on white (a JPEG has no
  // transparency, and a transparent background would turn black in some readers).
  async function startPad() {
    if (pad) return fit();
    const {default: SignaturePad} = await vendored('signature_pad');
    if (pad) return undefined;
    pad = new SignaturePad(canvas, {penColor: '#111', minWidth: 1, maxWidth: 3});
    pad.addEventListener('endStroke', () => {
      exporting = exporting.then(exportSignature).catch(e => {
        signedPart.querySelector('.hint').textContent = `The signature could not be saved (${e.message}): clear it and sign again.`;
      });
    });
    fit();
    canvas.dataset.ready = 'true'; // for tests: strokes from now on are drawn
    return undefined;
  }

  function fit() {
    const width = canvas.offsetWidth;
    if (!pad || !width) return;
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    if (canvas.width === Math.round(width * ratio)) return;
    const strokes = pad.toData();
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(canvas.offsetHeight * ratio);
    canvas.getContext('2d').scale(ratio, ratio);
    pad.clear();
    pad.fromData(strokes);
  }

  async function exportSignature() {
    if (!pad || pad.isEmpty()) return;
    const white = document.createElement('canvas');
    white.width = canvas.width;
    white.height = canvas.height;
    const context = white.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, white.width, white.height);
    context.drawImage(canvas, 0, 0);
    const jpeg = await canvasJpeg(white, 0.9);
    if (pad.isEmpty()) return; // cleared while it was being made
    signature = jpeg;
    if (consent.type === 'signed') consent.file = jpeg;
    state.changed();
  }

  clear.addEventListener('click', () => {
    if (pad) pad.clear();
    signature = null;
    if (consent.type === 'signed') consent.file = null;
    canvas.focus();
  });
  window.addEventListener('resize', () => fit());

  const node = el('section', {class: 'card compose-part', id: 'consent', 'aria-labelledby': 'consent-title'},
    el('h2', {id: 'consent-title'}, 'Consent'), typeGroup, signedPart, verbalPart, nonePart, levelsPart);

  return {
    node,
    /** What keeps the report from being sealed, as [control to focus, message, where the message goes]. */
    check() {
      if (!consent.type) return [[radios[0].querySelector('input'), 'Choose how the patient consented: signed, verbal or none.', typeGroup]];
      const problems = [];
      if (consent.type === 'signed' && (!pad || pad.isEmpty())) {
        problems.push([canvas, 'The patient has not signed yet: ask them to sign in the box.', signedPart]);
      }
      if (consent.type === 'verbal' && !spoken) {
        problems.push([verbalPart.querySelector('button') || canvas, 'Record the patient’s spoken consent first.', verbalPart]);
      }
      if (consent.type !== 'none' && consent.levels.length === 0) {
        problems.push([levelsPart.querySelector('input'), 'Tick at least one use the patient agreed to, or choose None.', levelsPart]);
      }
      return problems;
    },
    /** Resolves once consent.jpg matches the last stroke. */
    settled: () => exporting,
    redraw: () => fit(),
  };
}
