// A small reader for ZIP archives from outside, held in memory: it reads the central directory,
// applies the same rules as the server's SafeZipReader (entry count, per-entry and total inflated
// size counted while inflating, compression ratio, safe names, no duplicates), and inflates with
// the platform's DecompressionStream. Stored and deflated entries only; no ZIP64, no encryption.

export const REPORT_LIMITS = Object.freeze({
  maxEntries: 1000,
  maxEntryBytes: 2 * 1024 * 1024 * 1024 - 1, // what one browser array can hold
  maxTotalBytes: 4 * 1024 * 1024 * 1024,
  maxRatio: 100,
  ratioGraceBytes: 1024 * 1024,
});

export class UnsafeZipError extends Error {
  constructor(message) { super(message); this.name = 'UnsafeZipError'; }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_NAME_LENGTH = 255;

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
  }
  if (name.includes('..')) return "contains '..'";
  return null;
}

function printable(name) {
  const clean = Array.from(name).map(c => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '?' : c));
  return clean.length > 80 ? clean.slice(0, 80).join('') + '…' : clean.join('');
}

/** Opens an archive held in memory; throws UnsafeZipError when it is not a ZIP or breaks a rule. */
export function openZip(bytes, limits = REPORT_LIMITS) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfDirectory(view);
  if (eocd < 0) throw new UnsafeZipError('not a ZIP archive');
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    throw new UnsafeZipError('ZIP64 archives are not supported here');
  }
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) {
    throw new UnsafeZipError('multi-part archives are not supported');
  }
  if (count === 0) throw new UnsafeZipError('not a ZIP archive, or an empty one');
  if (count > limits.maxEntries) throw new UnsafeZipError(`more than ${limits.maxEntries} entries`);
  if (directoryOffset + directorySize > eocd) throw new UnsafeZipError('the archive directory is damaged');

  const decoder = new TextDecoder('utf-8');
  const seen = new Set();
  const entries = new Map();
  let p = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || view.getUint32(p, true) !== CENTRAL) throw new UnsafeZipError('the archive directory is damaged');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const localOffset = view.getUint32(p + 42, true);
    const rawName = bytes.subarray(p + 46, p + 46 + nameLength);
    const name = decoder.decode(rawName);
    p += 46 + nameLength + extraLength + commentLength;
    const problem = nameProblem(name);
    if (problem) throw new UnsafeZipError(`unsafe entry name '${printable(name)}': ${problem}`);
    if (seen.has(name.toLowerCase())) throw new UnsafeZipError(`entry '${printable(name)}' appears twice`);
    seen.add(name.toLowerCase());
    if (flags & 1) throw new UnsafeZipError(`entry '${printable(name)}' is encrypted`);
    if (method !== 0 && method !== 8) throw new UnsafeZipError(`entry '${printable(name)}' uses compression method ${method}`);
    if (name.endsWith('/')) continue;
    if (localOffset + 30 > directoryOffset || view.getUint32(localOffset, true) !== LOCAL) {
      throw new UnsafeZipError(`entry '${printable(name)}' is damaged`);
    }
    const localNameLength = view.getUint16(localOffset + 26, true);
    const localExtraLength = view.getUint16(localOffset + 28, true);
    const localName = bytes.subarray(localOffset + 30, localOffset + 30 + localNameLength);
    if (!sameBytes(localName, rawName)) throw new UnsafeZipError(`entry '${printable(name)}' has two different names`);
    const start = localOffset + 30 + localNameLength + localExtraLength;
    if (start + compressedSize > directoryOffset) throw new UnsafeZipError(`entry '${printable(name)}' is damaged`);
    entries.set(name, {name, method, crc, compressedSize, size, start, localOffset});
  }
  // Each file's local header and data are its own bytes: overlapping entries would let one
  // compressed kernel be inflated again and again while the ratio check counts it each time.
  const spans = [...entries.values()].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < spans.length; i++) {
    const previous = spans[i - 1];
    if (spans[i].localOffset < previous.start + previous.compressedSize) {
      throw new UnsafeZipError(`entries '${printable(previous.name)}' and '${printable(spans[i].name)}' overlap`);
    }
  }
  return new ZipArchive(bytes, entries, limits);
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function findEndOfDirectory(view) {
  const last = view.byteLength - 22;
  const first = Math.max(0, last - 0xffff);
  for (let i = last; i >= first; i--) {
    if (view.getUint32(i, true) === EOCD) return i;
  }
  return -1;
}

/** The files of an open archive; reading counts every inflated byte against the limits. */
class ZipArchive {
  constructor(bytes, entries, limits) {
    this.bytes = bytes;
    this.entries = entries;
    this.limits = limits;
    this.total = 0;
    this.compressed = 0;
  }

  /** The names of the files (directories left out), in archive order. */
  names() {
    return [...this.entries.keys()];
  }

  has(name) {
    return this.entries.has(name);
  }

  /** The inflated bytes of one file, checked against its CRC-32. */
  async read(name) {
    const entry = this.entries.get(name);
    if (!entry) throw new UnsafeZipError(`the archive has no '${printable(name)}'`);
    const what = `entry '${printable(name)}'`;
    if (entry.size > this.limits.maxEntryBytes) throw new UnsafeZipError(`${what} inflates past ${this.limits.maxEntryBytes} bytes`);
    // Checked on the stated size before anything is allocated, and again on every inflated byte.
    const after = this.total + entry.size;
    if (after > this.limits.maxTotalBytes) throw new UnsafeZipError(`the archive inflates past ${this.limits.maxTotalBytes} bytes`);
    if (after > this.limits.ratioGraceBytes && after > this.limits.maxRatio * Math.max(1, this.compressed + entry.compressedSize)) {
      throw new UnsafeZipError(`the archive inflates more than ${this.limits.maxRatio} times its size: a ZIP bomb? (${what})`);
    }
    const raw = this.bytes.subarray(entry.start, entry.start + entry.compressedSize);
    this.compressed += entry.compressedSize;
    let out;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) throw new UnsafeZipError(`${what} is damaged`);
      this.count(entry.size, what);
      out = raw.slice();
    } else {
      out = new Uint8Array(entry.size);
      let filled = 0;
      const reader = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
      try {
        for (;;) {
          const {done, value} = await reader.read();
          if (done) break;
          if (filled + value.length > entry.size) throw new UnsafeZipError(`${what} inflates past its stated size`);
          this.count(value.length, what);
          out.set(value, filled);
          filled += value.length;
        }
      } catch (e) {
        reader.cancel().catch(() => {});
        if (e instanceof UnsafeZipError) throw e;
        throw new UnsafeZipError(`${what} is damaged`);
      }
      if (filled !== entry.size) throw new UnsafeZipError(`${what} is shorter than its stated size`);
    }
    if (crc32(out) !== entry.crc) throw new UnsafeZipError(`${what} is damaged (CRC mismatch)`);
    return out;
  }

  count(n, what) {
    this.total += n;
    if (this.total > this.limits.maxTotalBytes) throw new UnsafeZipError(`the archive inflates past ${this.limits.maxTotalBytes} bytes`);
    if (this.total > this.limits.ratioGraceBytes && this.total > this.limits.maxRatio * Math.max(1, this.compressed)) {
      throw new UnsafeZipError(`the archive inflates more than ${this.limits.maxRatio} times its size: a ZIP bomb? (${what})`);
    }
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
