// The composer's camera and microphone: the formats a recording may have, a live camera view that
// takes JPEG photos, and recordings (video, voice, verbal consent) made with MediaRecorder.
//
// A report holds MP4 only ({id}.m4v, {id}.m4a, consent.m4a): a browser that can record nothing but
// WebM is told so and offered picking a file instead; its WebM is never dressed up as an .m4v.

// Best first: AAC is what every player opens; Opus in MP4 is what Chromium records today.
const FORMATS = Object.freeze({
  video: ['video/mp4;codecs=avc1,mp4a.40.2', 'video/mp4;codecs=avc1,opus', 'video/mp4'],
  audio: ['audio/mp4;codecs=mp4a.40.2', 'audio/mp4;codecs=opus', 'audio/mp4'],
});

/**
 * How this browser can record kind ('video' | 'audio'): {mimeType} when it records MP4, else
 * {unsupported: 'text for people'} (no MediaRecorder, no microphone API, or another container only).
 */
export function recordingFormat(kind) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof MediaRecorder === 'undefined') {
    return {unsupported: 'This browser cannot record here. Record with the device’s own app and pick the file instead.'};
  }
  const mimeType = FORMATS[kind].find(t => MediaRecorder.isTypeSupported(t));
  if (mimeType) return {mimeType};
  return {unsupported: `This browser records ${kind === 'video' ? 'video' : 'sound'} only as WebM, which a report `
    + 'cannot hold (it needs MP4). Record with the device’s own app and pick the file instead.'};
}

/** Whether the page may ask for a camera at all (a secure page with the media API). */
export function cameraPossible() {
  return Boolean(window.isSecureContext && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
}

/** Stops every track of a stream (the camera light goes off, the microphone is released). */
export function stopStream(stream) {
  if (stream) for (const track of stream.getTracks()) track.stop();
}

/** Why getUserMedia failed, as a sentence for people. */
export function mediaProblem(e, what) {
  if (e && (e.name === 'NotAllowedError' || e.name === 'SecurityError')) {
    return `The browser was not allowed to use the ${what}. Allow it in the browser’s site settings, or pick a file instead.`;
  }
  if (e && (e.name === 'NotFoundError' || e.name === 'OverconstrainedError')) {
    return `No ${what} was found on this device. Pick a file instead.`;
  }
  return `The ${what} could not be started (${e && e.message ? e.message : 'unknown reason'}). Pick a file instead.`;
}

/**
 * The back camera (the user's own on a laptop): full HD for photos; 720p with sound for filming,
 * which a browser encodes in software on many devices (at 1080p a busy one drops whole seconds).
 */
export function openCamera(withAudio) {
  const size = withAudio ? {width: {ideal: 1280}, height: {ideal: 720}} : {width: {ideal: 1920}, height: {ideal: 1080}};
  return navigator.mediaDevices.getUserMedia({video: {facingMode: {ideal: 'environment'}, ...size}, audio: withAudio});
}

export function openMicrophone() {
  return navigator.mediaDevices.getUserMedia({audio: true, video: false});
}

/** The frame a playing <video> shows now, as a JPEG Blob at the camera's full size. */
export function takePhoto(video) {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  if (!canvas.width || !canvas.height) return Promise.reject(new Error('the camera shows no picture yet'));
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvasJpeg(canvas, 0.92);
}

export function canvasJpeg(canvas, quality) {
  return new Promise((resolve, reject) => {
    canvas.toBlob(blob => (blob ? resolve(blob) : reject(new Error('the picture could not be made'))), 'image/jpeg', quality);
  });
}

/**
 * One recording of a stream in format.mimeType. stop() resolves the Blob (its type is what the
 * recorder says it made, e.g. "video/mp4;codecs=avc1,opus"); cancel() drops it. Neither stops the
 * stream: its owner does.
 */
export function record(stream, format) {
  const recorder = new MediaRecorder(stream, {mimeType: format.mimeType});
  const chunks = [];
  let cancelled = false;
  const done = new Promise((resolve, reject) => {
    recorder.addEventListener('dataavailable', e => { if (e.data && e.data.size) chunks.push(e.data); });
    recorder.addEventListener('error', e => reject(e.error || new Error('the recording failed')));
    recorder.addEventListener('stop', () => {
      if (cancelled) { chunks.length = 0; reject(new Error('cancelled')); return; }
      const type = recorder.mimeType || format.mimeType;
      const blob = new Blob(chunks, {type});
      chunks.length = 0;
      if (!blob.size) reject(new Error('the recording is empty'));
      else resolve(blob);
    });
  });
  done.catch(() => {}); // a cancelled recording is nobody's error
  // A chunk every second: a long recording is not one huge buffer inside the recorder.
  recorder.start(1000);
  const started = Date.now();
  return {
    elapsed: () => Date.now() - started,
    stop() {
      if (recorder.state !== 'inactive') recorder.stop();
      return done;
    },
    cancel() {
      cancelled = true;
      if (recorder.state !== 'inactive') recorder.stop();
    },
  };
}

/** "0:07" */
export function clock(ms) {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Whether the bytes start as a JPEG does (FF D8 FF), whatever the file's name or type says. */
export async function isJpeg(blob) {
  const head = new Uint8Array(await blob.slice(0, 3).arrayBuffer());
  return head.length === 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
}

/**
 * A picked picture as a JPEG: a JPEG as it is (its metadata is cleaned when it is sealed); another
 * picture the browser can read (PNG, WebP) drawn again as a JPEG. Rejects when it cannot be read.
 */
export async function asJpeg(file) {
  if (await isJpeg(file)) return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    throw new Error('This picture’s format cannot be read here. Pick a JPEG photo instead.');
  }
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff'; // a transparent PNG on white, as it would print
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvasJpeg(canvas, 0.92);
}

/** 'video' | 'audio' for a picked MP4 file (by type, else by name); null for anything else (WebM, …). */
export function mp4Kind(file) {
  const type = (file.type || '').toLowerCase();
  const name = (file.name || '').toLowerCase();
  if (/^video\/(mp4|quicktime|x-m4v)$/.test(type) || /\.(mp4|m4v|mov)$/.test(name)) return 'video';
  if (/^audio\/(mp4|x-m4a|m4a)$/.test(type) || /\.m4a$/.test(name)) return 'audio';
  return null;
}
