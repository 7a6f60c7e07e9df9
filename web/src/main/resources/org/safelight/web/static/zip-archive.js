// The entries of an archive zip.js has checked: each read as bytes, as a Blob, or as a stream of
// pieces, inflated with the platform's DecompressionStream where deflated, every inflated byte
// counted against the limits (entry, total, ratio) as it comes, the size and CRC-32 checked at the
// end. From a Blob source nothing is held whole unless asked for: a stored entry's Blob is a slice
// of the source (read once for its CRC), and so is one deflated into stored blocks only (what Java's
// Deflater writes at level 0, as the sealer does for media): the blocks' data, sliced out between
// their 5-byte headers; a compressed one is gathered from its inflated pieces.
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
/** Stored blocks of an entry read from a Blob: at most one per this many bytes (+16), see storedBlocks. */
const MIN_STORED_BLOCK = 16 * 1024;

/** The files of an open archive; reading counts every inflated byte against the limits. */
export class ZipArchive {
  constructor(source, entries, limits) {
    this.source = source;
    this.entries = entries;
    this.limits = limits;
    this.total = 0;
    this.compressed = 0;
    this.seen = null;
  }

  /** The names of the files (directories left out), in archive order. */
  names() {
    return [...this.entries.keys()];
  }

  has(name) {
    return this.entries.has(name);
  }

  /**
   * The inflated bytes of one file, checked against its CRC-32. A stored entry, or one deflated into
   * stored blocks only (the sealer's media and package.encrypted), is read in one piece and its
   * blocks' headers squeezed out in place: no inflating, one copy of it held (see whole()).
   */
  async read(name) {
    const entry = this.entry(name);
    const whole = await this.whole(entry, `entry '${printable(name)}'`);
    if (whole) return whole;
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
    const seen = this.source.blob ? this.seenRanges(entry, `entry '${printable(name)}'`) : null;
    if (seen) return seen.length === 1 ? this.source.blob.slice(seen[0][0], seen[0][1], type)
      : new Blob(seen.map(([from, to]) => this.source.blob.slice(from, to)), {type});
    if (entry.method === 8 && this.source.blob) {
      const ranges = await this.storedBlocks(entry, `entry '${printable(name)}'`);
      if (ranges) return new Blob(ranges.map(([from, to]) => this.source.blob.slice(from, to)), {type});
    }
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
   * An entry whose data were seen as the source was made (this.seen, from zip-cuts.js: the plaintext of
   * a large report, its stored entries' CRC-32 taken as it was decrypted), checked as storedBlocks()
   * checks it but without reading it back: the ranges of the source that hold its bytes, or null
   * when it was not seen whole (the caller reads it then).
   */
  seenRanges(entry, what) {
    const seen = this.seen?.get(entry.start);
    const end = entry.start + entry.compressedSize;
    if (!seen || seen.method !== entry.method || seen.end !== end || !seen.ranges) return null;
    if (entry.method === 8 && seen.ranges.length > Math.floor(entry.size / MIN_STORED_BLOCK) + 16) return null;
    this.admit(entry, what);
    if (seen.size > entry.size) throw new UnsafeZipError(`${what} inflates past its stated size`);
    this.count(seen.size, what);
    if (seen.size !== entry.size) throw new UnsafeZipError(`${what} is shorter than its stated size`);
    if (seen.crc !== entry.crc) throw new UnsafeZipError(`${what} is damaged (CRC mismatch)`);
    return seen.ranges.length ? seen.ranges : [[entry.start, entry.start]];
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
    this.admit(entry, what);
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

  /**
   * A deflated entry of a Blob source read as deflate's stored blocks (RFC 1951 3.2.4: a header byte
   * of type 00, LEN, NLEN = ~LEN, then LEN bytes as they are), checked as pieces() checks it: the
   * ranges of the source that hold its bytes, or null at the first compressed block (the caller
   * inflates it then, counted afresh).
   */
  async storedBlocks(entry, what) {
    const before = {total: this.total, compressed: this.compressed};
    this.admit(entry, what);
    const end = entry.start + entry.compressedSize;
    const ranges = [];
    const header = new Uint8Array(5);
    let headerFilled = 0;
    let remaining = 0;
    let final = false;
    let crc = 0;
    let size = 0;
    // A sender's 1-byte blocks would make millions of ranges and slices (a frozen tab); the sealer's
    // blocks hold up to 64 KiB, so more blocks than this is not a package we made.
    const maxBlocks = Math.floor(entry.size / MIN_STORED_BLOCK) + 16;
    let blocks = 0;
    for (let pos = entry.start; pos < end;) {
      const piece = new Uint8Array(await this.source.blob.slice(pos, Math.min(end, pos + PIECE)).arrayBuffer());
      for (let i = 0; i < piece.length;) {
        if (remaining > 0) {
          const k = Math.min(remaining, piece.length - i);
          if (size + k > entry.size) throw new UnsafeZipError(`${what} inflates past its stated size`);
          this.count(k, what);
          crc = crc32Update(crc, piece.subarray(i, i + k));
          ranges.push([pos + i, pos + i + k]);
          size += k;
          remaining -= k;
          i += k;
          continue;
        }
        if (final) throw new UnsafeZipError(`${what} is damaged`); // bytes after the last block
        header[headerFilled++] = piece[i++];
        if (headerFilled === 1 && (header[0] & 0b110) !== 0) {
          Object.assign(this, before);
          return null;
        }
        if (headerFilled === 5) {
          if (++blocks > maxBlocks) throw new UnsafeZipError(`${what} is damaged (too many stored blocks)`);
          const length = header[1] | (header[2] << 8);
          if ((length ^ (header[3] | (header[4] << 8))) !== 0xffff) throw new UnsafeZipError(`${what} is damaged`);
          final = (header[0] & 1) === 1;
          remaining = length;
          headerFilled = 0;
        }
      }
      pos += piece.length;
    }
    if (!final || remaining > 0 || headerFilled > 0) throw new UnsafeZipError(`${what} is damaged`);
    if (size !== entry.size) throw new UnsafeZipError(`${what} is shorter than its stated size`);
    if (crc !== entry.crc) throw new UnsafeZipError(`${what} is damaged (CRC mismatch)`);
    return ranges;
  }

  /**
   * A stored entry, or one deflated into stored blocks only, read whole from the source (one read of
   * a Blob, a copy of an array) and checked as pieces() checks it; null at a compressed block (the
   * caller inflates it then, counted afresh). One large read: a Blob read in slices costs a round
   * trip to the browser process per slice, and DecompressionStream copies stored blocks through
   * its stream a few KiB at a time, both several times slower than this (measured, see picsafe.js).
   */
  async whole(entry, what) {
    const maxBlocks = Math.floor(entry.size / MIN_STORED_BLOCK) + 16;
    // Stored blocks add 5 bytes each: a deflated range longer than that allows is not stored blocks of
    // the stated size, so it is not read whole (a 2 GB range stating 1 KB would be allocated first);
    // pieces() inflates it and refuses it at its first bytes past the stated size.
    if (entry.method === 8 && entry.compressedSize > entry.size + 5 * (maxBlocks + 1)) return null;
    const before = {total: this.total, compressed: this.compressed};
    this.admit(entry, what);
    const end = entry.start + entry.compressedSize;
    const raw = this.source.blob ? new Uint8Array(await this.source.blob.slice(entry.start, end).arrayBuffer())
      : this.source.bytes.slice(entry.start, end);
    const data = entry.method === 0 ? raw : unblock(raw, maxBlocks, what);
    if (data === null) {
      Object.assign(this, before);
      return null;
    }
    if (data.length > entry.size) throw new UnsafeZipError(`${what} inflates past its stated size`);
    this.count(data.length, what);
    if (data.length !== entry.size) throw new UnsafeZipError(`${what} is shorter than its stated size`);
    if (crc32Update(0, data) !== entry.crc) throw new UnsafeZipError(`${what} is damaged (CRC mismatch)`);
    return data;
  }

  /** Checks an entry's stated size against the limits before anything is read, and counts it as read. */
  admit(entry, what) {
    if (entry.size > this.limits.maxEntryBytes) throw new UnsafeZipError(`${what} inflates past ${this.limits.maxEntryBytes} bytes`);
    // Checked on the stated size before anything is allocated, and again on every inflated byte.
    const after = this.total + entry.size;
    if (after > this.limits.maxTotalBytes) throw new UnsafeZipError(`the archive inflates past ${this.limits.maxTotalBytes} bytes`);
    if (after > this.limits.ratioGraceBytes && after > this.limits.maxRatio * Math.max(1, this.compressed + entry.compressedSize)) {
      throw new UnsafeZipError(`the archive inflates more than ${this.limits.maxRatio} times its size: a ZIP bomb? (${what})`);
    }
    this.compressed += entry.compressedSize;
    if (entry.method === 0 && entry.compressedSize !== entry.size) throw new UnsafeZipError(`${what} is damaged`);
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
        } catch (e) {
          // the browser failing to read the source is no damage of the archive: say what it is
          if (e?.name === 'NotReadableError' || e?.name === 'NotFoundError') throw e;
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

/**
 * Deflate data made of stored blocks only (RFC 1951 3.2.4), its block headers squeezed out in place:
 * the data as a view of the same array, or null at the first compressed block or after maxBlocks
 * blocks (a sender's 1-byte blocks: inflating them is quicker than moving each).
 */
function unblock(bytes, maxBlocks, what) {
  let read = 0;
  let written = 0;
  let blocks = 0;
  let final = false;
  while (read < bytes.length) {
    if (final) throw new UnsafeZipError(`${what} is damaged`); // bytes after the last block
    if ((bytes[read] & 0b110) !== 0) return null;
    if (read + 5 > bytes.length) throw new UnsafeZipError(`${what} is damaged`);
    if (++blocks > maxBlocks) return null;
    const length = bytes[read + 1] | (bytes[read + 2] << 8);
    if ((length ^ (bytes[read + 3] | (bytes[read + 4] << 8))) !== 0xffff) throw new UnsafeZipError(`${what} is damaged`);
    final = (bytes[read] & 1) === 1;
    read += 5;
    if (read + length > bytes.length) throw new UnsafeZipError(`${what} is damaged`);
    bytes.copyWithin(written, read, read + length);
    written += length;
    read += length;
  }
  if (!final) throw new UnsafeZipError(`${what} is damaged`);
  return bytes.subarray(0, written);
}
