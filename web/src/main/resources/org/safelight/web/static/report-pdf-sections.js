// The header band and the text sections of report.pdf: patient, clinician, details, consent. The
// CLI's format/pdf/ReportSections.java with the same words and measures. `report` is the metadata's
// report object read by report-pdf.js: every value a string, consent and levels already parsed.

import {Blocks, FIRST_ROW, LABEL, LEADING, BODY, LEFT, PAGE_HEIGHT, PAGE_WIDTH, RIGHT, Rgb, VALUE_X, baseline}
  from './report-pdf-flow.js';
import {dateOfBirth, longForm, shortForm} from './report-pdf-dates.js';
import {isBlank, strip, wrap} from './report-pdf-text.js';

export const TITLE = 'Clinical photography report';
const BAND_PADDING = 24;
const BAND_RIGHT_WIDTH = 200;
const SIGNATURE_WIDTH = 190;
const SIGNATURE_HEIGHT = 64;

export class ReportSections {
  constructor(flow) {
    this.flow = flow;
    this.fonts = flow.fonts;
    this.blocks = new Blocks(flow);
  }

  /**
   * The band across the top of the first page: title on the left, report ID and date on the right.
   * Both values wrap inside their column, so the band grows rather than overflows.
   */
  header(reportId, datetime) {
    const {flow} = this;
    const {bold, regular} = this.fonts;
    const top = PAGE_HEIGHT;
    const contentTop = top - BAND_PADDING;
    const titleBaseline = contentTop - 18;
    const subtitleBaseline = titleBaseline - 18;
    const leftBottom = subtitleBaseline - 4;

    const idLines = wrap(orNotRecorded(bold.printable(shortened(reportId), false)), bold, 10, BAND_RIGHT_WIDTH);
    const dateLines = wrap(orNotRecorded(regular.printable(shortened(shortForm(datetime)), false)),
      regular, 10, BAND_RIGHT_WIDTH);
    const rightHeight = 2 * (9 + 2) + (idLines.length + dateLines.length) * 12.5 + 6;
    const bandBottom = Math.min(leftBottom, contentTop - rightHeight) - BAND_PADDING + 4;

    flow.fill(Rgb.ACCENT, 0, bandBottom, PAGE_WIDTH, top - bandBottom);
    flow.text(bold, 19, Rgb.ON_ACCENT, LEFT, titleBaseline, TITLE);
    flow.text(regular, 9.5, Rgb.ON_ACCENT_MUTED, LEFT, subtitleBaseline, 'Safelight  \u00b7  medical record copy');

    const y = this.bandField(contentTop, 'REPORT ID', idLines, bold);
    this.bandField(y - 6, 'DATE AND TIME', dateLines, regular);
    flow.moveTo(bandBottom - 6);
  }

  bandField(top, label, lines, font) {
    let y = top - 9;
    this.flow.textRight(this.fonts.regular, 7, Rgb.ON_ACCENT_MUTED, RIGHT, y + 2, label);
    y -= 2;
    for (const line of lines) {
      y -= 12.5;
      this.flow.textRight(font, 10, Rgb.ON_ACCENT, RIGHT, y + 2.5, line);
    }
    return y;
  }

  patient(p) {
    const b = this.blocks;
    b.heading('Patient', FIRST_ROW);
    b.required('Name', join(p.firstname, p.lastname), true);
    b.optional('Date of birth', dateOfBirth(p));
    b.required('Patient ID', p.patientid, true);
    b.optional('Guardian', p.guardian);
    b.optional('Translator', p.translator);
  }

  clinician(u) {
    const b = this.blocks;
    b.heading('Clinician', FIRST_ROW);
    b.required('Name', [u.title, u.firstname, u.lastname].filter((s) => !isBlank(s)).join(' '), false);
    b.optional('Email', u.email);
    b.optional('Country', u.country);
  }

  details(d) {
    const b = this.blocks;
    b.heading('Details', FIRST_ROW);
    b.required('Date and time', longForm(d.datetime), false);
    const l = d.location;
    b.optional('Location', l.address, true);
    if (!isBlank(l.latitude) && !isBlank(l.longitude)) {
      b.optional('Coordinates', strip(l.latitude) + ', ' + strip(l.longitude));
    } else {
      b.optional('Latitude', l.latitude);
      b.optional('Longitude', l.longitude);
    }
    b.optional('Notes', d.notes, true);
  }

  /**
   * Consent type, each level ticked or not, and the signature. The format states each level twice
   * (the list and a flag); a level counts as granted only when both say so, and a disagreement is
   * shown rather than resolved silently.
   *
   * @param c         {type: 'signed'|'verbal'|'none', levels: Set, treatment, education, publication}
   * @param signature the embedded signature image, or null
   * @param given     whether signature bytes were given at all (readable or not)
   */
  consent(c, signature, given) {
    const b = this.blocks;
    b.heading('Consent', FIRST_ROW * 4);
    b.required('Consent type', {signed: 'Signed consent', verbal: 'Verbal consent', none: 'No consent recorded'}[c.type],
      false);
    this.level(c, 'treatment', 'Treatment');
    this.level(c, 'education', 'Education');
    this.level(c, 'publication', 'Publication');
    if (c.type !== 'signed') return;
    if (signature) {
      this.signatureBox(signature);
    } else {
      b.required('Signature', given ? 'Signature image could not be read' : 'Signature image not included', false);
    }
  }

  level(c, level, label) {
    const listed = c.levels.has(level);
    if (listed === c[level]) {
      this.blocks.checkRow(label, listed, listed ? 'Granted' : 'Not granted');
    } else {
      this.blocks.checkRow(label, false, "Unclear: the report's consent records disagree");
    }
  }

  signatureBox(image) {
    const {flow} = this;
    flow.ensure(SIGNATURE_HEIGHT + 16 + 6);
    const top = flow.y - 4;
    flow.text(this.fonts.regular, LABEL, Rgb.MUTED, LEFT, baseline(top + 4, LEADING, BODY), 'Patient signature');
    const bottom = top - SIGNATURE_HEIGHT;
    flow.imageFitted(image, VALUE_X + 6, bottom + 6, SIGNATURE_WIDTH - 12, SIGNATURE_HEIGHT - 12);
    flow.frame(Rgb.RULE, 0.6, VALUE_X, bottom, SIGNATURE_WIDTH, SIGNATURE_HEIGHT);
    flow.moveTo(bottom - 12);
  }
}

/**
 * Header values longer than any valid one (a report ID has at most 64 characters) are cut, so the
 * band stays a band; the Details section shows the date in full.
 */
export function shortened(text) {
  const cps = Array.from(text);
  return cps.length <= 64 ? text : cps.slice(0, 64).join('') + '…';
}

function orNotRecorded(printable) {
  return isBlank(printable) ? 'Not recorded' : printable;
}

function join(...parts) {
  return parts.filter((p) => !isBlank(p)).map(strip).join(' ');
}
