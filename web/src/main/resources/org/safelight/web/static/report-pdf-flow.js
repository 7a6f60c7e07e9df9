// A4 pages filled top to bottom, and the report's building blocks on them: the CLI's
// format/pdf/PageFlow.java and Blocks.java with the same measures, so both PDFs lay out alike.
// Callers ask for room (ensure) before drawing something that must not be cut, and the flow starts a
// new page when there is not enough. Continuation pages carry a running header naming the patient,
// since printed pages get separated; every page gets a footer once the page count is known.
// Coordinates are PDF points with the origin at the bottom left; y is the top of the free space.

import {clip, isBlank, wrap} from './report-pdf-text.js';

const rgb255 = (r, g, b) => [r / 255, g / 255, b / 255];
export const Rgb = Object.freeze({
  INK: rgb255(33, 37, 41),
  MUTED: rgb255(104, 112, 120),
  RULE: rgb255(206, 212, 218),
  PANEL: rgb255(243, 245, 247),
  ACCENT: rgb255(27, 58, 87),
  ON_ACCENT: rgb255(255, 255, 255),
  ON_ACCENT_MUTED: rgb255(178, 196, 214),
  GRANTED: rgb255(25, 110, 70),
});

// PDFBox's PDRectangle.A4, in points
export const PAGE_WIDTH = 595.27563;
export const PAGE_HEIGHT = 841.8898;
export const LEFT = 50;
export const RIGHT = PAGE_WIDTH - 50;
export const WIDTH = RIGHT - LEFT;
const TOP = PAGE_HEIGHT - 40;
const BOTTOM = 62;
const FOOTER_BASELINE = 34;
const SMALL = 8;

/** The vertical centre of a text line box puts the baseline here (caps centred in the box). */
export function baseline(top, leading, size) {
  return top - leading / 2 - 0.36 * size;
}

export class PageFlow {
  /** Starts the first page, with the whole page free so a header band can bleed to its edges. */
  constructor(PDFLib, doc, fonts, runningTitle, runningPatient) {
    this.lib = PDFLib;
    this.doc = doc;
    this.fonts = fonts;
    this.runningTitle = runningTitle;
    this.runningPatient = runningPatient;
    this.fontKeys = new Map();
    this.page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    this.y = PAGE_HEIGHT;
  }

  moveTo(y) {
    this.y = y;
  }

  down(distance) {
    this.y -= distance;
  }

  /** Makes room for height points, starting a new page if needed; true if it did. */
  ensure(height) {
    if (this.y - height >= BOTTOM) return false;
    this.newPage();
    return true;
  }

  newPage() {
    this.page = this.doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    const {bold, regular} = this.fonts;
    const base = TOP - SMALL;
    this.text(bold, SMALL, Rgb.ACCENT, LEFT, base, this.runningTitle);
    const titleWidth = bold.width(this.runningTitle, SMALL);
    const patient = clip(this.runningPatient, regular, SMALL, WIDTH - titleWidth - 24);
    this.textRight(regular, SMALL, Rgb.MUTED, RIGHT, base, patient);
    this.line(LEFT, TOP - 14, RIGHT, TOP - 14, 0.5, Rgb.RULE);
    this.y = TOP - 26;
  }

  color(c) {
    return this.lib.rgb(c[0], c[1], c[2]);
  }

  text(font, size, color, x, base, printable) {
    if (printable === '') return;
    const L = this.lib;
    this.page.pushOperators(L.pushGraphicsState(), L.beginText(), L.setFontAndSize(this.fontKey(font), size),
      L.setFillingRgbColor(...color), L.moveText(x, base), L.showText(font.pdf.encodeText(printable)), L.endText(),
      L.popGraphicsState());
  }

  /**
   * The page's resource name of the font, added once per page (pdf-lib's drawText would add a new
   * name each time the font changes: dozens per page).
   */
  fontKey(font) {
    let keys = this.fontKeys.get(this.page);
    if (!keys) this.fontKeys.set(this.page, keys = new Map());
    if (!keys.has(font)) keys.set(font, this.page.node.newFontDictionary(font.pdf.name, font.pdf.ref));
    return keys.get(font);
  }

  textRight(font, size, color, right, base, printable) {
    this.text(font, size, color, right - font.width(printable, size), base, printable);
  }

  textCentred(font, size, color, centre, base, printable) {
    this.text(font, size, color, centre - font.width(printable, size) / 2, base, printable);
  }

  fill(color, x, bottom, width, height) {
    this.page.drawRectangle({x, y: bottom, width, height, color: this.color(color)});
  }

  frame(color, lineWidth, x, bottom, width, height) {
    this.page.drawRectangle({x, y: bottom, width, height, borderColor: this.color(color), borderWidth: lineWidth});
  }

  line(x1, y1, x2, y2, thickness, color) {
    this.page.drawLine({start: {x: x1, y: y1}, end: {x: x2, y: y2}, thickness, color: this.color(color)});
  }

  /** A check box with its bottom-left corner at (x, bottom), ticked or empty. */
  checkbox(x, bottom, side, ticked) {
    this.frame(ticked ? Rgb.GRANTED : Rgb.MUTED, 0.8, x, bottom, side, side);
    if (!ticked) return;
    const L = this.lib;
    this.page.pushOperators(
      L.pushGraphicsState(),
      L.setStrokingRgbColor(...Rgb.GRANTED),
      L.setLineWidth(1.4),
      L.setLineCap(L.LineCapStyle.Round),
      L.setLineJoin(L.LineJoinStyle.Round),
      L.moveTo(x + side * 0.2, bottom + side * 0.52),
      L.lineTo(x + side * 0.42, bottom + side * 0.28),
      L.lineTo(x + side * 0.82, bottom + side * 0.76),
      L.stroke(),
      L.popGraphicsState());
  }

  /** Draws the image as large as fits in the box, keeping its proportions, centred. */
  imageFitted(image, x, bottom, width, height) {
    const scale = Math.min(width / image.width, height / image.height);
    const w = image.width * scale;
    const h = image.height * scale;
    this.page.drawImage(image, {x: x + (width - w) / 2, y: bottom + (height - h) / 2, width: w, height: h});
  }

  /** Writes every page's footer: report ID, page N of M, confidentiality. */
  finish(reportId, confidentiality) {
    const pages = this.doc.getPages();
    const font = this.fonts.regular;
    pages.forEach((page, i) => {
      this.page = page;
      this.line(LEFT, FOOTER_BASELINE + 14, RIGHT, FOOTER_BASELINE + 14, 0.5, Rgb.RULE);
      const centre = PAGE_WIDTH / 2;
      const middleHalf = font.width(confidentiality, SMALL) / 2;
      this.textCentred(font, SMALL, Rgb.MUTED, centre, FOOTER_BASELINE, confidentiality);
      this.textRight(font, SMALL, Rgb.MUTED, RIGHT, FOOTER_BASELINE, `Page ${i + 1} of ${pages.length}`);
      const id = clip('Report ' + reportId, font, SMALL, centre - middleHalf - LEFT - 12);
      this.text(font, SMALL, Rgb.MUTED, LEFT, FOOTER_BASELINE, id);
    });
  }
}

// Blocks: section headings and label/value rows. A row is kept on one page when it fits on one; a
// longer one (notes) continues line by line, its label repeated on the new page so a loose page still
// says what it shows.
export const BODY = 10;
export const LABEL = 8.5;
export const LEADING = 14.5;
const LABEL_WIDTH = 118;
export const VALUE_X = LEFT + LABEL_WIDTH;
const VALUE_WIDTH = RIGHT - VALUE_X;
const ROW_GAP = 3;
const KEEP_WHOLE = 6;
const HEADING = 11.5;
const HEADING_HEIGHT = 38;
const NOT_RECORDED = 'Not recorded';

/** Room a heading needs so that its first row comes with it. */
export const FIRST_ROW = LEADING + ROW_GAP;

export class Blocks {
  constructor(flow) {
    this.flow = flow;
    this.fonts = flow.fonts;
  }

  /** A section title with a rule under it, kept on the same page as keepWithNext points. */
  heading(title, keepWithNext) {
    const flow = this.flow;
    flow.ensure(HEADING_HEIGHT + keepWithNext);
    flow.down(14);
    flow.text(this.fonts.bold, HEADING, Rgb.ACCENT, LEFT, baseline(flow.y, 16, HEADING), title);
    flow.line(LEFT, flow.y - 18, RIGHT, flow.y - 18, 0.6, Rgb.RULE);
    flow.down(HEADING_HEIGHT - 14);
  }

  /** A row shown only when the value has some text. */
  optional(label, value, multiline = false) {
    if (!isBlank(value)) this.row(label, value, multiline, this.fonts.regular, Rgb.INK);
  }

  /** A row always shown, saying so when the value is missing rather than leaving a gap. */
  required(label, value, emphasised) {
    if (isBlank(value)) {
      this.row(label, NOT_RECORDED, false, this.fonts.regular, Rgb.MUTED);
    } else {
      this.row(label, value, false, emphasised ? this.fonts.bold : this.fonts.regular, Rgb.INK);
    }
  }

  row(label, rawValue, multiline, font, color) {
    const flow = this.flow;
    const lines = wrap(font.printable(rawValue, multiline), font, BODY, VALUE_WIDTH);
    // short values stay whole; long ones (notes) may break, but not after a lone first line
    flow.ensure((lines.length <= KEEP_WHOLE ? lines.length : 2) * LEADING);
    lines.forEach((line, i) => {
      const newPage = flow.ensure(LEADING);
      const base = baseline(flow.y, LEADING, BODY);
      if (i === 0 || newPage) {
        flow.text(this.fonts.regular, LABEL, Rgb.MUTED, LEFT, base, i === 0 ? label : label + ' (continued)');
      }
      flow.text(font, BODY, color, VALUE_X, base, line);
      flow.down(LEADING);
    });
    flow.down(ROW_GAP);
  }

  /** A row whose value is a check box and a word, e.g. a consent level. */
  checkRow(label, ticked, value) {
    const flow = this.flow;
    flow.ensure(LEADING);
    const base = baseline(flow.y, LEADING, BODY);
    const side = 9;
    flow.text(this.fonts.regular, LABEL, Rgb.MUTED, LEFT, base, label);
    flow.checkbox(VALUE_X, flow.y - LEADING / 2 - side / 2, side, ticked);
    flow.text(this.fonts.regular, BODY, ticked ? Rgb.INK : Rgb.MUTED, VALUE_X + side + 6, base, value);
    flow.down(LEADING + ROW_GAP);
  }
}
