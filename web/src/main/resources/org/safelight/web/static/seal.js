// Sealing a report in the page, so that nothing readable leaves the device: the same report the
// CLI's `safelight seal` makes (format/seal/Sealer.java). package.zip holds metadata.json,
// report.pdf, the consent file, and each item's thumbnail and file; photos lose their location and
// device metadata without being re-encoded. Then, by the protection asked for, RNCryptor v3 with the
// key the key server makes for this report, or with a fresh key wrapped for an institution's public
// key, inside {ReportID}.picsafe; or the plain package.zip.
//
// Photos: a JPEG is cleaned byte-wise (jpeg-clean.js). Anything else a browser can decode (PNG, a
// screenshot, HEIC where the browser reads it) is drawn upright and encoded as a JPEG, which keeps
// no metadata at all; a file the browser cannot decode is refused with 'not_a_photo'.
// Videos, voice notes and verbal consent must be MP4 (.m4v, .m4a), as the format says; they lose
// their location, device and time metadata without any sample moving (mp4-clean.js).
import {createReportKey} from './keys.js';
import {looksLikeJpeg, NotAJpegError, stripJpeg} from './jpeg-clean.js';
import {Mp4Error, stripMp4} from './mp4-clean.js';
import {renderReportPdf} from './report-pdf.js';
import {encryptBlob} from './rncryptor-stream.js';
import {newReportKey, packageJsonBytes, PublicKeyError, wrapForInstitution} from './seal-keys.js';
import {metadataBytes, reportIdAt, reportMetadata} from './seal-metadata.js';
import {audioThumbnail, MediaError, photoThumbnail, uprightBitmap, videoThumbnail} from './thumbnails.js';
import {zipOfBlobs} from './zip-writer.js';

/** Why a report could not be sealed. code: no_items | not_a_photo | key_server | aborted | failed. */
export class SealError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'SealError';
    this.code = code;
  }
}

const REPORT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CONVERTED_QUALITY = 0.92;
const WORDS = {photo: 'Photo', video: 'Video', audio: 'Audio recording'};

/** A new report ID for the signed-in user (profile: GET /api/v1/accounts/me). */
export async function newReportId(profile) {
  return reportIdAt(profile);
}

/** The key server reports sealed here get their keys from (/app/config.json), or null. */
export async function composeKeyServer() {
  try {
    const r = await fetch('/app/config.json', {cache: 'no-store'});
    return r.ok ? ((await r.json()).compose_key_server || null) : null;
  } catch (e) {
    return null;
  }
}

/** Whether an MP4 file begins as one does: a box whose type is ftyp. */
async function isMp4(blob) {
  const head = new Uint8Array(await blob.slice(0, 8).arrayBuffer());
  return head.length === 8 && String.fromCharCode(...head.subarray(4)) === 'ftyp';
}

/** A photo as the report keeps it: a JPEG without metadata, as a Blob. */
async function cleanPhoto(file, label) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (looksLikeJpeg(bytes)) {
    try {
      return new Blob(stripJpeg(bytes).parts, {type: 'image/jpeg'});
    } catch (e) {
      if (e instanceof NotAJpegError) throw new SealError('not_a_photo', `${label} is a damaged JPEG (${e.message}).`);
      throw e;
    }
  }
  // Not a JPEG: converted where this browser can read it. The new JPEG carries no metadata at all.
  let bitmap;
  try {
    bitmap = await uprightBitmap(file);
  } catch (e) {
    throw new SealError('not_a_photo', `${label} is not a JPEG photo, and this browser cannot convert it. `
      + 'Take the photo again with the camera, or choose a JPEG file.');
  }
  try {
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    const g = canvas.getContext('2d', {alpha: false});
    g.fillStyle = '#fff'; // transparent parts of a PNG become white, not black
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(bitmap, 0, 0);
    const jpeg = await new Promise(resolve => canvas.toBlob(resolve, 'image/jpeg', CONVERTED_QUALITY));
    if (!jpeg) throw new SealError('not_a_photo', `${label} is too large for this browser to convert to JPEG.`);
    return jpeg;
  } finally {
    bitmap.close();
  }
}

/** A video or audio file as the report keeps it: the MP4 without metadata. */
async function mp4(file, label) {
  if (!(file instanceof Blob) || !(await isMp4(file))) {
    throw new SealError('failed', `${label} is not an MP4 file, which reports carry; choose an MP4 (.mp4, .m4v, .m4a) file.`);
  }
  try {
    return await stripMp4(file);
  } catch (e) {
    if (e instanceof Mp4Error) throw new SealError('failed', `${label} cannot be used: ${e.message}.`);
    throw e;
  }
}

/** Each item with its ID, the file the report keeps and its thumbnail, in the draft's order. */
async function prepareItems(draft, progress, signal) {
  const numbers = {photo: 0, video: 0, audio: 0};
  const items = [];
  for (const item of draft.items) {
    signal?.throwIfAborted();
    const type = item.type;
    if (!(type in numbers)) throw new SealError('failed', `An item of the report has an unknown type (${type}).`);
    const id = `${type}-${++numbers[type]}`;
    const label = `${WORDS[type]} ${numbers[type]}`;
    try {
      const file = type === 'photo' ? await cleanPhoto(item.file, label) : await mp4(item.file, label);
      const thumbnail = type === 'photo' ? await photoThumbnail(file)
        : type === 'video' ? await videoThumbnail(file) : await audioThumbnail(file);
      items.push({id, type, levels: item.levels || [], file, thumbnail,
        name: `${id}.${type === 'photo' ? 'jpg' : type === 'video' ? 'm4v' : 'm4a'}`});
    } catch (e) {
      if (e instanceof MediaError) throw new SealError('failed', `${label}: ${e.message}.`);
      throw e;
    }
    progress('thumbnails', items.length, draft.items.length);
  }
  return {items, counts: {photos: numbers.photo, videos: numbers.video, audios: numbers.audio}};
}

/** consent.jpg (signed, cleaned like a photo) or consent.m4a (verbal), or null. */
async function consentEntry(consent) {
  if (consent?.type === 'signed') {
    if (!consent.file) throw new SealError('failed', 'The consent is marked as signed but has no signature.');
    const image = await cleanPhoto(consent.file, 'The signature');
    return {name: 'consent.jpg', blob: image, image: new Uint8Array(await image.arrayBuffer())};
  }
  if (consent?.type === 'verbal') {
    if (!consent.file) throw new SealError('failed', 'The consent is marked as verbal but has no recording.');
    return {name: 'consent.m4a', blob: await mp4(consent.file, 'The consent recording'), image: null};
  }
  return null;
}

/** The report key and package.json for a protection. */
async function keyFor(protection, reportId, signal) {
  if (protection.kind === 'keyserver') {
    let origin;
    try {
      origin = new URL(protection.keyServer).origin;
    } catch (e) {
      throw new SealError('key_server', 'No key server is set up for sealing reports on this site.');
    }
    let key;
    try {
      key = await createReportKey(origin, reportId, signal);
    } catch (e) {
      if (e?.name === 'AbortError') throw e;
      throw new SealError('key_server', e.message);
    }
    return {key, packageJson: packageJsonBytes({keyserverUrl: origin, reportId})};
  }
  if (protection.kind === 'static') {
    const key = newReportKey();
    try {
      return {key, packageJson: packageJsonBytes({reportId, staticKey: await wrapForInstitution(protection.publicKey, key)})};
    } catch (e) {
      if (e instanceof PublicKeyError) throw new SealError('failed', e.message);
      throw e;
    }
  }
  throw new SealError('failed', `Unknown protection '${protection.kind}'.`);
}

async function seal(draft, {profile, protection, onProgress, signal}) {
  if (!draft?.items?.length) throw new SealError('no_items', 'Add a photo, a video or a voice note first.');
  if (!protection?.kind) throw new SealError('failed', 'Choose how the report is protected.');
  const reportId = draft.reportId || reportIdAt(profile);
  if (!REPORT_ID.test(reportId)) throw new SealError('failed', 'The report ID is not valid.');
  const progress = (stage, done, total) => onProgress?.({stage, done, total});

  const {items, counts} = await prepareItems(draft, progress, signal);
  const consent = await consentEntry(draft.consent);
  signal?.throwIfAborted();
  const metadata = reportMetadata(draft, profile, reportId, items);
  progress('pdf', 0, 1);
  const pdf = await renderReportPdf(metadata, items.map(i => ({itemId: i.id, type: i.type, thumbnail: i.thumbnail})),
    {type: metadata.report.consent.type, image: consent?.image || null});
  progress('pdf', 1, 1);
  signal?.throwIfAborted();

  // The order the CLI writes: metadata, report.pdf, consent, then each item's thumbnail and file.
  const entries = [['metadata.json', metadataBytes(metadata)], ['report.pdf', pdf]];
  if (consent) entries.push([consent.name, consent.blob]);
  for (const i of items) entries.push([`${i.id}-thumbnail.jpg`, i.thumbnail], [i.name, i.file]);
  const packageZip = await zipOfBlobs(entries, {signal, onEntry: (done, total) => progress('zip', done, total)});

  let blob;
  let fileName;
  if (protection.kind === 'plain') {
    blob = packageZip;
    fileName = `${reportId}.zip`;
  } else {
    const {key, packageJson} = await keyFor(protection, reportId, signal);
    const encrypted = await encryptBlob(packageZip, key, {signal,
      onProgress: (done, total) => progress('encrypt', done, total)});
    blob = await zipOfBlobs([['package.json', packageJson], ['package.encrypted', encrypted.blob, encrypted.crc32]],
      {signal});
    fileName = `${reportId}.picsafe`;
  }
  return {reportId, blob, fileName, counts, bytes: blob.size};
}

/**
 * Seals a draft (see common12's draft contract). protection: {kind: 'keyserver', keyServer: origin}
 * | {kind: 'static', publicKey: PEM or base64 SPKI} | {kind: 'plain'}. Resolves {reportId, blob,
 * fileName, counts: {photos, videos, audios}, bytes}; onProgress({stage: 'thumbnails' | 'pdf' |
 * 'zip' | 'encrypt', done, total}); signal aborts. Rejects with a SealError.
 */
export async function sealReport(draft, {profile, protection, onProgress, signal} = {}) {
  try {
    signal?.throwIfAborted();
    return await seal(draft, {profile, protection, onProgress, signal});
  } catch (e) {
    if (e instanceof SealError) throw e;
    if (e?.name === 'AbortError' || signal?.aborted) throw new SealError('aborted', 'Sealing was stopped.');
    throw new SealError('failed', `The report could not be sealed: ${e?.message || e}`);
  }
}
