// RNCryptor v3, password mode, encrypting a Blob of any size a chunk at a time, so a long video
// needs about one chunk of memory for the work, not several copies of itself. The output is the
// same bytes rncryptor.js's one-shot encrypt makes with the same salts and IV:
//   - AES-256-CBC through WebCrypto, one call per chunk (a multiple of 16 bytes). WebCrypto always
//     pads what it encrypts; for a chunk that is a whole number of blocks that adds exactly one
//     block, which is dropped for every chunk but the last. The next chunk's IV is the previous
//     chunk's last ciphertext block: that is what CBC does across the whole message.
//   - HMAC-SHA256 over header and ciphertext, fed as each chunk is made (noble-hashes; WebCrypto
//     has no incremental HMAC).
//   - PBKDF2 key derivation as rncryptor.js does it.
// The result is a Blob composed of Blobs of a few MiB each: the browser may keep those outside the
// JavaScript heap (on disk for large ones), and composing Blobs copies nothing.
import {deriveKey} from './rncryptor.js';
import {vendored} from './vendor-loader.js';
import {crc32Update} from './zip.js';

const SALT = 8;
const IV = 16;
const BLOCK = 16;
export const CHUNK = 1024 * 1024;
/** Ciphertext is gathered into Blobs of about this size. */
const GATHER = 16 * 1024 * 1024;

function random(n) {
  return crypto.getRandomValues(new Uint8Array(n));
}

/**
 * Encrypts a Blob (or Uint8Array) with a password into an RNCryptor v3 message: {blob, crc32}, the
 * CRC-32 of the message taken on the way (the ZIP it goes into needs it, and need not read it again).
 * options: signal (stops between chunks), onProgress(done, total) in plaintext bytes, chunkSize
 * (a multiple of 16), and, for tests only, encSalt, hmacSalt and iv (fresh random ones otherwise).
 */
export async function encryptBlob(input, password, {signal, onProgress, chunkSize = CHUNK, encSalt, hmacSalt, iv} = {}) {
  if (chunkSize <= 0 || chunkSize % BLOCK !== 0) throw new RangeError('the chunk size is a multiple of 16 bytes');
  const blob = input instanceof Blob ? input : new Blob([input]);
  encSalt = encSalt ?? random(SALT);
  hmacSalt = hmacSalt ?? random(SALT);
  iv = iv ?? random(IV);
  const [{hmac}, {sha256}] = await Promise.all([vendored('noble-hmac'), vendored('noble-sha2')]);
  const [encryptionKey, hmacKey] = await Promise.all([deriveKey(password, encSalt), deriveKey(password, hmacSalt)]);
  const key = await crypto.subtle.importKey('raw', encryptionKey, 'AES-CBC', false, ['encrypt']);
  const mac = hmac.create(sha256, hmacKey);

  const header = new Uint8Array(2 + SALT + SALT + IV);
  header[0] = 3;
  header[1] = 1; // password mode
  header.set(encSalt, 2);
  header.set(hmacSalt, 2 + SALT);
  header.set(iv, 2 + 2 * SALT);
  mac.update(header);
  let crc = crc32Update(0, header);

  const gathered = [header];
  let pending = [];
  let pendingBytes = 0;
  let chain = iv;
  const total = blob.size;
  let at = 0;
  onProgress?.(0, total);
  do {
    signal?.throwIfAborted();
    const end = Math.min(total, at + chunkSize);
    const last = end === total;
    const plain = new Uint8Array(await blob.slice(at, end).arrayBuffer());
    const sealed = new Uint8Array(await crypto.subtle.encrypt({name: 'AES-CBC', iv: chain}, key, plain));
    // Not the last chunk: drop the padding block WebCrypto added; the message goes on.
    const kept = last ? sealed : sealed.subarray(0, sealed.length - BLOCK);
    mac.update(kept);
    crc = crc32Update(crc, kept);
    chain = kept.slice(kept.length - BLOCK);
    pending.push(kept);
    pendingBytes += kept.length;
    if (pendingBytes >= GATHER || last) {
      gathered.push(new Blob(pending));
      pending = [];
      pendingBytes = 0;
    }
    at = end;
    onProgress?.(at, total);
  } while (at < total);
  const tag = mac.digest();
  gathered.push(tag);
  return {blob: new Blob(gathered, {type: 'application/octet-stream'}), crc32: crc32Update(crc, tag)};
}
