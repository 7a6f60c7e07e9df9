// A photo without the metadata that could identify a patient, a place or a device, made at the
// level of JPEG marker segments: the compressed image is copied byte for byte, never decoded or
// re-encoded. The same rules as the CLI's format/media/Photos.java, byte for byte, so a report sealed
// here and one sealed there carry the same things. A keep list, not a drop list:
//   kept:    the segments a decoder needs (SOFn, DHT, DAC, DQT, DNL, DRI, SOS) and the entropy-coded
//            data as stored, the JFIF header without its thumbnail (an old copy of the picture), the
//            Adobe colour-transform segment (12 bytes; some JPEGs decode with wrong colours without it);
//   rebuilt: the EXIF orientation, when it is not 1, as a minimal EXIF segment holding only it, so
//            the photo is still shown the right way up;
//   dropped: everything else: EXIF (GPS, make, model, serial numbers, dates), XMP, IPTC, other APPn,
//            ICC profiles (they can name the device; without one a viewer assumes sRGB, so a
//            wide-gamut photo looks slightly less saturated), comments, JPGn extension markers
//            (F0-FD), unknown markers, anything after the end-of-image marker.

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP14 = 0xee;
const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const JFIF = [0x4a, 0x46, 0x49, 0x46, 0]; // "JFIF\0"
const ADOBE = Array.from('Adobe', c => c.charCodeAt(0));
const JFIF_WITHOUT_THUMBNAIL = 12; // identifier, version, units, densities
const ADOBE_LENGTH = 12; // identifier, version, two flag words, colour transform

/** The photo is not a JPEG, or its segment structure is broken. */
export class NotAJpegError extends Error {
  constructor(message) { super(message); this.name = 'NotAJpegError'; }
}

/** Whether bytes begin as a JPEG does (start-of-image and a marker). */
export function looksLikeJpeg(bytes) {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === SOI && bytes[2] === 0xff;
}

function startsWith(bytes, prefix) {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function isStandalone(marker) {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/** Walks a JPEG's segments; `at` is the position after the last thing read. */
class Segments {
  constructor(bytes) {
    this.bytes = bytes;
    this.at = 0;
  }

  byte() {
    if (this.at >= this.bytes.length) throw new NotAJpegError('the photo is truncated: the JPEG data ends too early');
    return this.bytes[this.at++];
  }

  start() {
    if (this.byte() !== 0xff || this.byte() !== SOI) throw new NotAJpegError('the photo is not a JPEG image');
  }

  /** The next marker, skipping the 0xFF fill bytes JPEG allows before one. */
  marker() {
    if (this.byte() !== 0xff) throw new NotAJpegError('the photo is damaged: expected a JPEG marker between segments');
    let marker;
    do marker = this.byte(); while (marker === 0xff);
    if (marker === 0) throw new NotAJpegError('the photo is damaged: invalid JPEG marker');
    return marker;
  }

  payload() {
    const length = (this.byte() << 8) | this.byte();
    if (length < 2) throw new NotAJpegError('the photo is damaged: a JPEG segment has an impossible length');
    if (this.at + length - 2 > this.bytes.length) throw new NotAJpegError('the photo is truncated: the JPEG data ends too early');
    const payload = this.bytes.subarray(this.at, this.at + length - 2);
    this.at += length - 2;
    return payload;
  }

  /**
   * The entropy-coded data after a scan header, as runs of the input (stuffed bytes and restart
   * markers included), and the marker that ends it; its 0xFF is consumed, as in JpegReader.copyScan.
   */
  scan(parts) {
    const b = this.bytes;
    let runStart = this.at;
    for (;;) {
      let i = b.indexOf(0xff, this.at);
      if (i < 0) throw new NotAJpegError('the photo is truncated: the JPEG data ends too early');
      this.at = i + 1;
      let next = this.byte();
      const fill = next === 0xff;
      while (next === 0xff) next = this.byte();
      if (next === 0 || (next >= 0xd0 && next <= 0xd7)) {
        if (fill) { // 0xFF fill bytes inside a scan collapse to one, as the CLI copies them
          parts.push(b.subarray(runStart, i + 1), Uint8Array.of(next));
          runStart = this.at;
        }
        continue;
      }
      parts.push(b.subarray(runStart, i));
      return next;
    }
  }
}

/** The EXIF orientation (1..8) an APP1 payload declares; 1 when none or unreadable. */
export function exifOrientation(payload) {
  if (!startsWith(payload, EXIF)) return 1;
  const t = payload.subarray(EXIF.length);
  const little = t[0] === 0x49 && t[1] === 0x49;
  const big = t[0] === 0x4d && t[1] === 0x4d;
  const fits = (offset, n) => offset >= 0 && offset + n <= t.length;
  const u16 = o => (little ? t[o] | (t[o + 1] << 8) : (t[o] << 8) | t[o + 1]);
  const u32 = o => (little ? (t[o] | (t[o + 1] << 8) | (t[o + 2] << 16)) + t[o + 3] * 0x1000000
    : t[o] * 0x1000000 + ((t[o + 1] << 16) | (t[o + 2] << 8) | t[o + 3]));
  if (!(little || big) || !fits(0, 8) || u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (ifd < 8 || !fits(ifd, 2)) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (!fits(entry, 12)) return 1;
    if (u16(entry) === 0x0112) {
      const type = u16(entry + 2);
      const value = type === 3 ? u16(entry + 8) : type === 4 ? u32(entry + 8) : 1;
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** An APP1 payload whose only content is the orientation: big-endian TIFF, one IFD, one entry. */
function orientationPayload(orientation) {
  return Uint8Array.of(...EXIF, 0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1,
    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0);
}

// The segments a decoder reads: frame headers SOF0-3, 5-7, 9-11, 13-15 (C4 is DHT, C8 JPG, CC DAC),
// Huffman and arithmetic tables, quantisation tables, number of lines, restart interval, scan header.
function decodingNeeds(marker) {
  const frame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
  return frame || marker === 0xc4 || marker === 0xcc || marker === 0xdb || marker === 0xdc || marker === 0xdd
    || marker === SOS;
}

function kept(marker, payload) {
  if (marker === APP0) {
    if (!startsWith(payload, JFIF) || payload.length < JFIF_WITHOUT_THUMBNAIL + 2) return null;
    const trimmed = payload.slice(0, JFIF_WITHOUT_THUMBNAIL + 2);
    trimmed[JFIF_WITHOUT_THUMBNAIL] = 0; // thumbnail width
    trimmed[JFIF_WITHOUT_THUMBNAIL + 1] = 0; // and height
    return trimmed;
  }
  if (marker === APP14) return startsWith(payload, ADOBE) && payload.length >= ADOBE_LENGTH
    ? payload.subarray(0, ADOBE_LENGTH) : null;
  return decodingNeeds(marker) ? payload : null;
}

function segment(marker, payload) {
  const length = payload.length + 2;
  return [Uint8Array.of(0xff, marker, length >> 8, length & 0xff), payload];
}

/**
 * The photo's bytes without identifying metadata, as a list of Uint8Array parts (mostly views of
 * the input, so a large photo is not copied again) and its orientation (1..8).
 *
 * @throws NotAJpegError when the bytes are not a JPEG or its structure is broken
 */
export function stripJpeg(bytes) {
  const r = new Segments(bytes);
  r.start();
  const parts = [Uint8Array.of(0xff, SOI)];
  let orientation = 1;
  let exifSeen = false;
  let scanSeen = false;
  let marker = r.marker();
  while (marker !== EOI) {
    if (isStandalone(marker)) { // TEM, or a restart marker outside a scan: no data, not needed there
      marker = r.marker();
      continue;
    }
    const payload = r.payload();
    if (marker === APP1 && !exifSeen && startsWith(payload, EXIF)) {
      exifSeen = true; // like image viewers, only the first EXIF segment counts
      orientation = exifOrientation(payload);
      if (orientation !== 1) parts.push(...segment(APP1, orientationPayload(orientation)));
    } else {
      const keep = kept(marker, payload);
      if (keep) parts.push(...segment(marker, keep));
    }
    if (marker === SOS) {
      scanSeen = true;
      marker = r.scan(parts);
    } else {
      marker = r.marker();
    }
  }
  if (!scanSeen) throw new NotAJpegError('the photo has no image data (the JPEG ends before its first scan)');
  parts.push(Uint8Array.of(0xff, EOI));
  return {parts, orientation};
}
