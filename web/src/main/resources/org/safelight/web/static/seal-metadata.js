// What a report sealed in the page says about itself: its report ID and metadata.json, exactly as
// the CLI writes them (format/report/ReportId.java, MetadataJson.java): every field the format
// defines, every value a string, in the same order and layout, so a reader cannot tell which
// made it.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_CHARACTERS = 11;
export const LEVELS = Object.freeze(['treatment', 'education', 'publication']);

/** n letters and digits from the CSPRNG, each uniform: bytes of 248 and more are drawn again. */
export function randomAlphanumerics(n) {
  const limit = 256 - (256 % ALPHABET.length); // 248: a multiple of 62, so no letter is likelier
  let out = '';
  while (out.length < n) {
    for (const b of crypto.getRandomValues(new Uint8Array(n * 2))) {
      if (b < limit && out.length < n) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}

/** The 9-digit user number of a report ID: the profile's user_number when it has at most 9 digits, else 0. */
export function userNumber(profile) {
  const n = Number(profile?.user_number);
  return Number.isInteger(n) && n >= 0 && n <= 999999999 ? n : 0;
}

/**
 * A new report ID as ReportId.generate makes one: the zero-padded 9-digit user number, the
 * 13-digit time in epoch milliseconds, then 11 random letters and digits (about 65 bits), so the
 * sender and the time do not tell anyone a report's ID.
 */
export function reportIdAt(profile, millis = Date.now()) {
  return String(userNumber(profile)).padStart(9, '0') + String(millis).padStart(13, '0')
    + randomAlphanumerics(RANDOM_CHARACTERS);
}

/** The levels of a list, in the format's order, comma-separated (ConsentLevel.toList). */
export function levelList(levels) {
  const set = new Set(levels || []);
  return LEVELS.filter(l => set.has(l)).join(',');
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** ISO-8601 with the local offset, to the second, as Java's ISO_OFFSET_DATE_TIME writes it ('Z' at UTC). */
export function isoWithOffset(date) {
  const minutes = -date.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const offset = minutes === 0 ? 'Z' : `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}${offset}`;
}

const text = v => (v === undefined || v === null ? '' : String(v));

/** 'YYYY-MM-DD' as the format's three fields (day, month, year); anything else leaves them empty. */
function birth(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text(date).trim());
  return m ? {day: m[3], month: m[2], year: m[1]} : {day: '', month: '', year: ''};
}

/**
 * metadata.json's object for a draft (see the draft contract in seal.js): items are
 * [{id, type, levels}] in report order. Nothing of the device is written: no location
 * coordinates (the draft's location is its address text), no model, serial or device ID.
 */
export function reportMetadata(draft, profile, reportId, items) {
  const p = draft.patient || {};
  const b = birth(p.birthDate);
  const consent = draft.consent || {type: 'none', levels: []};
  const type = ['signed', 'verbal'].includes(consent.type) ? consent.type : 'none';
  const levels = new Set(consent.levels || []);
  const pro = profile?.pro === true || profile?.enterprise?.pro === true;
  return {
    report: {
      patient: {firstname: text(p.firstName), lastname: text(p.lastName), day: b.day, month: b.month,
        year: b.year, patientid: text(p.patientId), translator: text(p.translator), guardian: text(p.guardian)},
      user: {userid: String(userNumber(profile)), title: text(profile?.title), firstname: text(profile?.first_name),
        lastname: text(profile?.last_name), email: text(profile?.email), country: text(profile?.country)},
      details: {
        notes: text(draft.notes), datetime: isoWithOffset(draft.createdAt || new Date()), reportid: reportId,
        // how it is sent is chosen after sealing, as with the CLI's seal then send
        sendtype: '', sendto: '', reportendpoint: '', ip: '',
        location: {latitude: '', longitude: '', address: text(draft.location)},
        platform: 'web', architecture: '', manufacturer: '', model: '',
        os: text(globalThis.navigator?.userAgentData?.platform), uuid: '', version: '', pro: String(pro),
      },
      consent: {type, treatment: String(levels.has('treatment')), education: String(levels.has('education')),
        publication: String(levels.has('publication')), consentlevels: levelList([...levels])},
      media: items.map(i => ({mediaid: i.id, type: i.type, levels: levelList(i.levels)})),
    },
  };
}

/**
 * JSON text laid out as the CLI's Jackson writer does (its default pretty printer): two-space
 * indents, "name" : value, arrays on one line with their objects ([ {...}, {...} ], [ ] when empty).
 */
export function prettyJson(value, depth = 0) {
  if (Array.isArray(value)) {
    return value.length === 0 ? '[ ]' : `[ ${value.map(v => prettyJson(v, depth)).join(', ')} ]`;
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{ }';
    const inner = '  '.repeat(depth + 1);
    return `{\n${keys.map(k => `${inner}${JSON.stringify(k)} : ${prettyJson(value[k], depth + 1)}`).join(',\n')}\n`
      + `${'  '.repeat(depth)}}`;
  }
  return JSON.stringify(value);
}

/** metadata.json's bytes (UTF-8). */
export function metadataBytes(metadata) {
  return new TextEncoder().encode(prettyJson(metadata));
}
