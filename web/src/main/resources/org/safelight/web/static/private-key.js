// An institution's RSA private key, chosen from a file to open static-key reports (DESIGN §2:
// the report key wrapped with RSA-OAEP, SHA-256, for the key whose SPKI hashes to "kid").
// The key lives only in this module's memory as a non-extractable CryptoKey: it is never written
// to browser storage and never sent. Kept for the tab's life only when the user asks, for that user
// alone: forgotten at sign-out and when another user signs in on the tab (session.js forgetWithUser).
import {forgetWithUser} from './session.js';

export const ALG = 'RSA-OAEP-256';
const OAEP = {name: 'RSA-OAEP', hash: 'SHA-256'};
const MIN_BITS = 2048;
// A PEM key file is a few KiB; anything much larger is not one.
const MAX_FILE = 64 * 1024;

/** A key file that cannot be used, or a key that is not this report's: message is for people. */
export class PrivateKeyError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'PrivateKeyError';
    this.kind = kind; // 'malformed' | 'wrong_key' | 'unsupported'
  }
}

let kept = null; // {key, kid, owner}

/** The key kept in this tab ({key, kid}) by user (an accounts user id), or null; another user's is dropped. */
export function keptPrivateKey(user) {
  if (kept && (user == null || kept.owner !== user)) kept = null;
  return kept ? {key: kept.key, kid: kept.kid} : null;
}

/** Keeps an imported key for the other reports its owner (the signed-in user's id) opens in this tab. */
export function keepPrivateKey(imported, owner) {
  kept = owner == null ? null : {key: imported.key, kid: imported.kid, owner};
}

/** Drops the kept key; the CryptoKey is unreachable afterwards. */
export function forgetPrivateKey() {
  kept = null;
}

forgetWithUser(forgetPrivateKey);

/**
 * Reads a private key file as the CLI's StaticKeys.readPrivateKey does: PKCS#8 PEM ("PRIVATE KEY")
 * or bare base64 PKCS#8; PKCS#1 ("RSA PRIVATE KEY") and passphrase-protected keys are refused with
 * the command that converts them. Resolves {key: non-extractable CryptoKey for RSA-OAEP decrypt, kid}.
 */
export async function importPrivateKey(file) {
  if (file.size > MAX_FILE) throw malformed();
  const text = new TextDecoder('utf-8').decode(await file.arrayBuffer());
  const der = pkcs8Der(text);
  try {
    // The public half (n, e) is read from a first, extractable import that is dropped at once;
    // the key kept is a second, non-extractable import.
    const probe = await crypto.subtle.importKey('pkcs8', der, OAEP, true, ['decrypt']);
    const jwk = await crypto.subtle.exportKey('jwk', probe);
    if (base64UrlBytes(jwk.n).length * 8 < MIN_BITS) {
      throw new PrivateKeyError('unsupported', `This RSA key is shorter than ${MIN_BITS} bits; Safelight does not use such keys.`);
    }
    const pub = await crypto.subtle.importKey('jwk', {kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RSA-OAEP-256', ext: true},
      OAEP, true, ['encrypt']);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', pub));
    const kid = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', spki)));
    const key = await crypto.subtle.importKey('pkcs8', der, OAEP, false, ['decrypt']);
    return {key, kid};
  } catch (e) {
    if (e instanceof PrivateKeyError) throw e;
    throw malformed();
  } finally {
    der.fill(0);
  }
}

/**
 * The report key of a static-key report (package.json static_key), unwrapped with the given key.
 * Refuses a key whose kid is not the report's before trying it, as the CLI does.
 */
export async function unwrapReportKey(imported, staticKey) {
  if (staticKey.alg !== ALG) {
    throw new PrivateKeyError('unsupported', `This report's key is wrapped with ${String(staticKey.alg)}, which this page `
      + `does not know (it knows ${ALG}).`);
  }
  if (staticKey.kid && staticKey.kid !== imported.kid) throw wrongKey();
  let wrapped;
  try {
    wrapped = Uint8Array.from(atob(String(staticKey.wrapped_key)), c => c.charCodeAt(0));
  } catch (e) {
    throw new PrivateKeyError('unsupported', 'The report is damaged: its wrapped key is not base64.');
  }
  let plain;
  try {
    plain = await crypto.subtle.decrypt({name: 'RSA-OAEP'}, imported.key, wrapped);
  } catch (e) {
    throw wrongKey();
  }
  return new TextDecoder('utf-8').decode(plain);
}

function wrongKey() {
  return new PrivateKeyError('wrong_key', 'This private key is not the one this report was sealed for. '
    + 'Choose the private key of the institution the report was sent to.');
}

function malformed() {
  return new PrivateKeyError('malformed', 'This file is not an RSA private key. Choose the institution\'s private '
    + 'key file: a PKCS#8 PEM file that begins with "-----BEGIN PRIVATE KEY-----".');
}

function pkcs8Der(text) {
  if (text.includes('BEGIN RSA PRIVATE KEY')) {
    throw new PrivateKeyError('malformed', 'This private key is in the older PKCS#1 form. Convert it to PKCS#8 with '
      + '"openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem" and choose the new file.');
  }
  if (text.includes('BEGIN ENCRYPTED PRIVATE KEY')) {
    throw new PrivateKeyError('malformed', 'This private key is protected by a passphrase. Choose an unencrypted '
      + 'PKCS#8 key file, as the Safelight endpoint and the CLI use.');
  }
  let body = text;
  const begin = '-----BEGIN PRIVATE KEY-----';
  const start = text.indexOf(begin);
  if (start >= 0) {
    const end = text.indexOf('-----END PRIVATE KEY-----', start);
    if (end < 0) throw malformed();
    body = text.slice(start + begin.length, end);
  }
  body = body.replace(/\s+/g, '');
  if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw malformed();
  try {
    return Uint8Array.from(atob(body), c => c.charCodeAt(0));
  } catch (e) {
    throw malformed();
  }
}

function base64Url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlBytes(text) {
  return Uint8Array.from(atob(String(text).replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0));
}
