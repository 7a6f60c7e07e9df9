// The composer's media: photos (the camera app through <input capture>, files, a live camera view),
// video and voice notes recorded in the page, picked video and sound files, and the list of items
// with a preview, their type, a remove button and their own consent levels.
import {el, formatBytes, onPhone} from './dom.js';
import {asJpeg, cameraPossible, clock, mediaProblem, mp4Kind, openCamera, openMicrophone, record, recordingFormat,
  stopStream, takePhoto} from './compose-media.js';
import {levelBoxes} from './compose-consent.js';

const KINDS = {photo: 'Photo', video: 'Video', audio: 'Voice note'};

/** A big button that opens a hidden file input (the label is what a finger or the keyboard reaches). */
function fileButton(id, text, attributes, onFiles) {
  const input = el('input', {type: 'file', id, ...attributes});
  input.addEventListener('change', async () => {
    const files = Array.from(input.files || []);
    input.value = ''; // the same file may be picked again later
    await onFiles(files);
  });
  return el('label', {class: 'button capture-button', for: id}, text, input);
}

function hideUnless(shown, node) {
  node.hidden = !shown;
  return node;
}

/**
 * A recording control: Start, then Stop (with the time so far). Where the browser cannot record MP4
 * it says so instead and points at picking a file. open() gives the stream; keep(blob) takes the
 * recording; devices is where its stream is stopped when the composer is left.
 */
export function recorderControl({id, kind, startText, open, onStream, keep, devices, say}) {
  const format = recordingFormat(kind);
  const status = el('p', {id: `${id}-status`, class: 'recorder-status', role: 'status', 'aria-live': 'polite'});
  if (format.unsupported) {
    status.textContent = format.unsupported;
    status.classList.add('notice');
    return {node: el('div', {class: 'recorder', id: `${id}-recorder`}, status), stop() {}};
  }
  const start = el('button', {type: 'button', id: `${id}-start`, class: 'capture-button'}, startText);
  const stopButton = el('button', {type: 'button', id: `${id}-stop`, class: 'capture-button stop', hidden: true},
    'Stop recording');
  let running = null;
  let ticker = null;
  let stream = null;
  const release = () => {
    clearInterval(ticker);
    ticker = null;
    start.hidden = false;
    stopButton.hidden = true;
  };
  const stop = () => { // leaving: drop what is being recorded and free the device
    if (running) running.cancel();
    running = null;
    release();
    if (!onStream) stopStream(stream);
    stream = null;
    status.textContent = '';
  };
  start.addEventListener('click', async () => {
    start.disabled = true;
    try {
      stream = await open();
      running = record(stream, format);
    } catch (e) {
      status.textContent = mediaProblem(e, kind === 'video' ? 'camera' : 'microphone');
      start.disabled = false;
      return;
    } finally {
      start.disabled = false;
    }
    if (onStream) onStream(stream);
    start.hidden = true;
    stopButton.hidden = false;
    stopButton.focus();
    status.textContent = 'Recording 0:00';
    ticker = setInterval(() => { if (running) status.textContent = `Recording ${clock(running.elapsed())}`; }, 500);
  });
  stopButton.addEventListener('click', async () => {
    const current = running;
    running = null;
    release();
    start.focus();
    if (!onStream) { stopStream(stream); stream = null; }
    if (!current) return;
    status.textContent = 'Saving the recording…';
    try {
      const blob = await current.stop();
      status.textContent = `Recorded ${formatBytes(blob.size)}.`;
      keep(blob);
    } catch (e) {
      status.textContent = `The recording failed (${e.message}). Try again, or pick a file instead.`;
    }
  });
  devices.add(stop);
  return {node: el('div', {class: 'recorder', id: `${id}-recorder`}, el('div', {class: 'capture-row'}, start, stopButton),
    status), stop};
}

/** Resolves once the <video> shows a frame of its stream, or after five seconds (record anyway). */
function pictureShown(video) {
  const shown = () => video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0;
  if (shown()) return Promise.resolve();
  return new Promise(resolve => {
    const poll = setInterval(() => { if (shown()) finish(); }, 50);
    const timer = setTimeout(() => finish(), 5000);
    function finish() {
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    }
  });
}

/**
 * The capture section. state: the composer's session ({draft, objectUrl, forget, devices, ownLevels, changed}).
 * Returns {node, renderItems()}.
 */
export function captureSection(state) {
  const list = el('ul', {id: 'items', class: 'items', 'aria-label': 'Photos, videos and voice notes'});
  const empty = el('p', {id: 'no-items', class: 'hint'}, 'Nothing yet: take a photo, record, or pick files.');
  const message = el('p', {id: 'capture-message', role: 'status', 'aria-live': 'polite'});

  const add = (type, file) => {
    state.draft.items.push({type, file, levels: [...state.draft.consent.levels], takenAt: new Date()});
    renderItems();
    state.changed();
  };

  const photos = async files => {
    message.textContent = '';
    for (const file of files) {
      try {
        add('photo', await asJpeg(file));
      } catch (e) {
        message.textContent = e.message;
      }
    }
  };
  const media = files => {
    message.textContent = '';
    const refused = [];
    for (const file of files) {
      const kind = mp4Kind(file);
      if (kind) add(kind, file); else refused.push(file.name);
    }
    if (refused.length) {
      message.textContent = `Not added: ${refused.join(', ')}. A report holds MP4 video (.mp4, .m4v, .mov) and M4A sound.`;
    }
  };

  // The live camera: one <video> shows it, for photos and for recording a video.
  const view = el('video', {id: 'camera-view', class: 'camera-view', autoplay: true, muted: true, playsinline: true,
    'aria-label': 'What the camera sees', hidden: true});
  view.muted = true; // the attribute alone does not mute a stream with sound (no echo while filming)
  let camera = null; // {stream, withAudio}
  const closeCamera = () => {
    stopStream(camera && camera.stream);
    camera = null;
    view.srcObject = null;
    live.hidden = true;
    view.hidden = true;
    openButton.hidden = !cameraPossible();
  };
  const showCamera = stream => {
    if (camera && camera.stream !== stream) stopStream(camera.stream);
    camera = {stream, withAudio: stream.getAudioTracks().length > 0};
    view.srcObject = stream;
    view.hidden = false;
    live.hidden = false;
    openButton.hidden = true;
  };
  const openButton = el('button', {type: 'button', id: 'camera-start', class: 'capture-button', hidden: !cameraPossible()},
    'Live camera');
  const shutter = el('button', {type: 'button', id: 'camera-shutter', class: 'capture-button shutter'}, 'Take photo');
  const closeButton = el('button', {type: 'button', id: 'camera-stop', class: 'capture-button secondary'}, 'Close camera');
  const live = el('div', {class: 'capture-row', hidden: true}, shutter, closeButton);
  openButton.addEventListener('click', async () => {
    try {
      showCamera(await openCamera(false));
      shutter.focus();
    } catch (e) {
      message.textContent = mediaProblem(e, 'camera');
    }
  });
  shutter.addEventListener('click', async () => {
    try {
      add('photo', await takePhoto(view));
      message.textContent = `Photo ${state.draft.items.filter(i => i.type === 'photo').length} taken.`;
    } catch (e) {
      message.textContent = `No photo: ${e.message}.`;
    }
  });
  closeButton.addEventListener('click', () => { video.stop(); closeCamera(); openButton.focus(); });
  state.devices.add(closeCamera);

  const video = recorderControl({id: 'video', kind: 'video', startText: 'Record video', devices: state.devices,
    // Filming needs the sound too: a camera opened for photos only is opened again with it.
    // The recorder starts once the camera shows a picture: a camera takes a moment to start (longer on
    // a busy phone), and a recording begun before holds no picture at its start, or none at all.
    open: async () => {
      const stream = camera && camera.withAudio ? camera.stream : await openCamera(true);
      showCamera(stream);
      await pictureShown(view);
      return stream;
    },
    onStream: showCamera, keep: blob => add('video', blob)});
  const voice = recorderControl({id: 'voice', kind: 'audio', startText: 'Record voice note', devices: state.devices,
    open: openMicrophone, keep: blob => add('audio', blob)});

  const node = el('section', {class: 'card compose-part', id: 'capture', 'aria-labelledby': 'capture-title'},
    el('h2', {id: 'capture-title'}, 'Photos, videos and voice notes'),
    el('div', {class: 'capture-row'},
      // The phone's own camera app (a desktop browser would only open the file chooser again).
      hideUnless(onPhone(), fileButton('photo-camera', 'Camera app', {accept: 'image/jpeg,image/*', capture: 'environment'}, photos)),
      fileButton('photo-files', 'Choose photos', {accept: 'image/jpeg,image/*', multiple: true}, photos),
      openButton),
    view, live, video.node, voice.node,
    el('div', {class: 'capture-row'},
      fileButton('media-files', 'Choose video or sound files',
        {accept: 'video/mp4,video/quicktime,audio/mp4,audio/x-m4a,.mp4,.m4v,.mov,.m4a', multiple: true}, media)),
    message, empty, list);

  function renderItems() {
    list.replaceChildren(...state.draft.items.map((item, index) => itemRow(item, index)));
    empty.hidden = state.draft.items.length > 0;
  }

  function itemRow(item, index) {
    const url = state.objectUrl(item.file);
    const number = index + 1;
    const label = `${KINDS[item.type]} ${number}`;
    const preview = item.type === 'photo'
      ? el('img', {src: url, alt: label, class: 'preview'})
      : item.type === 'video'
        ? el('video', {src: url, controls: true, playsinline: true, preload: 'metadata', class: 'preview', 'aria-label': label})
        : el('audio', {src: url, controls: true, preload: 'metadata', class: 'preview-audio', 'aria-label': label});
    const remove = el('button', {type: 'button', class: 'remove-item danger', 'aria-label': `Remove ${label}`}, 'Remove');
    remove.addEventListener('click', () => {
      state.draft.items.splice(state.draft.items.indexOf(item), 1);
      state.forget(item.file);
      renderItems();
      state.changed();
      (list.querySelector('.remove-item') || node.querySelector('#photo-files')).focus();
    });
    const levels = levelBoxes(`item-${number}`, item.levels, chosen => {
      item.levels = chosen;
      state.ownLevels.set(item, chosen); // set apart: a change of the report's levels no longer moves it
    }, `Consent for ${label.toLowerCase()}`);
    return el('li', {class: 'item', 'data-type': item.type},
      el('div', {class: 'item-preview'}, preview),
      el('div', {class: 'item-body'},
        el('p', {class: 'item-title'}, el('strong', {}, label), ' ',
          el('span', {class: 'item-type'}, `${(item.file.type || '').split(';')[0] || 'unknown type'}, ${formatBytes(item.file.size)}`)),
        levels, remove));
  }

  /**
   * Lets go of the previews' media players while the send panel is on screen: a browser runs only
   * so many at once (fewer on a phone), and sealing needs one to take each video's thumbnail.
   * renderItems() draws them again.
   */
  function releasePreviews() {
    for (const media of list.querySelectorAll('video, audio')) {
      media.pause();
      media.removeAttribute('src');
      media.load();
    }
  }

  return {node, renderItems, releasePreviews};
}
