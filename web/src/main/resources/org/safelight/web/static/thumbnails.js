// The small pictures ({ItemID}-thumbnail.jpg) that stand for a report's photos, videos and audio,
// made as the CLI makes them (format/media/Thumbnails.java, AudioCard.java): upright JPEG at
// quality 0.85, at most 480 pixels on the longer edge, never enlarged; a video's frame half a
// second in (the first frame of a shorter clip) with a play mark; for audio, a 480x360 card with a
// microphone and the recording's length. Media are decoded by the browser itself, from blob: URLs
// (the page's media-src), and never leave it.

export const LONG_EDGE = 480;
const QUALITY = 0.85;
const FRAME_AT_SECONDS = 0.5;
/** How long a <video> or <audio> may take to load or seek before the file counts as unreadable. */
const MEDIA_WAIT_MS = 20000;
/** How long a video's frame may take to be decoded before the video card stands for it. */
const FRAME_WAIT_MS = 8000;

/** A file the browser cannot decode as what it should be. */
export class MediaError extends Error {
  constructor(message) { super(message); this.name = 'MediaError'; }
}

function canvasOf(width, height) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d', {alpha: false});
  g.imageSmoothingEnabled = true;
  g.imageSmoothingQuality = 'high';
  return {canvas, g};
}

function fitted(width, height) {
  const scale = Math.min(1, LONG_EDGE / Math.max(width, height));
  return [Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale))];
}

async function jpeg(canvas) {
  const blob = await new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  if (!blob) throw new MediaError('the picture could not be encoded');
  return new Uint8Array(await blob.arrayBuffer());
}

/** An upright bitmap of an image file (EXIF orientation applied); MediaError when it cannot be decoded. */
export async function uprightBitmap(blob) {
  try {
    return await createImageBitmap(blob, {imageOrientation: 'from-image'});
  } catch (e) {
    throw new MediaError('the photo could not be decoded');
  }
}

/** A photo's thumbnail (JPEG bytes), turned upright by its EXIF orientation. */
export async function photoThumbnail(blob) {
  const bitmap = await uprightBitmap(blob);
  try {
    const [w, h] = fitted(bitmap.width, bitmap.height);
    const {canvas, g} = canvasOf(w, h);
    g.drawImage(bitmap, 0, 0, w, h);
    return await jpeg(canvas);
  } finally {
    bitmap.close();
  }
}

/** Resolves when one of the events fires on the element, rejects on 'error' or after the wait. */
function once(element, events, what) {
  return new Promise((resolve, reject) => {
    const done = (ok, value) => {
      clearTimeout(timer);
      for (const e of events) element.removeEventListener(e, succeed);
      element.removeEventListener('error', fail);
      (ok ? resolve : reject)(value);
    };
    const succeed = () => done(true);
    const fail = () => done(false, new MediaError(`the ${what} could not be read by this browser`));
    const timer = setTimeout(() => done(false, new MediaError(`the ${what} took too long to load`)), MEDIA_WAIT_MS);
    for (const e of events) element.addEventListener(e, succeed);
    element.addEventListener('error', fail);
  });
}

/** A media element playing nothing, on a blob: URL of the file; give it back with release(). */
async function mediaElement(kind, blob, what) {
  const element = document.createElement(kind);
  element.muted = true;
  element.preload = 'auto';
  element.playsInline = true;
  const url = URL.createObjectURL(blob);
  const release = () => {
    element.pause();
    element.removeAttribute('src');
    element.load(); // frees the decoder now, not when the element is collected
    URL.revokeObjectURL(url);
  };
  try {
    const loaded = once(element, ['loadedmetadata'], what);
    element.src = url;
    await loaded;
    // Chromium's own recordings (fragmented MP4) say their duration is Infinity until the end has been
    // sought; 'durationchange' comes before that seek is over, so wait for the seek itself.
    if (!Number.isFinite(element.duration) || element.duration <= 0) {
      try {
        await seek(element, 1e7, what);
      } catch (e) {
        if (kind === 'audio') throw e; // a video's frame does not need the length: its first one will do
      }
      if (!Number.isFinite(element.duration) && kind === 'audio') {
        throw new MediaError(`the ${what}'s length could not be read`);
      }
    }
    return {element, release};
  } catch (e) {
    release();
    throw e;
  }
}

/** Moves the element to `seconds` and resolves once that seek is over (not an earlier one's). */
async function seek(element, seconds, what) {
  const done = once(element, ['seeked'], what);
  element.currentTime = seconds;
  await done;
  while (element.seeking) await once(element, ['seeked'], what);
}

/**
 * Resolves true once the element has a decoded frame to draw (not only its metadata), false after
 * the wait. Chromium on a phone may hold back decoding for an element no one sees; asking for the
 * next frame (requestVideoFrameCallback) or a short muted play gets one.
 */
function frameReady(video, waitMs) {
  const ready = () => video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && !video.seeking
    && video.videoWidth > 0 && video.videoHeight > 0;
  // Data but no size: the file has no picture track at all (a recording that got no frame), no use waiting.
  const pictureless = () => video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && !video.seeking && !video.videoWidth;
  if (ready()) return Promise.resolve(true);
  if (pictureless()) return Promise.resolve(false);
  return new Promise(resolve => {
    const events = ['loadeddata', 'canplay', 'seeked', 'resize', 'timeupdate'];
    let finished = false;
    const finish = ok => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const e of events) video.removeEventListener(e, check);
      resolve(ok);
    };
    const check = () => { if (ready()) finish(true); else if (pictureless()) finish(false); };
    const timer = setTimeout(() => finish(ready()), waitMs);
    const poll = setInterval(check, 100);
    for (const e of events) video.addEventListener(e, check);
    if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(check);
  });
}

/** A translucent dark disc with a light triangle, centred, sized to the picture (as Thumbnails.java). */
function drawPlaySymbol(g, width, height) {
  const radius = Math.min(width, height) * 0.14;
  const x = width / 2;
  const y = height / 2;
  g.globalAlpha = 0.5;
  g.fillStyle = '#000';
  g.beginPath();
  g.arc(x, y, radius, 0, 2 * Math.PI);
  g.fill();
  g.globalAlpha = 0.9;
  g.fillStyle = '#fff';
  const side = radius * 0.95;
  const shift = side * 0.15; // a triangle's visual centre is left of its box's: nudge it right
  g.beginPath();
  g.moveTo(x - side / 2 + shift, y - side / 2 * 1.1);
  g.lineTo(x - side / 2 + shift, y + side / 2 * 1.1);
  g.lineTo(x + side / 2 + shift, y);
  g.closePath();
  g.fill();
  g.globalAlpha = 1;
}

/**
 * A video's thumbnail: its frame half a second in (or its first), with a play mark. When the browser
 * gives no frame in time (a decoder busy or refused, a codec it lacks), the card the CLI draws for a
 * video it cannot decode stands for it instead (the length, a play mark): a report is never lost
 * for want of a picture.
 */
export async function videoThumbnail(blob) {
  let opened;
  try {
    opened = await mediaElement('video', blob, 'video');
  } catch (e) {
    if (e instanceof MediaError) return videoCard(NaN); // seal.js has checked it is an MP4 file
    throw e;
  }
  const {element: video, release} = opened;
  try {
    const seconds = video.duration;
    const at = Number.isFinite(seconds) && seconds >= 2 * FRAME_AT_SECONDS ? FRAME_AT_SECONDS : 0;
    // Always seek, even to where it stands: the end, after a length was looked for, holds no frame.
    await seek(video, at === video.currentTime ? at + 1e-6 : at, 'video');
    let framed = await frameReady(video, FRAME_WAIT_MS);
    if (!framed && video.videoWidth > 0) {
      // A muted play is allowed without a gesture and makes even a held-back decoder produce a frame.
      await video.play().then(() => frameReady(video, FRAME_WAIT_MS)).then(ok => { framed = ok; }, () => {});
      video.pause();
    }
    if (!framed) {
      // Only the player's state (no name, no content): what a developer needs to see why.
      console.warn(`video thumbnail: no frame (readyState ${video.readyState}, size ${video.videoWidth}x${video.videoHeight},`
        + ` duration ${seconds}); the video card stands for it`);
      return await videoCard(seconds);
    }
    const [w, h] = fitted(video.videoWidth, video.videoHeight);
    const {canvas, g} = canvasOf(w, h);
    g.drawImage(video, 0, 0, w, h);
    drawPlaySymbol(g, w, h);
    return await jpeg(canvas);
  } finally {
    release();
  }
}

/** "0:03", "12:40", "1:02:05", rounded to the nearest second (AudioCard.format). */
export function formatLength(seconds) {
  const s = Math.round(seconds);
  const two = n => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor(s / 60) % 60;
  return hours > 0 ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${minutes}:${two(s % 60)}`;
}

/** A recording's length in seconds, as the browser reads it. */
export async function audioDuration(blob) {
  const {element, release} = await mediaElement('audio', blob, 'audio recording');
  try {
    return element.duration;
  } finally {
    release();
  }
}

const CARD_WIDTH = 480;
const CARD_HEIGHT = 360;
const CENTRE_X = CARD_WIDTH / 2;
const CENTRE_Y = 150;
const DISC_RADIUS = 64;
const INK = '#334155';
const WAVE_SHAPE = [0.35, 0.7, 0.5, 0.9, 0.6, 0.4, 0.75, 0.3, 0.5, 0.2];
const CARD_FONT = 'SafelightCardBold';
let fontLoading = null;

/** Liberation Sans Bold, the font the CLI's card and report.pdf use, from this server. */
function cardFont() {
  if (!fontLoading) {
    fontLoading = new FontFace(CARD_FONT, 'url(/app/fonts/LiberationSans-Bold.ttf)').load()
      .then(face => { document.fonts.add(face); return `30px ${CARD_FONT}`; })
      .catch(() => { fontLoading = null; return 'bold 30px sans-serif'; });
  }
  return fontLoading;
}

function line(g, x1, y1, x2, y2) {
  g.beginPath();
  g.moveTo(x1, y1);
  g.lineTo(x2, y2);
  g.stroke();
}

/** The audio card: a microphone between two decorative waveforms, the length beneath. */
export async function audioThumbnail(blob) {
  const seconds = await audioDuration(blob);
  const {canvas, g} = await blankCard();
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.strokeStyle = '#94a3b8';
  g.lineWidth = 6;
  WAVE_SHAPE.forEach((shape, i) => {
    const offset = DISC_RADIUS + 22 + i * 14;
    const half = shape * 84 / 2;
    for (const x of [CENTRE_X - offset, CENTRE_X + offset]) line(g, x, CENTRE_Y - half, x, CENTRE_Y + half);
  });
  g.beginPath();
  g.arc(CENTRE_X, CENTRE_Y, DISC_RADIUS, 0, 2 * Math.PI);
  g.fillStyle = '#fff';
  g.fill();
  g.lineWidth = 2;
  g.strokeStyle = '#cbd5e1';
  g.stroke();
  g.fillStyle = INK;
  g.strokeStyle = INK;
  const capsuleTop = CENTRE_Y - 34;
  g.beginPath();
  g.roundRect(CENTRE_X - 15, capsuleTop, 30, 50, 15);
  g.fill();
  g.lineWidth = 5;
  const cradleY = capsuleTop + 50 - 22;
  g.beginPath();
  g.arc(CENTRE_X, cradleY, 25, Math.PI, 0, true); // the lower half, around the capsule
  g.stroke();
  const stemTop = cradleY + 25;
  line(g, CENTRE_X, stemTop, CENTRE_X, stemTop + 14);
  line(g, CENTRE_X - 14, stemTop + 14, CENTRE_X + 14, stemTop + 14);
  await drawLength(g, seconds);
  return jpeg(canvas);
}

/** The cards' quiet background, 480x360. */
function blankCard() {
  const {canvas, g} = canvasOf(CARD_WIDTH, CARD_HEIGHT);
  const background = g.createLinearGradient(0, 0, 0, CARD_HEIGHT);
  background.addColorStop(0, '#f5f7fa');
  background.addColorStop(1, '#e2e8f0');
  g.fillStyle = background;
  g.fillRect(0, 0, CARD_WIDTH, CARD_HEIGHT);
  return {canvas, g};
}

/** The length beneath the card's middle ("0:03"); nothing when the browser could not tell it. */
async function drawLength(g, seconds) {
  if (!Number.isFinite(seconds)) return;
  g.font = await cardFont();
  g.fillStyle = INK;
  g.textAlign = 'center';
  g.textBaseline = 'alphabetic';
  g.fillText(formatLength(seconds), CENTRE_X, CENTRE_Y + DISC_RADIUS + 62);
}

/** A video without a frame to show (AudioCard.videoCard in the CLI): the card, its length, a play mark. */
async function videoCard(seconds) {
  const {canvas, g} = blankCard();
  await drawLength(g, seconds);
  drawPlaySymbol(g, CARD_WIDTH, CARD_HEIGHT);
  return jpeg(canvas);
}
