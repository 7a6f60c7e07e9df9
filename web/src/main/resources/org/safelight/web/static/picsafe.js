// Opening a report: the .picsafe ZIP, its package.json (where the key is), the key from the key
// server, the HMAC check, decryption, the inner package.zip and its metadata.json.
//
// Two ways, by the size of the encrypted package. Up to IN_MEMORY_LIMIT it is read into memory and
// checked with one WebCrypto HMAC call (native, the fastest), then decrypted; its files are byte
// arrays, overwritten when the report is closed. Above, it is decrypted as it is read from the file,
// a chunk at a time (rncryptor-stream.js): read once for the HMAC alone, then, once it verified, again
// to decrypt into Blobs the browser may hold outside the tab's memory, each chunk decrypted only once
// proven the same as the first reading's (so only verified plaintext can reach its disk); its stored
// files are slices of the package, which is cut where they lie so that the slices share its memory,
// checked by the CRC-32 taken as it was decrypted, not read back (zip-cuts.js). Either way nothing of
// the report is parsed or shown before the HMAC verified.
import {openZip, UnsafeZipError} from './zip.js';
import {decrypt, IntegrityError, MalformedError} from './rncryptor.js';
import {decryptPieces} from './rncryptor-stream.js';
import {ZipCuts} from './zip-cuts.js';

/**
 * Encrypted packages up to this size are opened in memory: one read of the file, WebCrypto's native
 * one-shot HMAC, then AES, then each file squeezed out of the plaintext (about three copies at the
 * peak). Larger ones in chunks (about one copy in the tab; a 500 MB video must stay within two), at
 * the cost of the noble HMAC in JavaScript, twice. Profiled 2026-11-28 (bench/browser-open.sh with
 * -Dbench.profile, load 16): a 100 MB report's first photo 2x sooner in memory than in chunks.
 */
export const IN_MEMORY_LIMIT = 128 * 1024 * 1024;

const REPORT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_JSON = 1024 * 1024;
// Key server failures after which the user may type the report key instead (not after a refusal).
const TYPED_KEY_AFTER = new Set(['unknown', 'unreachable']);

/** A failure to show the user as it is: kind is one of not_picsafe, integrity, static_key, malformed. */
export class ReportError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'ReportError';
    this.kind = kind;
  }
}

/**
 * Opens a report: source is its bytes (Uint8Array) or a Blob (a chosen File, read where needed).
 * options.fileName / options.reportId help find the report ID when
 * package.json has none; options.fetchKey(keyserverUrl, reportId) returns the report key from its
 * key server; options.askKey({reportId, wrong, reason}) asks the user to type it: when package.json
 * names no key server, or the key server gives none (reason says why), and again with wrong: true
 * after a typed key that does not open the report (the bytes stay in memory meanwhile).
 * options.unwrapKey(staticKey, {reportId}) returns the report key of a static-key report (package.json
 * static_key {alg, kid, wrapped_key}, no key server) from the institution's private key. options.signal
 * stops the work; options.onProgress(phase, done, total) hears of it (checking, decrypting, opening).
 * options.inMemoryLimit: see IN_MEMORY_LIMIT (tests make it small to open small reports in chunks).
 * Resolves to {reportId, keyserverUrl, metadata, files: Map(name -> Uint8Array or Blob), encrypted: bool}.
 */
export async function openReport(source, {fileName, reportId, fetchKey, askKey, unwrapKey, signal, onProgress,
  inMemoryLimit = IN_MEMORY_LIMIT, chunkSize}) {
  let outer;
  try {
    outer = await openZip(source);
  } catch (e) {
    if (e instanceof UnsafeZipError) throw new ReportError('not_picsafe', `This is not a .picsafe report (${e.message}).`);
    throw e;
  }
  if (outer.has('metadata.json') && !outer.has('package.encrypted')) {
    // A plain report (package.zip itself): nothing to decrypt.
    return {...await readPackage(outer, signal, onProgress), reportId: null, keyserverUrl: null, encrypted: false};
  }
  if (!outer.has('package.json') || !outer.has('package.encrypted')) {
    throw new ReportError('not_picsafe', 'This is not a .picsafe report: it lacks package.json or package.encrypted.');
  }
  const pkg = await readJson(outer, 'package.json');
  const keyserverUrl = typeof pkg.keyserver_url === 'string' ? pkg.keyserver_url.replace(/\/+$/, '') : null;
  const staticKey = keyserverUrl ? null : staticKeyOf(pkg);
  if (staticKey && !unwrapKey) {
    throw new ReportError('static_key', 'This report is sealed for an institution\'s private key, not a key '
      + 'server. The institution opens it with its private key.');
  }
  const id = [pkg.report_id, idFromFileName(fileName), reportId].find(v => typeof v === 'string' && REPORT_ID.test(v));
  if (keyserverUrl && !id) {
    throw new ReportError('malformed', 'The report ID is not known: package.json has none and the file name is not {ReportID}.picsafe.');
  }
  if (!keyserverUrl && !staticKey && !askKey) throw new ReportError('malformed', 'package.json names no key server.');
  const sealedSize = outer.entries.get('package.encrypted').size;
  // In memory: read now, and kept while a typed key is asked again. In chunks: read with each key tried.
  const sealed = sealedSize > inMemoryLimit ? null : await readEntry(outer, 'package.encrypted');
  // In chunks the package is read twice per key (HMAC first, then decryption): each reading from a
  // fresh look at the file, so the limits count its bytes once, and refused if the file changed.
  const chosen = source instanceof Blob ? {size: source.size, lastModified: source.lastModified} : null;
  const openPieces = async () => {
    if (chosen && (source.size !== chosen.size || source.lastModified !== chosen.lastModified)) {
      throw new MalformedError('the file changed while it was read');
    }
    const zip = outer ?? await openZip(source);
    outer = null;
    return zip.pieces('package.encrypted');
  };
  const reading = async () => sealed ?? openPieces;
  let key;
  let typed = !keyserverUrl && !staticKey;
  let reason = null;
  if (staticKey) {
    // the hook checks the key's kid and unwraps; a wrong key file is its to say and ask again
    key = await unwrapKey(staticKey, {reportId: id || null});
  } else if (keyserverUrl) {
    try {
      key = await fetchKey(keyserverUrl, id);
    } catch (e) {
      // No key from the key server (not one this site works with, unreachable, or it holds none):
      // the sender may have given the key itself, as the CLI's open --password takes it.
      if (!askKey || !TYPED_KEY_AFTER.has(e.kind)) throw e;
      typed = true;
      reason = e.message;
      key = await askKey({reportId: id, wrong: false, reason});
    }
  } else {
    key = await askKey({reportId: id || null, wrong: false, reason: null});
  }
  let plain;
  let cutter = null;
  for (;;) {
    try {
      const sealedData = await reading();
      cutter = sealed ? null : new ZipCuts();
      plain = sealed ? await decrypt(sealedData, {password: key}, {signal, onProgress})
        : await decryptPieces(sealedData, sealedSize, key, {signal, onProgress, chunkSize, cutter});
      break;
    } catch (e) {
      if (e instanceof IntegrityError && typed) {
        // A typed key: say so and let them try again, with the file still in memory.
        key = await askKey({reportId: id || null, wrong: true, reason});
        continue;
      }
      if (e instanceof IntegrityError) {
        throw new ReportError('integrity', 'The report does not open with its key: the key is wrong or the file was altered. '
          + 'Nothing of it is shown.');
      }
      if (e instanceof MalformedError) throw new ReportError('malformed', `The encrypted package is damaged (${e.message}).`);
      if (e instanceof UnsafeZipError) throw new ReportError('malformed', `The report is damaged (${e.message}).`);
      throw e;
    }
  }
  try {
    let inner;
    try {
      inner = await openZip(plain);
    } catch (e) {
      if (e instanceof UnsafeZipError) throw new ReportError('malformed', `The decrypted package is not a safe ZIP (${e.message}).`);
      throw e;
    }
    plain = null;
    // in chunks: the stored files' CRC-32 were taken as they were decrypted; they are not read back
    inner.seen = cutter?.entries() ?? null;
    cutter = null;
    const opened = await readPackage(inner, signal, onProgress);
    if (inner.seen) await probe(opened.files);
    return {...opened, reportId: id || null, keyserverUrl, encrypted: true};
  } catch (e) {
    // From here on the page reads only the Blob it decrypted into, never the chosen file.
    if (e?.name === 'NotReadableError' || e?.name === 'NotFoundError') throw new OpenedReportUnreadableError(e);
    throw e;
  }
}

/**
 * Reads the first and last byte of each file (Blobs cut from the decrypted package, not read back
 * while opening): a browser that lost them fails here, told as OpenedReportUnreadableError, rather
 * than when a photo or a video is shown, where it looks like a file the browser cannot decode.
 */
async function probe(files) {
  for (const file of files.values()) {
    if (!(file instanceof Blob) || file.size === 0) continue;
    await file.slice(0, 1).arrayBuffer();
    if (file.size > 1) await file.slice(file.size - 1).arrayBuffer();
  }
}

/**
 * The browser could not give back the decrypted report the page had just put in its Blob storage
 * (it ran out of room for it): not the chosen file, which was read whole and verified by then.
 */
export class OpenedReportUnreadableError extends Error {
  constructor(cause) {
    super(cause?.message || String(cause), {cause});
    this.name = 'OpenedReportUnreadableError';
  }
}

/**
 * What to tell the user of a failure that is not a ReportError: the browser's own (memory, storage,
 * a file it can no longer read) or this page's. Such a failure is no finding about the report, and
 * the text says so, so that nobody takes it for "altered" (only ReportError 'integrity' says that).
 */
export function unexpectedFailureText(e) {
  const name = e?.name || 'Error';
  const why = name === 'OpenedReportUnreadableError'
    ? 'the browser ran out of room for the opened report and lost part of it (close other tabs and try again, '
      + 'or open it on a computer with more memory and free disk)'
    : name === 'NotReadableError' || name === 'NotFoundError'
    ? 'the browser could no longer read the file (was it moved or changed? choose it again)'
    : name === 'QuotaExceededError' || e instanceof RangeError
      ? 'the browser ran out of memory or storage for it (close other tabs and try again, or use a computer with more memory)'
      : 'the browser or this page failed';
  const detail = e?.message ? `${name}: ${e.message}` : name;
  return `The report could not be opened: ${why} (${detail}). This says nothing about whether the report is intact; `
    + 'nothing of it is shown.';
}

/** package.json's static_key, checked for shape (its alg is the unwrapper's to judge), or null. */
function staticKeyOf(pkg) {
  const k = pkg.static_key;
  if (k === undefined || k === null) return null;
  if (typeof k !== 'object' || Array.isArray(k) || typeof k.wrapped_key !== 'string' || !k.wrapped_key
      || (k.kid !== undefined && typeof k.kid !== 'string') || typeof k.alg !== 'string') {
    throw new ReportError('malformed', 'package.json static_key is damaged: it needs alg, kid and wrapped_key.');
  }
  return {alg: k.alg, kid: k.kid || '', wrapped_key: k.wrapped_key};
}

function idFromFileName(name) {
  if (typeof name !== 'string') return null;
  const m = /^([A-Za-z0-9_-]{1,64})(?: \(\d+\))?\.picsafe$/i.exec(name);
  return m ? m[1] : null;
}

async function readEntry(zip, name) {
  try {
    return await zip.read(name);
  } catch (e) {
    if (e instanceof UnsafeZipError) throw new ReportError('malformed', `The report is damaged (${e.message}).`);
    throw e;
  }
}

async function readBlob(zip, name) {
  try {
    return await zip.blob(name, typeOf(name));
  } catch (e) {
    if (e instanceof UnsafeZipError) throw new ReportError('malformed', `The report is damaged (${e.message}).`);
    throw e;
  }
}

const TYPES = {jpg: 'image/jpeg', m4v: 'video/mp4', m4a: 'audio/mp4', pdf: 'application/pdf', json: 'application/json'};

/** The type a report's file is shown as; anything unexpected an opaque download, never a document. */
export function typeOf(name) {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  return TYPES[ext] || 'application/octet-stream';
}

async function readJson(zip, name) {
  if (zip.entries.get(name).size > MAX_JSON) throw new ReportError('malformed', `${name} is too large.`);
  const bytes = await readEntry(zip, name);
  let value;
  try {
    value = JSON.parse(new TextDecoder('utf-8', {fatal: true}).decode(bytes));
  } catch (e) {
    throw new ReportError('malformed', `${name} is not valid JSON.`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ReportError('malformed', `${name} is not a JSON object.`);
  return value;
}

async function readPackage(zip, signal, onProgress) {
  if (!zip.has('metadata.json')) throw new ReportError('malformed', 'The report has no metadata.json.');
  const metadata = parseMetadata(await readJson(zip, 'metadata.json'));
  const files = new Map();
  const names = zip.names();
  const total = names.reduce((sum, n) => sum + zip.entries.get(n).size, 0);
  let done = 0;
  onProgress?.('opening', 0, total);
  for (const name of names) {
    signal?.throwIfAborted();
    files.set(name, zip.source.blob ? await readBlob(zip, name) : await readEntry(zip, name));
    done += zip.entries.get(name).size;
    onProgress?.('opening', done, total);
  }
  const missing = metadata.media.filter(m => !files.has(m.file)).map(m => m.file);
  if (missing.length) throw new ReportError('malformed', `The report lists media it does not contain: ${missing.join(', ')}.`);
  return {metadata, files};
}

const EXTENSIONS = {photo: 'jpg', video: 'm4v', audio: 'm4a'};

/** metadata.json as plain strings (numbers and booleans are taken as text; unknown fields ignored). */
export function parseMetadata(root) {
  const report = object(root, 'report', true);
  const text = (o, field) => {
    const v = o[field];
    if (v === undefined || v === null) return '';
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new ReportError('malformed', `metadata.json "${field}" is not a text value.`);
  };
  const pick = (o, fields) => Object.fromEntries(fields.map(f => [f, text(o, f)]));
  const patient = pick(object(report, 'patient'), ['firstname', 'lastname', 'day', 'month', 'year', 'patientid',
    'translator', 'guardian']);
  const user = pick(object(report, 'user'), ['userid', 'title', 'firstname', 'lastname', 'email', 'country']);
  const d = object(report, 'details');
  const details = pick(d, ['notes', 'datetime', 'reportid', 'sendtype', 'sendto', 'platform', 'model', 'version']);
  details.location = pick(object(d, 'location'), ['latitude', 'longitude', 'address']);
  const consent = pick(object(report, 'consent'), ['type', 'treatment', 'education', 'publication', 'consentlevels']);
  const list = report.media === undefined || report.media === null ? [] : report.media;
  if (!Array.isArray(list)) throw new ReportError('malformed', 'metadata.json "media" is not a list.');
  const seen = new Set();
  const media = list.map(m => {
    if (m === null || typeof m !== 'object') throw new ReportError('malformed', 'a media item is not an object.');
    const id = text(m, 'mediaid');
    const type = text(m, 'type').toLowerCase();
    if (!REPORT_ID.test(id) || /^(consent|metadata|report)$|-thumbnail$/i.test(id)) {
      throw new ReportError('malformed', 'a media item has an invalid ID.');
    }
    if (!EXTENSIONS[type]) throw new ReportError('malformed', 'a media item has an unknown type.');
    if (seen.has(id.toLowerCase())) throw new ReportError('malformed', 'a media item ID appears twice.');
    seen.add(id.toLowerCase());
    return {id, type, levels: text(m, 'levels'), file: `${id}.${EXTENSIONS[type]}`, thumbnail: `${id}-thumbnail.jpg`};
  });
  return {patient, user, details, consent, media};
}

function object(parent, field, required = false) {
  const v = parent[field];
  if (v === undefined || v === null) {
    if (required) throw new ReportError('malformed', `metadata.json has no "${field}" object.`);
    return {};
  }
  if (typeof v !== 'object' || Array.isArray(v)) throw new ReportError('malformed', `metadata.json "${field}" is not an object.`);
  return v;
}
