// The entries of an archive zip.js has checked: each read as bytes, as a Blob, or as a stream of
// pieces, inflated with the platform's DecompressionStream where deflated, every inflated byte
// counted against the limits (entry, total, ratio) as it comes, the size and CRC-32 checked at the
// end. From a Blob source nothing is held whole unless asked for: a stored entry's Blob is a slice
// of the source (read once for its CRC), a deflated one is gathered from its inflated pieces.
import {crc32Update} from './crc32.js';

export class UnsafeZipError extends Error {
  constructor(message) { super(message); this.name = 'UnsafeZipError'; }
}

/** A name fit for a message: control characters replaced, long names cut. */
export function printable(name) {
  const clean = Array.from(name).map(c => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '?' : c));
  return clean.length > 80 ? clean.slice(0, 80).join('') + '…' : clean.join('');
}

/** Pieces read from a Blob source, and the size of the Blobs an entry's pieces are gathered into. */
const PIECE = 1024 * 1024;
const GATHER = 16 * 1024 * 1024;

/** The files of an open archive; reading counts every inflated byte against the limits. */
export class ZipArchive {
  constructor(source, entries, limits) {
    this.source = source;
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
    const entry = this.entry(name);
    let out = null;
    let filled = 0;
    for await (const piece of this.pieces(name)) {
      if (out === null && piece.length === entry.size) {
        out = piece; // the whole entry in one piece: keep it rather than copy it
        filled = piece.length;
        continue;
      }
      out ??= new Uint8Array(entry.size);
      out.set(piece, filled);
      filled += piece.length;
    }
    return out ?? new Uint8Array(0);
  }

  /**
   * One file as a Blob of that type, checked against its CRC-32 before it is returned. From a Blob
   * source a stored entry is a slice of it (no copy); otherwise its pieces are gathered.
   */
  async blob(name, type = '') {
    const entry = this.entry(name);
    const parts = [];
    let pending = [];
    let pendingBytes = 0;
    for await (const piece of this.pieces(name)) {
      if (entry.method === 0 && this.source.blob) continue; // read for the CRC only
      pending.push(piece);
      pendingBytes += piece.length;
      if (pendingBytes >= GATHER) {
        parts.push(new Blob(pending));
        pending = [];
        pendingBytes = 0;
      }
    }
    if (entry.method === 0 && this.source.blob) return this.source.blob.slice(entry.start, entry.start + entry.size, type);
    parts.push(new Blob(pending));
    return new Blob(parts, {type});
  }

  /**
   * The inflated bytes of one file as an async iterable of Uint8Array pieces (fresh ones, the
   * caller's to keep). Throws UnsafeZipError, at the piece where it shows, for a limit passed, and
   * after the last piece for a wrong size or CRC-32: a caller acts on the pieces only once the
   * iteration ended without error.
   */
  async *pieces(name) {
    const entry = this.entry(name);
    const what = `entry '${printable(name)}'`;
    if (entry.size > this.limits.maxEntryBytes) throw new UnsafeZipError(`${what} inflates past ${this.limits.maxEntryBytes} bytes`);
    // Checked on the stated size before anything is allocated, and again on every inflated byte.
    const after = this.total + entry.size;
    if (after > this.limits.maxTotalBytes) throw new UnsafeZipError(`the archive inflates past ${this.limits.maxTotalBytes} bytes`);
    if (after > this.limits.ratioGraceBytes && after > this.limits.maxRatio * Math.max(1, this.compressed + entry.compressedSize)) {
      throw new UnsafeZipError(`the archive inflates more than ${this.limits.maxRatio} times its size: a ZIP bomb? (${what})`);
    }
    this.compressed += entry.compressedSize;
    if (entry.method === 0 && entry.compressedSize !== entry.size) throw new UnsafeZipError(`${what} is damaged`);
    let crc = 0;
    let filled = 0;
    for await (const piece of this.raw(entry, what)) {
      if (filled + piece.length > entry.size) throw new UnsafeZipError(`${what} inflates past its stated size`);
      this.count(piece.length, what);
      crc = crc32Update(crc, piece);
      filled += piece.length;
      yield piece;
    }
    if (filled !== entry.size) throw new UnsafeZipError(`${what} is shorter than its stated size`);
    if (crc !== entry.crc) throw new UnsafeZipError(`${what} is damaged (CRC mismatch)`);
  }

  /** The entry's data as it lies in the archive, inflated when deflated. */
  async *raw(entry, what) {
    const {source} = this;
    const end = entry.start + entry.compressedSize;
    if (entry.method === 0) {
      if (!source.blob) {
        yield source.bytes.slice(entry.start, end);
        return;
      }
      for (let at = entry.start; at < end; at += PIECE) {
        yield new Uint8Array(await source.blob.slice(at, Math.min(end, at + PIECE)).arrayBuffer());
      }
      return;
    }
    const data = source.blob ? source.blob.slice(entry.start, end) : new Blob([source.bytes.subarray(entry.start, end)]);
    const reader = data.stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
    try {
      for (;;) {
        let next;
        try {
          next = await reader.read();
        } catch {
          throw new UnsafeZipError(`${what} is damaged`);
        }
        if (next.done) break;
        yield next.value;
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  entry(name) {
    const entry = this.entries.get(name);
    if (!entry) throw new UnsafeZipError(`the archive has no '${printable(name)}'`);
    return entry;
  }

  count(n, what) {
    this.total += n;
    if (this.total > this.limits.maxTotalBytes) throw new UnsafeZipError(`the archive inflates past ${this.limits.maxTotalBytes} bytes`);
    if (this.total > this.limits.ratioGraceBytes && this.total > this.limits.maxRatio * Math.max(1, this.compressed)) {
      throw new UnsafeZipError(`the archive inflates more than ${this.limits.maxRatio} times its size: a ZIP bomb? (${what})`);
    }
  }
}
