// The message that goes with a cloud link, and the links that open a messaging app with it.
// The same words as the CLI's `safelight send --to sms:` (cli/.../share/ShareMessage.java): a
// recipient gets one message whichever tool sent it. The browser end-to-end test compares the two,
// so a change to one wording fails until the other follows. No patient data is ever put in it.

/** How long the cloud keeps a report (DESIGN §4), as the CLI says it. */
export const LINK_DAYS = 7;

const NOUNS = [['photos', 'photo'], ['videos', 'video'], ['audios', 'audio recording']];

/** "2 photos, 1 video and 1 audio recording"; '' when there is nothing. counts: {photos, videos, audios}. */
export function contents(counts) {
  const parts = [];
  for (const [key, noun] of NOUNS) {
    const n = Number(counts?.[key]) || 0;
    if (n > 0) parts.push(`${n} ${noun}${n === 1 ? '' : 's'}`);
  }
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** The sentence, a blank line, the link. */
export function shareMessage(counts, link, days = LINK_DAYS) {
  const what = contents(counts);
  return `Please tap the link below (valid for ${days} ${days === 1 ? 'day' : 'days'}) to view a Safelight report`
    + `${what ? ` containing ${what}` : ''}.\n\n${link}`;
}

// Percent-encoding as the CLI does it (Java's URLEncoder with spaces as %20, which every messaging
// app reads): encodeURIComponent leaves !'()~ as they are, URLEncoder does not.
const encode = text => encodeURIComponent(text).replace(/[!'()~]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Opens the phone's messaging app with the message and no recipient: the user picks one from their
 * contacts. "?&body=" is the form both iOS and Android read.
 */
export function smsUrl(message) {
  return `sms:?&body=${encode(message)}`;
}

/** Opens WhatsApp (the app, or its web page on a computer) to pick a chat, with the message typed in. */
export function whatsappUrl(message) {
  return `https://wa.me/?text=${encode(message)}`;
}
