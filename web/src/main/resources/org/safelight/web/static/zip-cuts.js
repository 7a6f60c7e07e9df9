// Where a ZIP's file data begin and end, found while its bytes stream past (a large report's package
// as it is decrypted), so that the Blob it is gathered into is made of separate Blobs cut there; and
// the CRC-32 of its stored files, taken on the way.
//
// Why: the browser shares a Blob's parts with a slice that covers them whole, but copies those a
// slice covers only in part. A report's files are slices of its decrypted package (zip-archive.js's
// blob()): cut where each file's data begins and ends (and around each deflate stored block's 5-byte
// header, for the sealer's video), every slice covers whole parts and the files cost no memory of
// their own. With their CRC-32 known, they need not be read back either: a 500 MB report was read
// back whole from Blob storage the browser had paged to disk, and that failed with NotReadableError
// (measured 2026-11-28, bench/browser-open.sh: main failed 4 of 4 openings of 500 MB, this 0 of 6).
//
// This reads local headers and stored block headers only to choose the cuts: it decides nothing
// about the archive (zip.js reads it, with all its checks, from the finished Blob, and an entry not
// seen whole here is read as before). After a compressed entry it looks for the next data
// descriptor's signature; anything else it does not expect (ZIP64, the central directory) ends it.
//
// Limits: the plaintext is the sender's, and this runs on it before zip.js or zip-archive.js apply
// theirs. So it keeps to zip-archive.js's rule for stored blocks (at most one per MIN_STORED_BLOCK
// bytes of data, +16, per entry), cuts around a stored block only when it holds MIN_STORED_BLOCK
// bytes or is the entry's last, and makes at most one record per MIN_STORED_BLOCK bytes of the stream
// (+16). Past any of these it stops: the rest is gathered by size only, and an entry not seen whole is
// read back and checked by zip-archive.js as it would be without this (refused there if it must be).

import {crc32Update} from './crc32.js';

const LOCAL = 0x04034b50;
const DESCRIPTOR = 0x08074b50;
const DATA_DESCRIPTOR_FLAG = 8;
/** The descriptor's signature as its four bytes read in order. */
const DESCRIPTOR_BE = 0x504b0708;
/** As zip-archive.js: the sealer's stored blocks hold 32-64 KiB; more, smaller ones are not ours. */
const MIN_STORED_BLOCK = 16 * 1024;

/**
 * Feed it the stream's bytes in order: feed() gives the cuts found, ascending. It also takes, as the
 * bytes pass, the CRC-32 of each stored entry's data and of each entry made of stored blocks only:
 * entries() maps the offset where an entry's data begins to {method, size, crc, end, ranges} (end: where
 * its data ends in the stream; ranges: where its bytes lie), for zip-archive.js to check those entries
 * against the directory without reading them back from the Blob.
 */
export class ZipCuts {
  constructor() {
    this.pos = 0; // bytes fed so far
    this.next = 0; // where the structure being read begins
    this.want = 30;
    this.got = 0;
    this.head = new Uint8Array(30);
    this.state = 'local';
    this.flags = 0;
    this.found = [];
    this.lastCut = 0;
    this.roll = 0;
    this.scanning = false;
    this.entryEnd = -1;
    this.done = false;
    this.records = new Map();
    this.record = null; // the entry whose data is being read
    this.spans = []; // [from, to, record]: data whose CRC is still to take, ascending
    this.blocks = 0; // stored blocks of the entry being read
  }

  /** The entries whose every byte was seen, by the offset of their data. */
  entries() {
    return new Map([...this.records].filter(([, r]) => r.complete));
  }

  /** Takes the next piece of the stream; returns the offsets of the cuts found in or after it. */
  feed(piece) {
    const start = this.pos;
    const end = start + piece.length;
    this.found = [];
    while (!this.done && this.next + this.got < end) {
      if (this.state === 'scan') {
        this.scan(piece, start);
        continue;
      }
      const from = this.next + this.got;
      if (from < start) {
        this.done = true; // cannot happen with the structures below; stop rather than guess
        break;
      }
      const k = Math.min(this.want - this.got, end - from);
      this.head.set(piece.subarray(from - start, from - start + k), this.got);
      this.got += k;
      if (this.got === this.want) this.step();
    }
    this.checksum(piece, start, end);
    this.pos = end;
    return this.found;
  }

  /** The CRC-32 of the entries' data in this piece (spans start in it or later: after their header). */
  checksum(piece, start, end) {
    let done = 0;
    for (const span of this.spans) {
      const [from, to, record] = span;
      if (from >= end) break;
      const a = Math.max(from, start);
      const b = Math.min(to, end);
      record.crc = crc32Update(record.crc, piece.subarray(a - start, b - start));
      record.seen += b - a;
      if (to > end) break;
      done++;
      if (record.seen === record.size && record.end !== null) record.complete = true;
    }
    if (done) this.spans.splice(0, done);
  }

  data(from, to) {
    this.record.ranges.push([from, to]);
    this.record.size += to - from;
    if (to > from) this.spans.push([from, to, this.record]);
  }

  /** A record for the entry whose data begin at at; false (and stopped) past the records allowed. */
  begin(at, method) {
    if (this.records.size >= 16 + Math.floor(at / MIN_STORED_BLOCK)) return this.stop();
    this.record = {method, size: 0, seen: 0, crc: 0, end: null, ranges: [], complete: false};
    this.records.set(at, this.record);
    this.blocks = 0;
    return true;
  }

  step() {
    const h = this.head;
    const u16 = i => h[i] | (h[i + 1] << 8);
    const u32 = i => (u16(i) | (u16(i + 2) << 16)) >>> 0;
    const at = this.next;
    if (this.state === 'local') {
      if (u32(0) !== LOCAL) return this.scanning ? this.expect(at + 1, 0, 'scan') : this.stop();
      this.scanning = false;
      this.flags = u16(6);
      const method = u16(8);
      const size = u32(18);
      const data = at + 30 + u16(26) + u16(28);
      const described = (this.flags & DATA_DESCRIPTOR_FLAG) !== 0;
      if (size === 0xffffffff) return this.stop(); // ZIP64
      if (method === 0 && !described) {
        if (!this.begin(data, 0)) return;
        this.cut(data);
        this.cut(data + size);
        this.data(data, data + size);
        this.record.end = data + size;
        if (size === 0) this.record.complete = true;
        return this.expect(data + size, 30, 'local');
      }
      if (method !== 8) return this.stop();
      this.entryEnd = described ? -1 : data + size;
      if (!this.begin(data, 8)) return;
      this.cut(data);
      return this.expect(data, 5, 'block');
    }
    if (this.state === 'block') {
      // compressed (metadata.json, report.pdf): its end is not known from here, so look for the data
      // descriptor's signature after it (a chance match in the data costs a few cuts, nothing more)
      if ((h[0] & 0b110) !== 0) {
        this.record.ranges = null; // not stored blocks only: read and inflated as usual
        return this.entryEnd >= 0 ? this.expect(this.entryEnd, 30, 'local') : this.expect(at, 0, 'scan');
      }
      const length = u16(1);
      if ((length ^ u16(3)) !== 0xffff) return this.stop();
      const last = (h[0] & 1) === 1;
      if (++this.blocks > Math.floor((this.record.size + length) / MIN_STORED_BLOCK) + 16) {
        this.record.ranges = null; // too many blocks: read back by zip-archive.js, which refuses it
        return this.stop();
      }
      if (length >= MIN_STORED_BLOCK || last) {
        this.cut(at);
        this.cut(at + 5);
        this.cut(at + 5 + length);
      }
      if (length > 0) this.data(at + 5, at + 5 + length);
      if (!last) return this.expect(at + 5 + length, 5, 'block');
      this.record.end = at + 5 + length;
      if (this.record.seen === this.record.size) this.record.complete = true;
      if (this.flags & DATA_DESCRIPTOR_FLAG) return this.expect(at + 5 + length, 4, 'descriptor');
      return this.expect(at + 5 + length, 30, 'local');
    }
    // descriptor: with its optional signature 16 bytes, else 12 (a ZIP64 one is not followed by a local header)
    return this.expect(at + (u32(0) === DESCRIPTOR ? 16 : 12), 30, 'local');
  }

  /** Looks for a data descriptor's signature in the piece, from next on; expects a local header after it. */
  scan(piece, start) {
    for (let i = Math.max(0, this.next - start); i < piece.length; i++) {
      this.roll = ((this.roll << 8) | piece[i]) >>> 0;
      if (this.roll === DESCRIPTOR_BE) {
        this.roll = 0;
        this.scanning = true;
        return this.expect(start + i + 1 + 12, 30, 'local');
      }
    }
    this.next = start + piece.length;
  }

  expect(at, want, state) {
    Object.assign(this, {next: at, want, got: 0, state, roll: 0});
  }

  stop() {
    this.done = true;
    return false;
  }

  cut(at) {
    if (at > this.lastCut) {
      this.found.push(at);
      this.lastCut = at;
    }
  }
}

/**
 * Gathers a stream's pieces into a list of Blobs (the caller composes them), one ending at each cut
 * and none larger than about gather bytes. The pieces are the caller's: each byte is overwritten
 * once it is in a Blob (the plaintext of a report is not left in the tab's memory).
 */
export class BlobGatherer {
  constructor(gather, cutter = null) {
    this.gather = gather;
    this.cutter = cutter;
    this.cuts = []; // ascending, from cuts[cutsFrom] on still to make
    this.cutsFrom = 0;
    this.blobs = [];
    this.pending = []; // pieces, from pending[pendingFrom] on not yet in a Blob
    this.pendingFrom = 0;
    this.pendingBytes = 0;
    this.at = 0;
  }

  add(piece) {
    const found = this.cutter ? this.cutter.feed(piece) : [];
    for (const c of found) this.cuts.push(c);
    this.pending.push(piece);
    this.pendingBytes += piece.length;
    this.at += piece.length;
    while (this.cutsFrom < this.cuts.length && this.cuts[this.cutsFrom] <= this.at) this.cutAt(this.cuts[this.cutsFrom++]);
    if (this.cutsFrom > 1024 && this.cutsFrom * 2 > this.cuts.length) {
      this.cuts = this.cuts.slice(this.cutsFrom);
      this.cutsFrom = 0;
    }
    if (this.pendingFrom > 1024 && this.pendingFrom * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingFrom);
      this.pendingFrom = 0;
    }
    if (this.pendingBytes >= this.gather) this.flush();
  }

  /** Makes a Blob of the pending bytes before pos (a cut found late may fall inside earlier pieces). */
  cutAt(pos) {
    const begin = this.at - this.pendingBytes;
    if (pos <= begin) return;
    const head = [];
    for (let keep = pos - begin; keep > 0;) {
      const p = this.pending[this.pendingFrom];
      if (p.length <= keep) {
        head.push(p);
        this.pending[this.pendingFrom++] = null;
        keep -= p.length;
      } else {
        head.push(p.subarray(0, keep));
        this.pending[this.pendingFrom] = p.subarray(keep);
        keep = 0;
      }
    }
    this.blobs.push(new Blob(head)); // copies the bytes
    for (const p of head) p.fill(0);
    this.pendingBytes -= pos - begin;
  }

  flush() {
    const rest = this.pending.slice(this.pendingFrom);
    if (rest.length) this.blobs.push(new Blob(rest)); // copies the bytes
    this.discard();
  }

  /** Overwrites what is not yet in a Blob and forgets it. */
  discard() {
    for (let i = this.pendingFrom; i < this.pending.length; i++) this.pending[i].fill(0);
    this.pending = [];
    this.pendingFrom = 0;
    this.pendingBytes = 0;
  }
}
