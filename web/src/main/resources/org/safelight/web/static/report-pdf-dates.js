// Dates as report.pdf shows them, the CLI's way (format/pdf/ReportDates.java, report/DisplayDates.java):
// day, month name, year, so that 03/04 is never ambiguous. A value that does not parse is shown
// exactly as written. Only what Java's OffsetDateTime.parse accepts is read as a date and time.

import {strip} from './report-pdf-text.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:([Zz])|([+-])(\d{2}):(\d{2})(?::(\d{2}))?)$/;
const pad = (n) => String(n).padStart(2, '0');

const LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year, month, day) {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= LENGTHS[month - 1] + (month === 2 && leap ? 1 : 0);
}

/** Milliseconds since the epoch of a date and time in UTC (without Date.UTC's years 0-99 quirk). */
function utcMillis(year, month, day, hour = 0, minute = 0, second = 0) {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** Java's "uuuu": at least four digits, a sign before a negative year or one past 9999. */
function yearText(year) {
  const digits = String(Math.abs(year)).padStart(4, '0');
  return (year < 0 ? '-' : year > 9999 ? '+' : '') + digits;
}

/**
 * The report's ISO-8601 date and time with offset: its fields as written, the offset in seconds and
 * the instant; or null.
 */
export function parseOffsetDateTime(iso) {
  const m = ISO.exec(strip(iso));
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  let offset = 0;
  if (!m[7]) {
    const [h, mm, ss] = [Number(m[9]), Number(m[10]), Number(m[11] ?? 0)];
    if (mm > 59 || ss > 59 || h * 3600 + mm * 60 + ss > 18 * 3600) return null;
    offset = (m[8] === '-' ? -1 : 1) * (h * 3600 + mm * 60 + ss);
  }
  const instant = new Date(utcMillis(year, month, day, hour, minute, second) - offset * 1000);
  return {year, month, day, hour, minute, instant, offsetText: offsetText(m)};
}

/** "UTC" for a zero offset, else "UTC+01:00" as Java's ZoneOffset id writes it. */
function offsetText(m) {
  if (m[7]) return 'UTC';
  const seconds = Number(m[9]) * 3600 + Number(m[10]) * 60 + Number(m[11] ?? 0);
  if (seconds === 0) return 'UTC';
  return 'UTC' + m[8] + m[9] + ':' + m[10] + (m[11] && m[11] !== '00' ? ':' + m[11] : '');
}

function weekday(t) {
  return DAYS[new Date(utcMillis(t.year, t.month, t.day)).getUTCDay()];
}

/** "Tuesday 12 March 2024, 14:05 (UTC+01:00)", or the raw text. */
export function longForm(iso) {
  const t = parseOffsetDateTime(iso);
  if (!t) return iso;
  return `${weekday(t)} ${t.day} ${MONTHS[t.month - 1]} ${yearText(t.year)}, ${pad(t.hour)}:${pad(t.minute)} (${t.offsetText})`;
}

/** "12 Mar 2024, 14:05 UTC+01:00", or the raw text. */
export function shortForm(iso) {
  const t = parseOffsetDateTime(iso);
  if (!t) return iso;
  return `${t.day} ${MONTHS[t.month - 1].slice(0, 3)} ${yearText(t.year)}, ${pad(t.hour)}:${pad(t.minute)} ${t.offsetText}`;
}

/** Java's Integer.parseInt of ASCII digits (with an optional sign), or NaN. */
function parseInteger(text) {
  const s = strip(text);
  return /^[+-]?\d{1,10}$/.test(s) ? Number(s) : NaN;
}

/**
 * "4 July 1961" from the patient's day, month and year. Parts that do not make a real date are
 * shown as written, year first ("1990-02-31"), which no reader takes for another day; empty when no
 * part is given.
 */
export function dateOfBirth(patient) {
  const [year, month, day] = [parseInteger(patient.year), parseInteger(patient.month), parseInteger(patient.day)];
  if (Number.isInteger(year) && Math.abs(year) <= 999999999 && validDate(year, month, day)) {
    return `${day} ${MONTHS[month - 1]} ${yearText(year)}`;
  }
  if (patient.year === '' && patient.month === '' && patient.day === '') return '';
  const two = (s) => (s.length === 1 ? '0' + s : s);
  return [patient.year, two(patient.month), two(patient.day)].join('-');
}
