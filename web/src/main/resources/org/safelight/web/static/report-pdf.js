// report.pdf in the browser, with the same sections and layout as the CLI's (format/pdf/ReportPdf.java):
// an A4 document with the patient, clinician, details, consent (with the signature) and a thumbnail of
// every media item, a footer on every page naming the report, and all text as real text in embedded
// Liberation Sans (subsets of the very files the CLI embeds, served at /app/fonts/). Made with the
// vendored pdf-lib and fontkit.
//
// Report text is untrusted: characters the font cannot draw (CJK, emoji, control characters) come out
// as '?', overlong words are broken, long notes continue onto further pages. A thumbnail or signature
// that is not a readable JPEG is shown as a labelled empty frame. The document information names the
// report, never the patient. No clock is read: the same input gives the same document.

import {vendored} from './vendor-loader.js';
import {ReportFont, strip, unshapedFontkit} from './report-pdf-text.js';
import {PageFlow} from './report-pdf-flow.js';
import {ReportSections, TITLE} from './report-pdf-sections.js';
import {renderMediaGrid} from './report-pdf-media.js';
import {parseOffsetDateTime} from './report-pdf-dates.js';

const CONFIDENTIAL = 'Confidential patient information';
const FONT_FILES = ['LiberationSans-Regular.ttf', 'LiberationSans-Bold.ttf'];
const REPORT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const LEVEL_NAMES = ['treatment', 'education', 'publication'];
const MEDIA_TYPES = ['photo', 'video', 'audio'];

/** The fonts are the same for every report (and carry nothing of a patient): fetched once. */
let fontBytes = null;

/**
 * @param metadata   the metadata.json object exactly as sealed (every value a string)
 * @param media      [{itemId, type: 'photo'|'video'|'audio', thumbnail: Uint8Array (JPEG)}] in report order
 * @param consent    {type, image: Uint8Array (JPEG, signed consent) | null}
 * @returns Promise<Uint8Array> the PDF's bytes
 *
 * The sections follow the metadata (its media list, its consent type, as the CLI's do); media and
 * consent give the pictures. Rejects when the libraries or fonts cannot be loaded, or when the
 * metadata holds a consent type, consent level or media type the format does not know (the CLI
 * refuses such a report too); never because of what the report's text says.
 */
export async function renderReportPdf(metadata, media, consent) {
  const report = readReport(metadata);
  const [PDFLib, fontkit, [regularBytes, boldBytes]] = await Promise.all([
    vendored('pdf-lib'), vendored('fontkit'), fonts()]);

  const doc = await PDFLib.PDFDocument.create({updateMetadata: false});
  doc.registerFontkit(unshapedFontkit(fontkit));
  const regular = new ReportFont(await doc.embedFont(regularBytes, {subset: true}), fontkit.create(regularBytes));
  const bold = new ReportFont(await doc.embedFont(boldBytes, {subset: true}), fontkit.create(boldBytes));

  const reportId = strip(report.details.reportid);
  const flow = new PageFlow(PDFLib, doc, {regular, bold}, TITLE, regular.printable(runningPatient(report.patient), false));
  const sections = new ReportSections(flow);
  sections.header(reportId, report.details.datetime);
  sections.patient(report.patient);
  sections.clinician(report.user);
  sections.details(report.details);
  const signatureBytes = consent?.image ?? null;
  const signature = report.consent.type === 'signed' ? await jpeg(doc, signatureBytes) : null;
  sections.consent(report.consent, signature, signatureBytes !== null);

  const thumbnails = new Map((media ?? []).filter((m) => m && m.thumbnail != null).map((m) => [m.itemId, m.thumbnail]));
  const items = [];
  for (const item of report.media) {
    items.push({...item, supplied: thumbnails.has(item.id), thumbnail: await jpeg(doc, thumbnails.get(item.id))});
  }
  renderMediaGrid(flow, items);

  flow.finish(regular.printable(reportId === '' ? 'ID not recorded' : reportId, false), CONFIDENTIAL);
  describe(doc, reportId, report.details.datetime);
  return doc.save();
}

function fonts() {
  if (!fontBytes) {
    fontBytes = Promise.all(FONT_FILES.map(async (file) => {
      const response = await fetch('/app/fonts/' + file);
      if (!response.ok) throw new Error(`the font ${file} could not be loaded (HTTP ${response.status})`);
      return new Uint8Array(await response.arrayBuffer());
    }));
    fontBytes.catch(() => { fontBytes = null; }); // a failed fetch may be tried again
  }
  return fontBytes;
}

/** The patient as the running header of later pages names them, so loose pages can be matched. */
function runningPatient(p) {
  const name = strip(strip(p.firstname) + ' ' + strip(p.lastname));
  const id = strip(p.patientid);
  if (name === '' && id === '') return '';
  return (name === '' ? 'Patient' : name) + (id === '' ? '' : '  \u00b7  ID ' + id);
}

/** Document information is visible without opening a page, so it carries no patient data. */
function describe(doc, reportId, datetime) {
  doc.setTitle(REPORT_ID.test(reportId) ? 'Safelight report ' + reportId : 'Safelight report');
  doc.setSubject(TITLE);
  doc.setProducer('Safelight');
  doc.setCreator('Safelight');
  const when = parseOffsetDateTime(datetime);
  if (when) doc.setCreationDate(when.instant);
  doc.setLanguage('en');
}

/** The JPEG as an image to embed, or null when it is missing or not a JPEG pdf-lib can read. */
async function jpeg(doc, bytes) {
  if (!bytes || bytes.length === 0) return null;
  try {
    const image = await doc.embedJpg(bytes);
    return image.width > 0 && image.height > 0 ? image : null;
  } catch {
    return null; // the bytes come from the report being made; a broken image must not stop it
  }
}

/**
 * The metadata's report object as the sections read it, leniently where that is safe (numbers and
 * booleans as their text, missing values empty) and strictly where a value is a consent decision or
 * a media type, as the CLI's MetadataJson reads it.
 */
function readReport(metadata) {
  const report = object(metadata, 'metadata')?.report ?? metadata ?? {};
  const p = object(report.patient, 'patient') ?? {};
  const u = object(report.user, 'user') ?? {};
  const d = object(report.details, 'details') ?? {};
  const l = object(d.location, 'location') ?? {};
  const c = object(report.consent, 'consent') ?? {};
  const texts = (o, names) => Object.fromEntries(names.map((n) => [n, text(o, n)]));
  const type = strip(text(c, 'type')).toLowerCase() || 'none';
  if (!['signed', 'verbal', 'none'].includes(type)) throw new Error('the consent type is not signed, verbal or none');
  const list = report.media ?? [];
  if (!Array.isArray(list)) throw new Error('metadata.json "media" is not a list');
  return {
    patient: texts(p, ['firstname', 'lastname', 'day', 'month', 'year', 'patientid', 'translator', 'guardian']),
    user: texts(u, ['title', 'firstname', 'lastname', 'email', 'country']),
    details: {...texts(d, ['notes', 'datetime', 'reportid']), location: texts(l, ['latitude', 'longitude', 'address'])},
    consent: {type, levels: new Set(levels(text(c, 'consentlevels'))), treatment: flag(c, 'treatment'),
      education: flag(c, 'education'), publication: flag(c, 'publication')},
    media: list.map((m) => {
      const mediaType = strip(text(m, 'type')).toLowerCase();
      if (!MEDIA_TYPES.includes(mediaType)) throw new Error('a media type is not photo, video or audio');
      return {id: text(m, 'mediaid'), type: mediaType, levels: levels(text(m, 'levels'))};
    }),
  };
}

function object(value, what) {
  if (value == null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`metadata.json "${what}" is not an object`);
  return value;
}

function text(o, name) {
  const value = o?.[name];
  if (value == null) return '';
  if (typeof value === 'object') throw new Error(`metadata.json "${name}" is not a text value`);
  return String(value);
}

/** A comma-separated list of consent levels, in the format's order. */
function levels(list) {
  const named = new Set(list.split(',').map((s) => strip(s).toLowerCase()).filter((s) => s !== ''));
  for (const name of named) {
    if (!LEVEL_NAMES.includes(name)) throw new Error('a consent level is not treatment, education or publication');
  }
  return LEVEL_NAMES.filter((n) => named.has(n));
}

function flag(o, name) {
  const value = strip(text(o, name)).toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no', ''].includes(value)) return false;
  throw new Error(`metadata.json "${name}" is not true or false`);
}
