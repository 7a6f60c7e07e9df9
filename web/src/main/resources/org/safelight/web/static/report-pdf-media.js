// The media section of report.pdf, as the CLI's format/pdf/MediaGrid.java: one card per item, two to a
// row, each with its thumbnail fitted into a fixed frame, its type, ID and consent levels. A row is
// never split across pages, so many photos flow onto as many pages as they need.

import {Blocks, FIRST_ROW, LEFT, Rgb, WIDTH, baseline} from './report-pdf-flow.js';
import {wrap} from './report-pdf-text.js';

const GAP = 18;
const CARD_WIDTH = (WIDTH - GAP) / 2;
const FRAME_HEIGHT = CARD_WIDTH * 0.70;
const CAPTION_LABEL_WIDTH = 44;
const CAPTION_SIZE = 9;
const CAPTION_LEADING = 12.5;
const ROW_GAP = 16;
const TYPES = {photo: 'Photo', video: 'Video', audio: 'Audio recording'};
const LEVELS = {treatment: 'Treatment', education: 'Education', publication: 'Publication'};

/**
 * @param flow  the page flow
 * @param items [{id, type, levels: ['treatment', ...] in the format's order, thumbnail: image | null,
 *              supplied: whether thumbnail bytes were given at all}] in report order
 */
export function renderMediaGrid(flow, items) {
  const blocks = new Blocks(flow);
  const cards = items.map((item, i) => card(flow.fonts, item, i + 1, items.length));
  const firstRow = cards.length === 0 ? FIRST_ROW : rowHeight(cards.slice(0, 2));
  blocks.heading(items.length === 1 ? 'Media (1 item)' : `Media (${items.length} items)`, firstRow);
  if (cards.length === 0) {
    blocks.optional('Items', 'None in this report');
    return;
  }
  for (let i = 0; i < cards.length; i += 2) {
    const row = cards.slice(i, i + 2);
    const height = rowHeight(row);
    flow.ensure(height);
    const top = flow.y;
    row.forEach((c, column) => draw(flow, c, LEFT + column * (CARD_WIDTH + GAP), top));
    flow.moveTo(top - height - ROW_GAP);
  }
}

/** One item, laid out but not drawn yet: a row's height is the taller of its two cards. */
function card(fonts, item, number, count) {
  const valueWidth = CARD_WIDTH - CAPTION_LABEL_WIDTH;
  const {regular} = fonts;
  const id = wrap(regular.printable(item.id, false), regular, CAPTION_SIZE, valueWidth);
  const levelText = item.levels.length === 0 ? 'None recorded' : item.levels.map((l) => LEVELS[l]).join(', ');
  const levels = wrap(levelText, regular, CAPTION_SIZE, valueWidth);
  const placeholder = item.supplied ? 'Preview could not be read'
    : item.type === 'audio' ? 'Audio recording: no preview' : 'No preview available';
  return {type: TYPES[item.type], position: `Item ${number} of ${count}`, id, levels, thumbnail: item.thumbnail,
    placeholder, height: FRAME_HEIGHT + 8 + CAPTION_LEADING + 2 + (id.length + levels.length) * CAPTION_LEADING};
}

function rowHeight(row) {
  return Math.max(0, ...row.map((c) => c.height));
}

function draw(flow, c, x, top) {
  const {bold, regular} = flow.fonts;
  const frameBottom = top - FRAME_HEIGHT;
  flow.fill(Rgb.PANEL, x, frameBottom, CARD_WIDTH, FRAME_HEIGHT);
  if (c.thumbnail) {
    flow.imageFitted(c.thumbnail, x, frameBottom, CARD_WIDTH, FRAME_HEIGHT);
  } else {
    flow.textCentred(regular, CAPTION_SIZE, Rgb.MUTED, x + CARD_WIDTH / 2, frameBottom + FRAME_HEIGHT / 2 - 3,
      c.placeholder);
  }
  flow.frame(Rgb.RULE, 0.5, x, frameBottom, CARD_WIDTH, FRAME_HEIGHT);

  let y = frameBottom - 8;
  const base = baseline(y, CAPTION_LEADING, 10);
  flow.text(bold, 10, Rgb.INK, x, base, c.type);
  flow.textRight(regular, 8, Rgb.MUTED, x + CARD_WIDTH, base, c.position);
  y -= CAPTION_LEADING + 2;
  y = captionField(flow, x, y, 'ID', c.id);
  captionField(flow, x, y, 'Consent', c.levels);
}

function captionField(flow, x, top, label, lines) {
  const {regular} = flow.fonts;
  let y = top;
  lines.forEach((line, i) => {
    const base = baseline(y, CAPTION_LEADING, CAPTION_SIZE);
    if (i === 0) flow.text(regular, 8, Rgb.MUTED, x, base, label);
    flow.text(regular, CAPTION_SIZE, Rgb.INK, x + CAPTION_LABEL_WIDTH, base, line);
    y -= CAPTION_LEADING;
  });
  return y;
}
