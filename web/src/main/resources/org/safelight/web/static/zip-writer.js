// Writing a ZIP of files held in memory ("Save all"), or of Blobs (a report sealed in the page,
// whose videos may be hundreds of MB: the archive is a Blob made of the entries' own Blobs and small
// headers, so nothing is copied, and each CRC is computed reading the Blob a slice at a time).
// Entries are stored, not deflated: a report's photos, videos and audio are compressed already (JPEG, H.264, AAC), so deflating would
// cost time on a phone and save almost nothing, and storing needs no library: a local header, the
// bytes, and a central directory entry each, plus the end record (the ZIP specification's
// APPNOTE 4.3). Names are UTF-8 (flag bit 11). No ZIP64: a report that large does not fit in a tab.

import {crc32Update} from './zip.js';

const LIMIT = 0xffffffff;

/** DOS date and time of a Date, local time (as ZIP tools show them). */
function dosTime(date) {
  const year = Math.max(1980, date.getFullYear());
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/**
 * A ZIP archive (as a Blob, application/zip) of entries [[name, Uint8Array], ...] in that order.
 * Throws RangeError when it would need ZIP64 (over 4 GiB or 65,535 entries).
 */
export function zipBlob(entries, when = new Date()) {
  return assemble(entries.map(([name, bytes]) => ({name, data: bytes, size: bytes.length, crc: crc32Update(0, bytes)})), when);
}

const SLICE = 1024 * 1024;


/** The CRC-32 of a Blob, read a slice at a time; signal stops it between slices. */
export async function blobCrc32(blob, signal) {
  let crc = 0;
  for (let at = 0; at < blob.size; at += SLICE) {
    signal?.throwIfAborted();
    crc = crc32Update(crc, new Uint8Array(await blob.slice(at, Math.min(blob.size, at + SLICE)).arrayBuffer()));
  }
  return crc;
}

/**
 * A ZIP archive (a Blob) of entries [[name, Blob | Uint8Array, crc32?], ...] in that order (the
 * CRC is computed unless given), stored, with
 * sizes and CRC in the local headers and no data descriptors (what our strict readers ask for).
 * onEntry(done, total) after each entry's CRC. Throws RangeError when it would need ZIP64.
 */
export async function zipOfBlobs(entries, {when = new Date(), signal, onEntry} = {}) {
  const prepared = [];
  for (const [name, data, known] of entries) {
    signal?.throwIfAborted();
    const size = data instanceof Blob ? data.size : data.length;
    const crc = known ?? (data instanceof Blob ? await blobCrc32(data, signal) : crc32Update(0, data));
    prepared.push({name, data, size, crc});
    onEntry?.(prepared.length, entries.length);
  }
  signal?.throwIfAborted();
  return assemble(prepared, when);
}

function assemble(entries, when) {
  if (entries.length > 0xffff) throw new RangeError('too many files for one ZIP');
  const {time, date} = dosTime(when);
  const encoder = new TextEncoder();
  const parts = [];
  const directory = [];
  let offset = 0;
  for (const {name, data: bytes, size, crc} of entries) {
    const rawName = encoder.encode(name);
    if (size > LIMIT || offset > LIMIT) throw new RangeError('too large for a ZIP without ZIP64');
    const local = new Uint8Array(30 + rawName.length);
    const l = new DataView(local.buffer);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 20, true); // version needed: 2.0
    l.setUint16(6, 0x0800, true); // UTF-8 names
    l.setUint16(8, 0, true); // stored
    l.setUint16(10, time, true);
    l.setUint16(12, date, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, size, true);
    l.setUint32(22, size, true);
    l.setUint16(26, rawName.length, true);
    l.setUint16(28, 0, true);
    local.set(rawName, 30);
    const central = new Uint8Array(46 + rawName.length);
    const c = new DataView(central.buffer);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 20, true); // made by: 2.0
    c.setUint16(6, 20, true);
    c.setUint16(8, 0x0800, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, time, true);
    c.setUint16(14, date, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, size, true);
    c.setUint32(24, size, true);
    c.setUint16(28, rawName.length, true);
    c.setUint32(42, offset, true);
    central.set(rawName, 46);
    parts.push(local, bytes);
    directory.push(central);
    offset += local.length + size;
  }
  const directorySize = directory.reduce((n, d) => n + d.length, 0);
  if (offset + directorySize > LIMIT) throw new RangeError('too large for a ZIP without ZIP64');
  const end = new Uint8Array(22);
  const e = new DataView(end.buffer);
  e.setUint32(0, 0x06054b50, true);
  e.setUint16(8, entries.length, true);
  e.setUint16(10, entries.length, true);
  e.setUint32(12, directorySize, true);
  e.setUint32(16, offset, true);
  return new Blob([...parts, ...directory, end], {type: 'application/zip'});
}
