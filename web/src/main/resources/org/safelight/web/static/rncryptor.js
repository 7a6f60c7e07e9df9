// RNCryptor v3 with WebCrypto: version(1)=3 | options(1) | [encSalt(8) hmacSalt(8) if password] |
// IV(16) | AES-256-CBC PKCS#7 ciphertext | HMAC-SHA256(32) of everything before it.
// Password mode derives both keys with PBKDF2-HMAC-SHA1, 10,000 iterations, from the password's
// UTF-8 bytes; key mode takes the two raw 32-byte keys. The HMAC is checked, in constant time,
// before anything is decrypted. WebCrypto runs its work off the main thread already, so a Worker
// would only add a copy of the data.

const ITERATIONS = 10000;
const SALT = 8;
const IV = 16;
const HMAC = 32;
const BLOCK = 16;

/** The data does not authenticate: a wrong key, or altered bytes. */
export class IntegrityError extends Error {
  constructor(message) { super(message); this.name = 'IntegrityError'; }
}

/** The data is not RNCryptor v3 at all, or is cut short. */
export class MalformedError extends Error {
  constructor(message) { super(message); this.name = 'MalformedError'; }
}

/** PBKDF2-HMAC-SHA1, 10,000 iterations, 32 bytes. */
export async function deriveKey(password, salt) {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false,
    ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({name: 'PBKDF2', hash: 'SHA-1', salt, iterations: ITERATIONS},
    material, 256);
  return new Uint8Array(bits);
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function constantTimeEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

async function keysFor(secret, encSalt, hmacSalt) {
  if (typeof secret.password === 'string') {
    return [await deriveKey(secret.password, encSalt), await deriveKey(secret.password, hmacSalt)];
  }
  if (secret.encryptionKey?.length !== 32 || secret.hmacKey?.length !== 32) {
    throw new TypeError('RNCryptor keys are 32 bytes each');
  }
  return [secret.encryptionKey, secret.hmacKey];
}

async function hmac(key, data) {
  const k = await crypto.subtle.importKey('raw', key, {name: 'HMAC', hash: 'SHA-256'}, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, data));
}

/**
 * Decrypts a whole message. secret: {password: string} or {encryptionKey, hmacKey} (Uint8Array).
 * options.signal (AbortSignal) stops the work between its steps (a plaintext already made is
 * overwritten); options.onProgress(phase, done, total) hears of it ('checking' the HMAC, then
 * 'decrypting'). Throws MalformedError for data that is not
 * RNCryptor v3 of this kind, IntegrityError when the HMAC does not match (nothing is decrypted then)
 * or the padding is bad; any other failure of WebCrypto (memory, say) as it is.
 */
export async function decrypt(data, secret, {signal, onProgress} = {}) {
  const passwordMode = typeof secret.password === 'string';
  if (data.length < 2) throw new MalformedError('too short to be RNCryptor data');
  if (data[0] !== 3) throw new MalformedError(`not RNCryptor version 3 (version byte ${data[0]})`);
  if (data[1] !== (passwordMode ? 1 : 0)) {
    throw new MalformedError(passwordMode ? 'the data was encrypted with keys, not a password'
      : 'the data was encrypted with a password, not keys');
  }
  const header = passwordMode ? 2 + SALT + SALT + IV : 2 + IV;
  const bodyLength = data.length - header - HMAC;
  if (bodyLength < BLOCK) throw new MalformedError('the encrypted data is cut short');
  if (bodyLength % BLOCK !== 0) throw new MalformedError('the encrypted data is not a whole number of blocks');
  const encSalt = passwordMode ? data.subarray(2, 2 + SALT) : null;
  const hmacSalt = passwordMode ? data.subarray(2 + SALT, 2 + 2 * SALT) : null;
  const iv = data.subarray(header - IV, header);
  const [encryptionKey, hmacKey] = await keysFor(secret, encSalt, hmacSalt);
  signal?.throwIfAborted();
  onProgress?.('checking', 0, data.length);
  const expected = await hmac(hmacKey, data.subarray(0, data.length - HMAC));
  if (!constantTimeEqual(expected, data.subarray(data.length - HMAC))) {
    throw new IntegrityError('the key does not open this data, or the data was altered');
  }
  onProgress?.('checking', data.length, data.length);
  const key = await crypto.subtle.importKey('raw', encryptionKey, 'AES-CBC', false, ['decrypt']);
  // One WebCrypto call over the whole body: every chunked call cost a copy of its input and of its
  // output besides WebCrypto's own (a large message is decrypted in chunks by rncryptor-stream.js).
  signal?.throwIfAborted();
  onProgress?.('decrypting', 0, bodyLength);
  let plain;
  try {
    plain = new Uint8Array(await crypto.subtle.decrypt({name: 'AES-CBC', iv}, key, data.subarray(header, data.length - HMAC)));
  } catch (e) {
    // Only WebCrypto's OperationError says the padding is bad (authenticated, so the sender's
    // encryption was faulty). Anything else (out of memory, QuotaExceededError) is no finding about
    // the data and goes on as itself: the page must not call a good report altered.
    if (e?.name !== 'OperationError') throw e;
    throw new IntegrityError('the data authenticates but does not decrypt (bad padding)');
  }
  if (signal?.aborted) {
    plain.fill(0);
    signal.throwIfAborted();
  }
  onProgress?.('decrypting', bodyLength, bodyLength);
  return plain;
}

/**
 * Encrypts with the given salts and IV (fresh random ones when left out); used for the official
 * vectors and for tests.
 */
export async function encrypt(plaintext, secret, {encSalt, hmacSalt, iv} = {}) {
  const passwordMode = typeof secret.password === 'string';
  iv = iv ?? crypto.getRandomValues(new Uint8Array(IV));
  encSalt = passwordMode ? (encSalt ?? crypto.getRandomValues(new Uint8Array(SALT))) : null;
  hmacSalt = passwordMode ? (hmacSalt ?? crypto.getRandomValues(new Uint8Array(SALT))) : null;
  const [encryptionKey, hmacKey] = await keysFor(secret, encSalt, hmacSalt);
  const key = await crypto.subtle.importKey('raw', encryptionKey, 'AES-CBC', false, ['encrypt']);
  const body = new Uint8Array(await crypto.subtle.encrypt({name: 'AES-CBC', iv}, key, plaintext));
  const header = passwordMode ? 2 + SALT + SALT + IV : 2 + IV;
  const out = new Uint8Array(header + body.length + HMAC);
  out[0] = 3;
  out[1] = passwordMode ? 1 : 0;
  if (passwordMode) {
    out.set(encSalt, 2);
    out.set(hmacSalt, 2 + SALT);
  }
  out.set(iv, header - IV);
  out.set(body, header);
  out.set(await hmac(hmacKey, out.subarray(0, header + body.length)), header + body.length);
  return out;
}
