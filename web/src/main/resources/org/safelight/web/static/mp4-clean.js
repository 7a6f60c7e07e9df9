// An MP4 file (video, voice note, verbal consent) without its metadata, never moving a sample: a
// phone's video can carry its location (moov/udta/©xyz, Apple's meta keys), make, model, software
// and creation times. The same rules as the CLI's format/media/Mp4Metadata.java, byte for byte:
//   - udta, meta, uuid (and free/skip, where leftovers hide) at the top level, under moov and under
//     each trak become free boxes of the same size with zeroed contents;
//   - the creation and modification times of mvhd, tkhd and mdhd (versions 0 and 1) become 0.
// Every box keeps its offset, so chunk and fragment offsets stay valid. Only box headers and the
// moov box are read into memory; the rest of the output is slices of the input Blob.

const MAX_MOOV = 256 * 1024 * 1024; // larger than the sample tables of hours of video
const NEUTERED = new Set(['udta', 'meta', 'uuid', 'free', 'skip']);
const FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide']); // as the CLI accepts
const FREE = [0x66, 0x72, 0x65, 0x65];
const ZEROS = new Uint8Array(1024 * 1024);

/** The file is not an MP4, or its box structure is broken. */
export class Mp4Error extends Error {
  constructor(message) { super(message); this.name = 'Mp4Error'; }
}

const damaged = what => new Mp4Error(`the MP4 file is damaged: ${what}`);
const truncated = () => new Mp4Error('the MP4 file is truncated: a box runs past the end of the file');
const typeAt = (b, at) => String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
const u32 = (b, at) => b[at] * 0x1000000 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]);

/** A 64-bit size; beyond 2^53 no MP4 is real, and the CLI's limit is the same. */
function u64(b, at) {
  const high = u32(b, at);
  return high >= 2 ** 21 ? Number.MAX_SAFE_INTEGER : high * 2 ** 32 + u32(b, at + 4);
}

/** Header length and size of the box at `at` in b, whose parent ends at `end`; null if the header does not fit. */
function sizeOf(b, at, end) {
  if (end - at < 8 || b.length - at < 8) return null;
  const size32 = u32(b, at);
  const header = size32 === 1 ? 16 : 8;
  if (end - at < header || b.length - at < header) return null;
  const size = size32 === 1 ? u64(b, at + 8) : size32 === 0 ? end - at : size32;
  return {header, size};
}

function zeroTimes(b, from, to, type) {
  if (to - from < 4) throw damaged(`its ${type} box is too short`);
  const version = b[from];
  if (version > 1) throw damaged(`its ${type} box has an unknown version`);
  const times = version === 1 ? 16 : 8;
  if (to - from < 4 + times) throw damaged(`its ${type} box is too short`);
  b.fill(0, from + 4, from + 4 + times);
}

/** Cleans, in place, the children of a box whose contents span [from, to) of b. */
function clean(b, from, to, parent) {
  let at = from;
  while (at < to) {
    const box = sizeOf(b, at, to);
    if (!box) throw damaged('a box header runs past the end of its parent');
    if (box.size < box.header || box.size > to - at) throw damaged("a box's size does not fit in its parent");
    const end = at + box.size;
    const type = typeAt(b, at);
    if (NEUTERED.has(type)) {
      b.set(FREE, at + 4);
      b.fill(0, at + box.header, end);
    } else if ((type === 'trak' && parent === 'moov') || (type === 'mdia' && parent === 'trak')) {
      clean(b, at + box.header, end, type);
    } else if ((type === 'mvhd' && parent === 'moov') || (type === 'tkhd' && parent === 'trak')
        || (type === 'mdhd' && parent === 'mdia')) {
      zeroTimes(b, at + box.header, end, type);
    }
    at = end;
  }
}

function zeroParts(n) {
  const parts = [];
  for (let left = n; left > 0; left -= ZEROS.length) parts.push(left >= ZEROS.length ? ZEROS : ZEROS.subarray(0, left));
  return parts;
}

/**
 * The MP4 Blob without its metadata, as a Blob of the same length and type.
 *
 * @throws Mp4Error when the Blob is not an MP4 or its box structure is broken
 */
export async function stripMp4(blob) {
  const length = blob.size;
  const parts = [];
  let movie = false;
  let at = 0;
  while (at < length) {
    const head = new Uint8Array(await blob.slice(at, Math.min(at + 16, length)).arrayBuffer());
    if (at === 0 && head.length >= 8 && !FIRST_BOXES.has(typeAt(head, 0))) {
      throw new Mp4Error('the file is not an MP4 (it does not begin with an MP4 box)');
    }
    const box = sizeOf(head, 0, length - at);
    if (!box) throw truncated();
    if (box.size < box.header) throw damaged('a box has an impossible size');
    if (box.size > length - at) throw truncated();
    const type = typeAt(head, 0);
    if (NEUTERED.has(type)) {
      const header = head.slice(0, box.header);
      header.set(FREE, 4);
      parts.push(header, ...zeroParts(box.size - box.header));
    } else if (type === 'moov') {
      if (movie) throw damaged('it has two movie boxes (moov)');
      movie = true;
      if (box.size > MAX_MOOV) {
        throw new Mp4Error(`the MP4 file's movie box is too large (over ${MAX_MOOV / 1048576} MiB)`);
      }
      const moov = new Uint8Array(await blob.slice(at, at + box.size).arrayBuffer());
      clean(moov, box.header, moov.length, 'moov');
      parts.push(moov);
    } else {
      parts.push(blob.slice(at, at + box.size));
    }
    at += box.size;
  }
  if (!movie) throw damaged('it has no movie box (moov)');
  return new Blob(parts, {type: blob.type});
}
