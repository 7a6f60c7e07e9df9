// The report key of a sealed report, and the package.json that says where it is, as the CLI writes
// them (format/picsafe/PicsafeWriter.java, PackageJson.java, StaticKeys.java): a key server's
// origin, or the key wrapped with RSA-OAEP-256 for an institution's public key (kid: base64url of
// the SHA-256 of its SPKI), never the key itself.
import {prettyJson} from './seal-metadata.js';

const MIN_BITS = 2048;

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const base64url = bytes => base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A fresh report key: 256 random bits as base64url text, used as the RNCryptor password. */
export function newReportKey() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** A public key that cannot be used, with a sentence for the user. */
export class PublicKeyError extends Error {
  constructor(message) { super(message); this.name = 'PublicKeyError'; }
}

/** The DER bytes of a PEM "PUBLIC KEY" or of bare base64 SPKI. */
function spkiBytes(text) {
  const t = String(text || '');
  if (t.includes('BEGIN RSA PUBLIC KEY')) {
    throw new PublicKeyError('The institution\'s public key is in PKCS#1 form; it must be a PUBLIC KEY (SPKI) PEM.');
  }
  const pem = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(t);
  const body = (pem ? pem[1] : t).replace(/\s+/g, '');
  try {
    return Uint8Array.from(atob(body), c => c.charCodeAt(0));
  } catch (e) {
    throw new PublicKeyError('The institution\'s public key is not PEM or base64.');
  }
}

/**
 * package.json's static_key for a report key: {alg, kid, wrapped_key}.
 * @throws PublicKeyError when the text is not an RSA public key of at least 2048 bits
 */
export async function wrapForInstitution(publicKeyText, reportKey) {
  const spki = spkiBytes(publicKeyText);
  let key;
  try {
    key = await crypto.subtle.importKey('spki', spki, {name: 'RSA-OAEP', hash: 'SHA-256'}, false, ['encrypt']);
  } catch (e) {
    throw new PublicKeyError('The institution\'s public key is not an RSA public key.');
  }
  if (key.algorithm.modulusLength < MIN_BITS) {
    throw new PublicKeyError(`The institution's RSA public key is shorter than ${MIN_BITS} bits.`);
  }
  const wrapped = await crypto.subtle.encrypt({name: 'RSA-OAEP'}, key, new TextEncoder().encode(reportKey));
  const kid = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', spki)));
  return {alg: 'RSA-OAEP-256', kid, wrapped_key: base64(new Uint8Array(wrapped))};
}

/** package.json's bytes, fields in the CLI's order: keyserver_url, report_id, static_key. */
export function packageJsonBytes({keyserverUrl = null, reportId = null, staticKey = null}) {
  const body = {};
  if (keyserverUrl) body.keyserver_url = keyserverUrl;
  if (reportId) body.report_id = reportId;
  if (staticKey) body.static_key = staticKey;
  return new TextEncoder().encode(prettyJson(body));
}
