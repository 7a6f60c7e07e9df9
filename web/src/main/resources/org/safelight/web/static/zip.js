// A small reader for ZIP archives from outside, held in memory or in a Blob (a chosen File is read
// only where needed: the end record, the directory, each local header): it reads the central directory,
// applies the same rules as the server's SafeZipReader (one reading: the directory and the local
// headers agree exactly, with no bytes between or after them; entry count, per-entry and total
// inflated size counted while inflating, compression ratio, safe names, no duplicates, no path that is
// both a file and a folder, no path segment over 255 UTF-8 bytes), and inflates with the platform's
// DecompressionStream. Stored and deflated entries only; no ZIP64
// (a report that large does not fit in a tab), no encryption, no archive comment. The entries
// themselves are read by zip-archive.js.
import {ZipArchive, printable, UnsafeZipError} from './zip-archive.js';

export {UnsafeZipError} from './zip-archive.js';
export {crc32, crc32Update} from './crc32.js';

export const REPORT_LIMITS = Object.freeze({
  maxEntries: 1000,
  maxEntryBytes: 2 * 1024 * 1024 * 1024 - 1, // what one browser array can hold
  maxTotalBytes: 4 * 1024 * 1024 * 1024,
  maxRatio: 100,
  ratioGraceBytes: 1024 * 1024,
});

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const DATA_DESCRIPTOR = 1 << 3;
const UTF8 = 1 << 11;
// deflate's speed hints, a data descriptor, UTF-8 names: nothing else (SafeZipReader's rule)
const ACCEPTED_FLAGS = 0b110 | DATA_DESCRIPTOR | UTF8;
const ZIP64_EXTRA = 0x0001;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const MAX_NAME_LENGTH = 255;
const MAX_SEGMENT_BYTES = 255; // one name on disk

/** Why an entry name may not be used, or null when it may (the rules of EntryNames.java). */
export function nameProblem(name) {
  if (name.length === 0) return 'empty';
  if (name.length > MAX_NAME_LENGTH) return `longer than ${MAX_NAME_LENGTH} characters`;
  if (name.includes('\\')) return 'contains a backslash';
  if (name.startsWith('/')) return 'absolute path';
  if (name.length >= 2 && name[1] === ':') return 'drive letter';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return 'contains a control character';
  }
  const path = name.endsWith('/') ? name.slice(0, -1) : name;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return "contains an empty, '.' or '..' path segment";
    if (new TextEncoder().encode(segment).length > MAX_SEGMENT_BYTES) return `a path segment is longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  if (name.includes('..')) return "contains '..'";
  return null;
}

/**
 * Records a (lower-case) entry path; true when it is both a file and a folder in the archive
 * ('a' and 'a/b', in either order), which no disk can hold (the rule of EntryNames.java).
 */
function clashes(lower, files, folders) {
  const folder = lower.endsWith('/');
  const path = folder ? lower.slice(0, -1) : lower;
  if (folder ? files.has(path) : folders.has(path)) return true;
  const parents = [];
  for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) parents.push(path.slice(0, slash));
  if (parents.some(p => files.has(p))) return true;
  for (const p of parents) folders.add(p);
  (folder ? folders : files).add(path);
  return false;
}

/**
 * A part of the archive: absolute offsets, read like a DataView (little-endian) or sliced like the
 * bytes. Reading outside it is a RangeError: the checks below keep every read inside.
 */
class Window {
  constructor(start, bytes) {
    this.start = start;
    this.bytes = bytes;
    this.end = start + bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  getUint16(at) { return this.view.getUint16(this.offset(at, 2), true); }

  getUint32(at) { return this.view.getUint32(this.offset(at, 4), true); }

  subarray(from, to) { return this.bytes.subarray(this.offset(from, to - from), to - this.start); }

  offset(at, length) {
    if (at < this.start || at + length > this.end) throw new RangeError('read outside the window');
    return at - this.start;
  }
}

/**
 * The archive's bytes: a Uint8Array (one window over all of it), or a Blob read a window at a time
 * (a few small reads: the end record, the directory, each local header).
 */
function sourceOf(input) {
  if (input instanceof Blob) {
    return {size: input.size, blob: input,
      window: async (from, to) => new Window(from, new Uint8Array(await input.slice(from, to).arrayBuffer()))};
  }
  const whole = new Window(0, input);
  return {size: input.length, bytes: input, window: () => whole};
}

/**
 * Opens an archive held in memory (Uint8Array) or in a Blob (a File: only the parts that describe
 * the entries are read now); throws UnsafeZipError when it is not a ZIP or breaks a rule.
 * One reading (DESIGN §2), the rule of the server's SafeZipReader: the central directory lists the
 * entries in the order they lie in the file, each at the offset where the previous one (with its
 * data descriptor) ended, its local header agreeing on name, flags, method, CRC-32 and sizes; the
 * directory follows the last entry directly, the end record follows the directory, and nothing
 * (not even an archive comment) follows the end record. So no file reads as one report here and
 * as another to a reader going front to back.
 */
export async function openZip(input, limits = REPORT_LIMITS) {
  try {
    return await readDirectory(sourceOf(input), limits);
  } catch (e) {
    // a window too short for what a field says: damage the checks did not name
    if (e instanceof RangeError) throw new UnsafeZipError('the archive is damaged');
    throw e;
  }
}

async function readDirectory(source, limits) {
  const eocd = source.size - 22;
  // the end record, and room for a ZIP64 end record and locator before it
  const view = await source.window(Math.max(0, eocd - 76), source.size);
  if (eocd < 0 || view.getUint32(eocd) !== EOCD) {
    if (findEndOfDirectory(await source.window(Math.max(0, eocd - 0xffff), source.size)) >= 0) throw new UnsafeZipError('data follows the end of the archive, or it has a comment');
    throw new UnsafeZipError('not a ZIP archive');
  }
  const count = view.getUint16(eocd + 10);
  const directorySize = view.getUint32(eocd + 12);
  const directoryOffset = view.getUint32(eocd + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    throw new UnsafeZipError('ZIP64 archives are not supported here');
  }
  if (view.getUint16(eocd + 4) !== 0 || view.getUint16(eocd + 6) !== 0
      || view.getUint16(eocd + 8) !== count) {
    throw new UnsafeZipError('multi-part archives are not supported');
  }
  if (count === 0) throw new UnsafeZipError('not a ZIP archive, or an empty one');
  if (count > limits.maxEntries) throw new UnsafeZipError(`more than ${limits.maxEntries} entries`);
  const directoryEnd = zip64EndRecord(view, eocd, count, directorySize, directoryOffset);
  if (directoryOffset + directorySize !== directoryEnd) {
    throw new UnsafeZipError('unexpected bytes after the central directory, or a damaged one');
  }

  const directory = await source.window(directoryOffset, directoryEnd);
  const seen = new Set();
  const files = new Set();
  const folders = new Set();
  const entries = new Map();
  let p = directoryOffset;
  let next = 0; // where the next local header must start
  for (let i = 0; i < count; i++) {
    if (p + 46 > directoryEnd || directory.getUint32(p) !== CENTRAL) throw new UnsafeZipError('the archive directory is damaged');
    const flags = directory.getUint16(p + 8);
    const method = directory.getUint16(p + 10);
    const crc = directory.getUint32(p + 16);
    const compressedSize = directory.getUint32(p + 20);
    const size = directory.getUint32(p + 24);
    const nameLength = directory.getUint16(p + 28);
    const extraLength = directory.getUint16(p + 30);
    const commentLength = directory.getUint16(p + 32);
    const disk = directory.getUint16(p + 34);
    const localOffset = directory.getUint32(p + 42);
    if (p + 46 + nameLength + extraLength + commentLength > directoryEnd) throw new UnsafeZipError('the archive directory is damaged');
    const rawName = directory.subarray(p + 46, p + 46 + nameLength);
    const name = decodeName(rawName, flags);
    p += 46 + nameLength + extraLength + commentLength;
    const problem = nameProblem(name);
    if (problem) throw new UnsafeZipError(`unsafe entry name '${printable(name)}': ${problem}`);
    if (seen.has(name.toLowerCase())) throw new UnsafeZipError(`entry '${printable(name)}' appears twice`);
    seen.add(name.toLowerCase());
    if (clashes(name.toLowerCase(), files, folders)) {
      throw new UnsafeZipError(`unsafe entry name '${printable(name)}': its path is both a file and a folder in the archive`);
    }
    const what = `entry '${printable(name)}'`;
    if (flags & 1) throw new UnsafeZipError(`${what} is encrypted`);
    if (flags & ~ACCEPTED_FLAGS) throw new UnsafeZipError(`${what} uses ZIP features that are not accepted (flags 0x${flags.toString(16)})`);
    if (method !== 0 && method !== 8) throw new UnsafeZipError(`${what} uses compression method ${method}`);
    if (method === 0 && ((flags & DATA_DESCRIPTOR) || compressedSize !== size)) throw new UnsafeZipError(`${what} is damaged`);
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff || disk !== 0) {
      throw new UnsafeZipError('ZIP64 archives are not supported here');
    }
    if (localOffset !== next) {
      throw new UnsafeZipError(localOffset > next ? `unexpected bytes at offset ${next}, where the directory lists no entry`
        : `${what} overlaps the entry before it`);
    }
    extraField(directory, p - extraLength - commentLength, extraLength, ZIP64_EXTRA, what);
    const {start, zip64} = await checkLocalHeader(source,
      {what, rawName, flags, method, crc, compressedSize, size, localOffset}, directoryOffset);
    next = await checkDescriptor(source, start + compressedSize, {what, flags, crc, compressedSize, size}, zip64,
      directoryOffset);
    if (!name.endsWith('/')) entries.set(name, {name, method, crc, compressedSize, size, start, localOffset});
  }
  if (p !== directoryEnd) throw new UnsafeZipError('unexpected bytes after the central directory');
  if (next !== directoryOffset) throw new UnsafeZipError(`unexpected bytes at offset ${next} (before the central directory)`);
  return new ZipArchive(source, entries, limits);
}

/**
 * Where the central directory must end: at the end record, or at a ZIP64 end record (and its
 * locator) right before it, which must repeat the end record's values (larger ones do not fit here).
 */
function zip64EndRecord(view, eocd, count, directorySize, directoryOffset) {
  if (eocd < 76 || view.getUint32(eocd - 20) !== ZIP64_LOCATOR) return eocd;
  const record = eocd - 76;
  const u64 = (o) => view.getUint32(o + 4) * 0x100000000 + view.getUint32(o);
  if (view.getUint32(eocd - 16) !== 0 || u64(eocd - 12) !== record || view.getUint32(eocd - 4) !== 1
      || view.getUint32(record) !== ZIP64_END || u64(record + 4) !== 44
      || view.getUint32(record + 16) !== 0 || view.getUint32(record + 20) !== 0
      || u64(record + 24) !== count || u64(record + 32) !== count
      || u64(record + 40) !== directorySize || u64(record + 48) !== directoryOffset) {
    throw new UnsafeZipError('the ZIP64 end record does not match the central directory');
  }
  return record;
}

/** Checks an entry's local header against its directory record; returns where its data starts. */
async function checkLocalHeader(source, e, limit) {
  const at = e.localOffset;
  if (at + 30 > limit) throw new UnsafeZipError(`${e.what} is damaged`);
  // the header, its name and (usually) its extra field in one read
  let view = await source.window(at, Math.min(limit, at + 30 + e.rawName.length + 64));
  if (view.getUint32(at) !== LOCAL) throw new UnsafeZipError(`${e.what} is damaged`);
  const flags = view.getUint16(at + 6);
  const method = view.getUint16(at + 8);
  const crc = view.getUint32(at + 14);
  let compressedSize = view.getUint32(at + 18);
  let size = view.getUint32(at + 22);
  const nameLength = view.getUint16(at + 26);
  const extraLength = view.getUint16(at + 28);
  const start = at + 30 + nameLength + extraLength;
  if (start > limit) throw new UnsafeZipError(`${e.what} is damaged`);
  if (view.end < start) view = await source.window(at, start);
  if (!sameBytes(view.subarray(at + 30, at + 30 + nameLength), e.rawName)) {
    throw new UnsafeZipError(`${e.what} has another name in the central directory`);
  }
  if (flags !== e.flags || method !== e.method) {
    throw new UnsafeZipError(`the central directory describes ${e.what} otherwise than its own header`);
  }
  const zip64 = extraField(view, at + 30 + nameLength, extraLength, ZIP64_EXTRA, e.what);
  if (zip64 && (size === 0xffffffff || compressedSize === 0xffffffff)) {
    // a local ZIP64 field holds both sizes, inflated first (zero when a data descriptor follows)
    if (zip64.length < 16) throw new UnsafeZipError(`${e.what} has a damaged ZIP64 field`);
    const z = new DataView(zip64.buffer, zip64.byteOffset, zip64.byteLength);
    const wide = (o) => z.getUint32(o + 4, true) * 0x100000000 + z.getUint32(o, true);
    if (size === 0xffffffff) size = wide(0);
    if (compressedSize === 0xffffffff) compressedSize = wide(8);
  }
  if (flags & DATA_DESCRIPTOR) {
    const zeroOr = (stated, actual) => stated === 0 || stated === actual;
    if (!zeroOr(crc, e.crc) || !zeroOr(compressedSize, e.compressedSize) || !zeroOr(size, e.size)) {
      throw new UnsafeZipError(`${e.what} is damaged (its header does not match its data)`);
    }
  } else if (crc !== e.crc || compressedSize !== e.compressedSize || size !== e.size) {
    throw new UnsafeZipError(`the central directory describes ${e.what} otherwise than its own header`);
  }
  if (start + e.compressedSize > limit) throw new UnsafeZipError(`${e.what} is damaged`);
  return {start, zip64: zip64 !== null};
}

/**
 * The data descriptor after an entry's data, if it has one (optional signature, CRC-32, then both
 * sizes in 4 bytes, or 8 when the local header has a ZIP64 field); returns where the next entry
 * must start.
 */
async function checkDescriptor(source, at, e, zip64, limit) {
  if (!(e.flags & DATA_DESCRIPTOR)) return at;
  if (at > limit) throw new UnsafeZipError(`${e.what} is damaged`);
  const view = await source.window(at, Math.min(limit, at + 24));
  if (at + 4 <= limit && view.getUint32(at) === DESCRIPTOR) at += 4;
  const width = zip64 ? 8 : 4;
  const end = at + 4 + 2 * width;
  if (end > limit) throw new UnsafeZipError(`${e.what} is damaged`);
  const read = (o) => (zip64 ? view.getUint32(o + 4) * 0x100000000 : 0) + view.getUint32(o);
  if (view.getUint32(at) !== e.crc || read(at + 4) !== e.compressedSize || read(at + 4 + width) !== e.size) {
    throw new UnsafeZipError(`${e.what} is damaged (its data descriptor does not match it)`);
  }
  return end;
}

/** The data of one extra field, or null; a damaged extra block is refused (as in LocalHeader.java). */
function extraField(view, from, length, id, what) {
  let found = null;
  let p = from;
  while (p < from + length) {
    if (p + 4 > from + length) throw new UnsafeZipError(`${what} has a damaged extra field`);
    const fieldId = view.getUint16(p);
    const size = view.getUint16(p + 2);
    if (p + 4 + size > from + length) throw new UnsafeZipError(`${what} has a damaged extra field`);
    if (fieldId === id) {
      if (found) throw new UnsafeZipError(`${what} has two extra fields of type ${id}`);
      found = view.subarray(p + 4, p + 4 + size);
    }
    p += 4 + size;
  }
  return found;
}

/** The name from its bytes: strict UTF-8 when the entry is flagged UTF-8, else ASCII only (EntryNames.java). */
function decodeName(raw, flags) {
  if (!(flags & UTF8)) {
    if (raw.some(b => b >= 0x80)) throw new UnsafeZipError('an entry name is not ASCII and not marked as UTF-8');
    return String.fromCharCode(...raw);
  }
  try {
    return new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(raw);
  } catch {
    throw new UnsafeZipError('an entry name is not valid UTF-8');
  }
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function findEndOfDirectory(view) {
  const last = view.end - 22;
  const first = Math.max(view.start, last - 0xffff);
  for (let i = last; i >= first; i--) {
    if (view.getUint32(i) === EOCD) return i;
  }
  return -1;
}
