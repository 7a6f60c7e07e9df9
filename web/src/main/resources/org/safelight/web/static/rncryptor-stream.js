// RNCryptor v3, password mode, a chunk at a time in both directions, so a long video needs about one
// chunk of memory for the work, not several copies of itself.
//
// Encrypting a Blob of any size (sealing in the page) makes the same bytes rncryptor.js's one-shot
// encrypt makes with the same salts and IV:
//   - AES-256-CBC through WebCrypto, one call per chunk (a multiple of 16 bytes). WebCrypto always
//     pads what it encrypts; for a chunk that is a whole number of blocks that adds exactly one
//     block, which is dropped for every chunk but the last. The next chunk's IV is the previous
//     chunk's last ciphertext block: that is what CBC does across the whole message.
//   - HMAC-SHA256 over header and ciphertext, fed as each chunk is made (noble-hashes; WebCrypto
//     has no incremental HMAC).
//   - PBKDF2 key derivation as rncryptor.js does it.
// The result is a Blob composed of Blobs of a few MiB each: the browser may keep those outside the
// JavaScript heap (on disk for large ones), and composing Blobs copies nothing.
//
// Decrypting pieces as they are read (opening a large report, see decryptPieces) reads the message
// twice: once for its HMAC alone, and only when that verified, again to decrypt it into Blobs, each
// chunk of the second reading proven the same as the first's before it is decrypted, so that no
// unverified plaintext ever reaches the browser's Blob storage (or is made at all).
import {constantTimeEqual, deriveKey, IntegrityError, MalformedError} from './rncryptor.js';
import {vendored} from './vendor-loader.js';
import {crc32Update} from './zip.js';
import {BlobGatherer} from './zip-cuts.js';

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

const HMAC = 32;
/** Ciphertext decrypted per WebCrypto call when opening (a multiple of 16). */
export const DECRYPT_CHUNK = 4 * 1024 * 1024;

/**
 * Decrypts a password-mode RNCryptor v3 message of length bytes that arrives as an async iterable
 * of Uint8Array pieces (a ZIP entry being read, say); open() gives a fresh such iterable each time it
 * is called, and is called twice. Verify first: the first reading only computes the HMAC-SHA256
 * (noble-hashes, on this thread) and compares it in constant time, so a wrong key or altered data
 * decrypts nothing at all. Only then the second reading decrypts a chunk at a time (WebCrypto) into
 * Blobs, which the browser may page to disk. In case the source changed between the readings, the
 * first reading keeps, at each chunk's end, the digest of the HMAC so far (a clone of its state
 * finished: 32 bytes and two compressions per chunk); the second computes the HMAC again and
 * compares the same digest, in constant time, before it decrypts that chunk: so only bytes the
 * verified HMAC covered are ever decrypted (the cost: the HMAC is computed twice).
 * Resolves to the plaintext as a Blob. Throws as rncryptor.js's decrypt does: MalformedError for data
 * that is not a password message or is cut short (or its header changed between the readings),
 * IntegrityError for a wrong password or altered data (also altered between the readings) (also for a bad padding, judged only after the HMAC, so it
 * tells an attacker nothing), and whatever the pieces or open() throw (a ZIP entry's CRC mismatch,
 * after its last piece). options: signal (stops between chunks), onProgress(phase, done, total) in
 * message bytes ('checking' for the first reading, 'decrypting' for the second), chunkSize (a
 * multiple of 16), cutter (a ZipCuts when the plaintext is a ZIP: its Blob is cut where its files'
 * data begin and end, so that they can be slices of it sharing its memory, see zip-cuts.js).
 */
export async function decryptPieces(open, length, password, {signal, onProgress, chunkSize = DECRYPT_CHUNK, cutter = null} = {}) {
  if (chunkSize <= 0 || chunkSize % BLOCK !== 0) throw new RangeError('the chunk size is a multiple of 16 bytes');
  if (typeof open !== 'function') throw new TypeError('decryptPieces reads its message twice: give a function that opens it');
  const header = 2 + SALT + SALT + IV;
  const bodyLength = length - header - HMAC;
  let head;
  let keys;
  let input = exactly(await open());
  try {
    head = await input.take(Math.min(length, header));
    if (length < 2) throw new MalformedError('too short to be RNCryptor data');
    if (head[0] !== 3) throw new MalformedError(`not RNCryptor version 3 (version byte ${head[0]})`);
    if (head[1] !== 1) throw new MalformedError('the data was encrypted with keys, not a password');
    if (bodyLength < BLOCK) throw new MalformedError('the encrypted data is cut short');
    if (bodyLength % BLOCK !== 0) throw new MalformedError('the encrypted data is not a whole number of blocks');
    const [{hmac}, {sha256}] = await Promise.all([vendored('noble-hmac'), vendored('noble-sha2')]);
    const [encryptionKey, hmacKey] = await Promise.all([deriveKey(password, head.subarray(2, 2 + SALT)),
      deriveKey(password, head.subarray(2 + SALT, 2 + 2 * SALT))]);
    keys = {newMac: () => hmac.create(sha256, hmacKey),
      aes: await crypto.subtle.importKey('raw', encryptionKey, 'AES-CBC', false, ['encrypt', 'decrypt'])};
    const mac = keys.newMac();
    mac.update(head);
    keys.prefixes = [];
    onProgress?.('checking', 0, length);
    let next = input.take(Math.min(chunkSize, bodyLength));
    for (let at = 0; at < bodyLength;) {
      signal?.throwIfAborted();
      const chunk = await next;
      at += chunk.length;
      if (at < bodyLength) next = input.take(Math.min(chunkSize, bodyLength - at)); // read while hashing
      mac.update(chunk);
      keys.prefixes.push(mac.clone().digest()); // what the second reading must match, chunk for chunk
      onProgress?.('checking', header + at, length);
    }
    const tag = await input.take(HMAC);
    await input.end(); // the pieces' own checks (a ZIP entry's CRC) come first, as when it is read whole
    if (!constantTimeEqual(mac.digest(), tag)) {
      throw new IntegrityError('the key does not open this data, or the data was altered');
    }
  } catch (e) {
    await input.close();
    throw e;
  }
  input = exactly(await open());
  return decryptVerified(input, head, bodyLength, keys, {signal, onProgress, chunkSize, length, cutter});
}

/**
 * The second reading of decryptPieces: the message whose HMAC verified, decrypted into Blobs, each
 * chunk only once the HMAC so far matches the first reading's at that chunk (prefixes), and the
 * whole HMAC compared again before anything is returned.
 */
async function decryptVerified(input, verifiedHead, bodyLength, {newMac, aes, prefixes}, {signal, onProgress, chunkSize, length, cutter}) {
  const header = verifiedHead.length;
  const gathered = new BlobGatherer(GATHER, cutter);
  try {
    const head = await input.take(header);
    if (!constantTimeEqual(head, verifiedHead)) throw new MalformedError('the data changed while it was read');
    const mac = newMac();
    mac.update(head);
    let chain = head.slice(header - IV);
    let badPadding = false;
    onProgress?.('decrypting', 0, length);
    let next = input.take(Math.min(chunkSize, bodyLength), BLOCK);
    for (let at = 0, i = 0; at < bodyLength; i++) {
      signal?.throwIfAborted();
      const chunk = await next;
      const n = chunk.length - BLOCK;
      const last = at + n === bodyLength;
      at += n;
      if (!last) next = input.take(Math.min(chunkSize, bodyLength - at), BLOCK); // read while checking
      mac.update(chunk.subarray(0, n));
      if (!prefixes[i] || !constantTimeEqual(mac.clone().digest(), prefixes[i])) {
        throw new IntegrityError('the data changed between its readings: the key does not open it, or it was altered');
      }
      const lastBlock = chunk.slice(n - BLOCK, n);
      const decrypting = decryptChunk(aes, chain, chunk, n, last);
      chain = lastBlock;
      const plain = await decrypting;
      if (plain === null) badPadding = true;
      else gathered.add(plain); // overwritten once in a Blob
      if (last) gathered.flush();
      onProgress?.('decrypting', header + at, length);
    }
    const tag = await input.take(HMAC);
    await input.end();
    if (!constantTimeEqual(mac.digest(), tag)) {
      throw new IntegrityError('the key does not open this data, or the data was altered');
    }
    if (badPadding) throw new IntegrityError('the data authenticates but does not decrypt (bad padding)');
    onProgress?.('decrypting', length, length);
    return new Blob(gathered.blobs);
  } catch (e) {
    gathered.discard();
    gathered.blobs.length = 0;
    await input.close();
    throw e;
  }
}

/**
 * AES-256-CBC of chunk[0, n) chained from iv; the chunk has BLOCK spare bytes after n. WebCrypto
 * insists on PKCS#7 padding at the end of what it decrypts, so a chunk but the last gets one more
 * block, E(padding XOR its last ciphertext block), which decrypts to a whole block of padding
 * (removed again). Resolves to the plaintext, or null when the last chunk's padding is bad.
 */
async function decryptChunk(key, iv, chunk, n, last) {
  if (last) {
    try {
      return new Uint8Array(await crypto.subtle.decrypt({name: 'AES-CBC', iv}, key, chunk.subarray(0, n)));
    } catch (e) {
      if (e?.name === 'OperationError') return null;
      throw e;
    }
  }
  const padding = await crypto.subtle.encrypt({name: 'AES-CBC', iv: chunk.subarray(n - BLOCK, n)}, key,
    new Uint8Array(BLOCK).fill(BLOCK));
  chunk.set(new Uint8Array(padding, 0, BLOCK), n);
  return new Uint8Array(await crypto.subtle.decrypt({name: 'AES-CBC', iv}, key, chunk));
}

/**
 * Takes exact byte counts from an async iterable of pieces: take(n, spare) gives n bytes in a fresh
 * array with spare bytes more room; a short input is a MalformedError; end() checks that nothing
 * follows (and lets the iterable finish its own checks).
 */
function exactly(pieces) {
  const it = pieces[Symbol.asyncIterator]();
  let current = new Uint8Array(0);
  let at = 0;
  return {
    async take(n, spare = 0) {
      const out = new Uint8Array(n + spare);
      let filled = 0;
      while (filled < n) {
        if (at === current.length) {
          const {done, value} = await it.next();
          if (done) throw new MalformedError('the encrypted data is cut short');
          current = value;
          at = 0;
        }
        const k = Math.min(n - filled, current.length - at);
        out.set(current.subarray(at, at + k), filled);
        filled += k;
        at += k;
      }
      return out;
    },
    async end() {
      while (at === current.length) {
        const {done, value} = await it.next();
        if (done) return;
        current = value;
        at = 0;
      }
      throw new MalformedError('more data than the message holds');
    },
    async close() {
      await it.return?.();
    },
  };
}
