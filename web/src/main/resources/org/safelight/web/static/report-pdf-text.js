// The text handling under report.pdf, as the CLI's (format/pdf/EmbeddedFont.java, LineBreaker.java):
// what the font can draw, how wide it is, and where lines break. Report text is untrusted, so every
// string goes through printable() before it is measured or drawn. Widths are computed in 32-bit
// floats, as Java does, so that both break lines at the same places.

const REPLACEMENT = '?';
const SOFT_HYPHEN = 0x00ad;
const ELLIPSIS = '…';
const f32 = Math.fround;
const FORMAT = /^\p{Cf}$/u;
const SEPARATOR = /^[\p{Zs}\p{Zl}\p{Zp}]$/u;

/** Java's Character.isWhitespace: separators other than the no-break ones, and some controls. */
export function isJavaWhitespace(cp) {
  if ((cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f)) return true;
  if (cp === 0x00a0 || cp === 0x2007 || cp === 0x202f) return false;
  return cp > 0x20 ? SEPARATOR.test(String.fromCodePoint(cp)) : cp === 0x20;
}

/** Java's String.strip(). */
export function strip(text) {
  const cps = Array.from(text);
  let start = 0;
  let end = cps.length;
  while (start < end && isJavaWhitespace(cps[start].codePointAt(0))) start++;
  while (end > start && isJavaWhitespace(cps[end - 1].codePointAt(0))) end--;
  return cps.slice(start, end).join('');
}

/** Java's String.isBlank(). */
export function isBlank(text) {
  return strip(text).length === 0;
}

function isLineBreak(cp) {
  return cp === 0x0a || cp === 0x0d || cp === 0x0b || cp === 0x0c || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

function isIsoControl(cp) {
  return cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);
}

/**
 * A font embedded in the document (pdf, for drawing) and the same font parsed by fontkit (face,
 * for the two questions layout asks: can this code point be drawn, and how wide is it).
 */
export class ReportFont {
  constructor(pdf, face) {
    this.pdf = pdf;
    this.face = face;
    this.scale = 1000 / face.unitsPerEm;
    this.widths = new Map();
  }

  /**
   * The text as this font can draw it: line breaks become '\n' (or a space when keepLineBreaks is
   * false), other white space a plain space, and control and format characters (bidi overrides
   * among them, which could make extracted text read differently), lone surrogates and code points
   * the font has no glyph for '?'. A soft hyphen is dropped: we never hyphenate.
   */
  printable(text, keepLineBreaks) {
    const out = [];
    const cps = Array.from(text, (c) => c.codePointAt(0));
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i];
      if (cp === 0x0d && cps[i + 1] === 0x0a) continue; // the '\n' that follows stands for both
      if (isLineBreak(cp)) {
        out.push(keepLineBreaks ? '\n' : ' ');
      } else if (isJavaWhitespace(cp)) {
        out.push(' ');
      } else if (cp === SOFT_HYPHEN) {
        continue;
      } else if (isIsoControl(cp) || FORMAT.test(String.fromCodePoint(cp)) || this.rawWidth(cp) < 0) {
        out.push(REPLACEMENT);
      } else {
        out.push(String.fromCodePoint(cp));
      }
    }
    return out.join('');
  }

  /** Width in points of printable text at the given size. */
  width(printable, size) {
    let total = 0;
    for (const c of printable) total = f32(total + Math.max(0, this.rawWidth(c.codePointAt(0))));
    return f32(f32(total * size) / 1000);
  }

  /** Width in points of one printable code point. */
  widthOf(cp, size) {
    return f32(f32(Math.max(0, this.rawWidth(cp)) * size) / 1000);
  }

  /** Advance width in 1/1000 em, rounded as the PDF's width table holds it, or -1 without a glyph. */
  rawWidth(cp) {
    let width = this.widths.get(cp);
    if (width === undefined) {
      const lone = cp >= 0xd800 && cp <= 0xdfff; // broken UTF-16, not a character
      width = lone || !this.face.hasGlyphForCodePoint(cp) ? -1
        : Math.round(this.face.glyphForCodePoint(cp).advanceWidth * this.scale);
      this.widths.set(cp, width);
    }
    return width;
  }
}

/**
 * fontkit as pdf-lib should use it here: one glyph per character, in the order written, with no
 * shaping, composition or right-to-left reordering; the same glyphs the CLI's PDF holds, so text
 * extracts the same from both.
 */
export function unshapedFontkit(fontkit) {
  return {
    create(bytes, postscriptName) {
      const face = fontkit.create(bytes, postscriptName);
      face.layout = (text) => ({glyphs: Array.from(text, (c) => face.glyphForCodePoint(c.codePointAt(0)))});
      return face;
    },
  };
}

/**
 * The lines of printable text that fit width. Words break at spaces; a word wider than the whole
 * line is cut between characters. Paragraphs ('\n') are kept; runs of blank lines collapse to one.
 * At least one (possibly empty) line.
 */
export function wrap(printable, font, size, width) {
  const lines = [];
  for (const paragraph of printable.split('\n')) {
    if (isBlank(paragraph)) {
      if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
      continue;
    }
    wrapParagraph(paragraph, font, size, width, lines);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) lines.push('');
  return lines;
}

function wrapParagraph(paragraph, font, size, width, lines) {
  const space = font.widthOf(0x20, size);
  let line = '';
  let lineWidth = 0;
  for (const word of paragraph.split(' ')) {
    if (word === '') continue;
    const wordWidth = font.width(word, size);
    if (line !== '' && f32(f32(lineWidth + space) + wordWidth) <= width) {
      line += ' ' + word;
      lineWidth = f32(f32(lineWidth + space) + wordWidth);
      continue;
    }
    if (line !== '') {
      lines.push(line);
      line = '';
      lineWidth = 0;
    }
    if (wordWidth <= width) {
      line = word;
      lineWidth = wordWidth;
      continue;
    }
    // too wide for any line: cut it, and let its last piece start the next line
    for (const c of word) {
      const w = font.widthOf(c.codePointAt(0), size);
      if (line !== '' && f32(lineWidth + w) > width) {
        lines.push(line);
        line = '';
        lineWidth = 0;
      }
      line += c;
      lineWidth = f32(lineWidth + w);
    }
  }
  if (line !== '') lines.push(line);
}

/** The text on one line, cut with an ellipsis if it is wider than width. */
export function clip(printable, font, size, width) {
  const oneLine = printable.replaceAll('\n', ' ');
  if (font.width(oneLine, size) <= width) return oneLine;
  const budget = f32(width - font.width(ELLIPSIS, size));
  let out = '';
  let used = 0;
  for (const c of oneLine) {
    const w = font.widthOf(c.codePointAt(0), size);
    if (f32(used + w) > budget) break;
    out += c;
    used = f32(used + w);
  }
  const kept = Array.from(out);
  while (kept.length > 0 && isJavaWhitespace(kept[kept.length - 1].codePointAt(0))) kept.pop();
  return kept.join('') + ELLIPSIS;
}
