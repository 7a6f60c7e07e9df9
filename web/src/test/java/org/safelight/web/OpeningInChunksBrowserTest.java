package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.seal.Draft;
import org.safelight.format.seal.Sealer;
import org.safelight.format.testing.Drafts;

/**
 * Opening a large report in chunks (picsafe.js above its in-memory limit; here the limit is 0 and
 * the chunks are small, so a report of a few hundred KiB crosses many chunk boundaries): the same
 * files as the in-memory way, and for every damage the same refusal, with nothing released.
 */
class OpeningInChunksBrowserTest extends AppPageBrowserTest {
    private static final String KEY = "the report key";
    @TempDir
    static Path dir;
    static byte[] report;

    @BeforeAll
    static void sealed() throws Exception {
        Draft draft = Draft.load(Drafts.full(dir.resolve("draft")), Clock.systemUTC());
        Files.createDirectories(dir.resolve("sent"));
        report = Files.readAllBytes(Sealer.seal(draft, new Protection.DynamicKey(KEY, "https://keys.example.org"),
                dir.resolve("sent")));
    }

    /** decryptPieces against the one-shot decrypt: sizes around the chunk size, pieces of odd sizes. */
    private static final String BOUNDARIES = """
            const [done] = arguments;
            Promise.all([import('/app/static/rncryptor-stream.js'), import('/app/static/rncryptor.js')]).then(async ([s, r]) => {
              const random = n => crypto.getRandomValues(new Uint8Array(n));
              async function* pieces(bytes, size) { for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size); }
              const out = [];
              for (const chunkSize of [16, 64]) {
                for (const size of [0, 1, 15, 16, 17, 47, 48, 63, 64, 65, 127, 128, 129, 1000]) {
                  const plain = random(size);
                  const sealed = await r.encrypt(plain, {password: 'k'});
                  for (const piece of [1, 7, 64, 100000]) {
                    const blob = await s.decryptPieces(() => pieces(sealed, piece), sealed.length, 'k', {chunkSize});
                    const back = new Uint8Array(await blob.arrayBuffer());
                    if (back.length !== size || back.some((b, i) => b !== plain[i])) out.push(chunkSize + '/' + size + '/' + piece);
                  }
                }
              }
              done(out);
            }).catch(e => done(['failed: ' + e]));
            """;

    @Test
    void chunked_decryption_gives_the_plaintext_at_every_chunk_boundary_and_piece_size() {
        assertThat(browser.asyncScript(BOUNDARIES)).as("chunk size / plaintext size / piece size that differ").isEqualTo(List.of());
    }

    /** What decryptPieces throws for each damage, or "released" when it resolved. */
    private static final String REFUSALS = """
            const [done] = arguments;
            Promise.all([import('/app/static/rncryptor-stream.js'), import('/app/static/rncryptor.js')]).then(async ([s, r]) => {
              const plain = crypto.getRandomValues(new Uint8Array(1000));
              const sealed = await r.encrypt(plain, {password: 'k'});
              async function* pieces(bytes) { for (let i = 0; i < bytes.length; i += 100) yield bytes.slice(i, i + 100); }
              const flipped = at => { const b = sealed.slice(); b[at] ^= 1; return b; };
              const header = 34;
              const cases = {
                intact: [sealed, 'k'],
                'wrong password': [sealed, 'not k'],
                'encryption salt': [flipped(3), 'k'],
                iv: [flipped(header - 1), 'k'],
                'first chunk': [flipped(header), 'k'],
                'middle chunk': [flipped(header + 500), 'k'],
                'last block': [flipped(sealed.length - 33), 'k'],
                'padding only': [flipped(sealed.length - 33 - 16), 'k'],
                tag: [flipped(sealed.length - 1), 'k'],
                'cut at a chunk boundary': [sealed.subarray(0, header + 64 + 32), 'k'],
                version: [flipped(0), 'k'],
              };
              const out = {};
              for (const [name, [bytes, password]] of Object.entries(cases)) {
                try {
                  const blob = await s.decryptPieces(() => pieces(bytes), bytes.length, password, {chunkSize: 64});
                  out[name] = 'released ' + blob.size;
                } catch (e) {
                  out[name] = e.name + ': ' + e.message;
                }
              }
              // a source that says it is longer than it is
              try {
                await s.decryptPieces(() => pieces(sealed.subarray(0, 500)), sealed.length, 'k', {chunkSize: 64});
                out.truncated = 'released';
              } catch (e) {
                out.truncated = e.name + ': ' + e.message;
              }
              done(out);
            }).catch(e => done({failed: String(e)}));
            """;

    @Test
    void a_wrong_password_a_tampered_first_middle_or_last_chunk_and_a_cut_message_release_nothing() {
        @SuppressWarnings("unchecked")
        Map<String, String> out = (Map<String, String>) browser.asyncScript(REFUSALS);
        assertThat(out.get("intact")).isEqualTo("released 1000");
        String altered = "IntegrityError: the key does not open this data, or the data was altered";
        for (String damage : List.of("wrong password", "encryption salt", "iv", "first chunk", "middle chunk", "last block",
                "padding only", "tag")) {
            assertThat(out.get(damage)).as(damage).isEqualTo(altered);
        }
        assertThat(out.get("cut at a chunk boundary")).as("a whole message, but not this one").isEqualTo(altered);
        assertThat(out.get("version")).startsWith("MalformedError: not RNCryptor version 3");
        assertThat(out.get("truncated")).isEqualTo("MalformedError: the encrypted data is cut short");
    }

    /**
     * decryptPieces with crypto.subtle.decrypt counted: for each case the calls made and what came of
     * it. The second reading may differ from the first (a source changed between the readings).
     */
    private static final String VERIFY_FIRST = """
            const [done] = arguments;
            Promise.all([import('/app/static/rncryptor-stream.js'), import('/app/static/rncryptor.js')]).then(async ([s, r]) => {
              const plain = crypto.getRandomValues(new Uint8Array(1000));
              const sealed = await r.encrypt(plain, {password: 'k'});
              const other = await r.encrypt(crypto.getRandomValues(new Uint8Array(1000)), {password: 'k'});
              async function* pieces(bytes) { for (let i = 0; i < bytes.length; i += 100) yield bytes.slice(i, i + 100); }
              const flipped = at => { const b = sealed.slice(); b[at] ^= 1; return b; };
              const cases = {
                intact: [sealed, sealed, 'k'],
                'wrong password': [sealed, sealed, 'not k'],
                'tampered last block': [flipped(sealed.length - 33), null, 'k'],
                'tampered first block': [flipped(34), null, 'k'],
                'changed to another message after the check': [sealed, other, 'k'],
                'tampered after the check': [sealed, flipped(sealed.length - 33), 'k'],
                'a middle chunk tampered after the check': [sealed, flipped(34 + 7 * 64 + 5), 'k'],
              };
              const out = {};
              const decrypt = crypto.subtle.decrypt;
              let calls = 0;
              crypto.subtle.decrypt = function (...args) { calls++; return decrypt.apply(this, args); };
              const RealBlob = Blob; // counts the Blobs made (plaintext goes into Blobs only)
              let blobs = 0;
              window.Blob = class extends RealBlob { constructor(...args) { super(...args); blobs++; } };
              try {
                for (const [name, [first, second, password]] of Object.entries(cases)) {
                  calls = 0;
                  blobs = 0;
                  let readings = 0;
                  const open = () => pieces(readings++ === 0 ? first : second);
                  try {
                    const blob = await s.decryptPieces(open, first.length, password, {chunkSize: 64});
                    out[name] = calls + ' decrypts, ' + blobs + ' blobs, released ' + blob.size;
                  } catch (e) {
                    out[name] = calls + ' decrypts, ' + blobs + ' blobs, ' + e.name + ': ' + e.message;
                  }
                }
              } finally {
                crypto.subtle.decrypt = decrypt;
                window.Blob = RealBlob;
              }
              done(out);
            }).catch(e => done({failed: String(e)}));
            """;

    @Test
    void a_large_message_is_decrypted_only_after_its_hmac_verified_and_each_chunk_of_the_second_reading_only_once_proven_the_same() {
        @SuppressWarnings("unchecked")
        Map<String, String> out = (Map<String, String>) browser.asyncScript(VERIFY_FIRST);
        String altered = "IntegrityError: the key does not open this data, or the data was altered";
        String changed = "IntegrityError: the data changed between its readings: the key does not open it, or it was altered";
        // 1,008 bytes of ciphertext in chunks of 64: 16 chunks; the plaintext goes into one Blob, then the one released
        assertThat(out.get("intact")).isEqualTo("16 decrypts, 2 blobs, released 1000");
        assertThat(out.get("wrong password")).as("nothing decrypted").isEqualTo("0 decrypts, 0 blobs, " + altered);
        assertThat(out.get("tampered last block")).as("nothing decrypted").isEqualTo("0 decrypts, 0 blobs, " + altered);
        assertThat(out.get("tampered first block")).as("nothing decrypted").isEqualTo("0 decrypts, 0 blobs, " + altered);
        assertThat(out.get("changed to another message after the check"))
                .isEqualTo("0 decrypts, 0 blobs, MalformedError: the data changed while it was read");
        // changed between the readings: the chunks before the change decrypted (the same bytes as verified),
        // the changed one and those after it never, and no Blob made of any
        assertThat(out.get("tampered after the check")).isEqualTo("15 decrypts, 0 blobs, " + changed);
        assertThat(out.get("a middle chunk tampered after the check")).isEqualTo("7 decrypts, 0 blobs, " + changed);
    }

    /**
     * Opens a .picsafe (base64) with picsafe.js both ways: in memory, and in 4 KiB chunks; gives
     * for each {kind, message} of the refusal, or the files' names with their SHA-256.
     */
    private static final String OPEN_BOTH_WAYS = """
            const [base64, key, done] = arguments;
            import('/app/static/picsafe.js').then(async m => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const hex = async data => {
                const b = data instanceof Blob ? await data.arrayBuffer() : data;
                return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b)), x => x.toString(16).padStart(2, '0')).join('');
              };
              const out = {};
              for (const [way, options] of [['memory', {}], ['chunks', {inMemoryLimit: 0, chunkSize: 4096}]]) {
                try {
                  const r = await m.openReport(new Blob([bytes]), {fileName: 'r.picsafe', fetchKey: async () => key, ...options});
                  const files = [];
                  for (const [name, data] of r.files) files.push(name + '=' + (data instanceof Blob ? 'blob ' : 'bytes ') + await hex(data));
                  out[way] = files.join(', ');
                } catch (e) {
                  out[way] = (e.kind || e.name) + ': ' + e.message;
                }
              }
              done(out);
            }).catch(e => done({failed: String(e)}));
            """;

    @SuppressWarnings("unchecked")
    private static Map<String, String> openBothWays(byte[] picsafe, String key) {
        return (Map<String, String>) browser.asyncScript(OPEN_BOTH_WAYS, Base64.getEncoder().encodeToString(picsafe), key);
    }

    @Test
    void a_report_opened_in_chunks_holds_the_same_files_as_opened_in_memory() {
        Map<String, String> out = openBothWays(report, KEY);
        assertThat(out.get("memory")).contains("metadata.json=bytes ", "p1.jpg=bytes ", "v1.m4v=bytes ");
        assertThat(out.get("chunks")).contains("metadata.json=blob ", "p1.jpg=blob ", "v1.m4v=blob ");
        assertThat(out.get("chunks").replace("=blob ", "=")).isEqualTo(out.get("memory").replace("=bytes ", "="));
    }

    /** Opens the report (base64) with the given in-memory limit: how its files came (bytes or Blobs), or the refusal. */
    private static final String OPEN_WITH_LIMIT = """
            const [base64, key, limit, done] = arguments;
            import('/app/static/picsafe.js').then(async m => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              try {
                const r = await m.openReport(new Blob([bytes]), {fileName: 'r.picsafe', fetchKey: async () => key, inMemoryLimit: limit});
                done([...new Set([...r.files.values()].map(f => f instanceof Blob ? 'blobs' : 'bytes'))].join());
              } catch (e) {
                done((e.kind || e.name) + ': ' + e.message);
              }
            }).catch(e => done('failed: ' + e));
            """;

    @Test
    void a_package_of_exactly_the_in_memory_limit_opens_in_memory_and_one_byte_more_in_chunks() throws IOException {
        int sealed = entry(report, "package.encrypted").length;
        String base64 = Base64.getEncoder().encodeToString(report);
        assertThat(browser.asyncScript(OPEN_WITH_LIMIT, base64, KEY, sealed)).isEqualTo("bytes");
        assertThat(browser.asyncScript(OPEN_WITH_LIMIT, base64, KEY, sealed - 1)).isEqualTo("blobs");
        String integrity = "integrity: The report does not open with its key: the key is wrong or the file was altered. "
                + "Nothing of it is shown.";
        for (int at : new int[] {34, sealed - 33}) { // the first ciphertext byte, and the last one before the tag
            String tampered = Base64.getEncoder().encodeToString(rezipped(report, bytes -> bytes[at] ^= 1));
            assertThat(browser.asyncScript(OPEN_WITH_LIMIT, tampered, KEY, sealed)).as("byte %d, in memory", at).isEqualTo(integrity);
            assertThat(browser.asyncScript(OPEN_WITH_LIMIT, tampered, KEY, sealed - 1)).as("byte %d, in chunks", at).isEqualTo(integrity);
        }
    }

    @Test
    void every_damage_is_refused_in_chunks_with_the_same_message_as_in_memory() throws IOException {
        String integrity = "integrity: The report does not open with its key: the key is wrong or the file was altered. "
                + "Nothing of it is shown.";
        Map<String, String> wrongKey = openBothWays(report, "not the key");
        assertThat(wrongKey.get("memory")).isEqualTo(integrity);
        assertThat(wrongKey.get("chunks")).isEqualTo(integrity);

        int length = entry(report, "package.encrypted").length;
        for (int at : new int[] {40, length / 2, length - 40, length - 1}) {
            Map<String, String> out = openBothWays(rezipped(report, sealed -> sealed[at] ^= 1), KEY);
            assertThat(out.get("memory")).as("byte %d of %d changed", at, length).isEqualTo(integrity);
            assertThat(out.get("chunks")).as("byte %d of %d changed", at, length).isEqualTo(integrity);
        }
        Map<String, String> cut = openBothWays(rezipped(report, null), KEY);
        assertThat(cut.get("memory")).startsWith("malformed: The encrypted package is damaged");
        assertThat(cut.get("chunks")).isEqualTo(cut.get("memory"));

        // bytes changed in the file itself: the ZIP's CRC no longer matches, said before any HMAC
        byte[] flipped = report.clone();
        flipped[flipped.length / 2] ^= 1;
        Map<String, String> damaged = openBothWays(flipped, KEY);
        assertThat(damaged.get("memory")).startsWith("malformed: The report is damaged");
        assertThat(damaged.get("chunks")).isEqualTo(damaged.get("memory"));

        Map<String, String> truncated = openBothWays(Arrays.copyOf(report, report.length - 1000), KEY);
        assertThat(truncated.get("memory")).startsWith("not_picsafe: ");
        assertThat(truncated.get("chunks")).isEqualTo(truncated.get("memory"));
    }

    /**
     * Opens in 4 KiB chunks a "file" (Blob) whose bytes are the first report's until its first reading
     * ended, the second's after: the refusal, the WebCrypto decrypt calls and the Blobs made meanwhile.
     */
    private static final String OPEN_CHANGING = """
            const [first64, second64, key, done] = arguments;
            import('/app/static/picsafe.js').then(async m => {
              const bytesOf = b => Uint8Array.from(atob(b), c => c.charCodeAt(0));
              const second = new Blob([bytesOf(second64)]);
              let changed = false;
              class Changing extends Blob {
                slice(...args) { return changed ? second.slice(...args) : super.slice(...args); }
              }
              const decrypt = crypto.subtle.decrypt;
              let decrypts = 0;
              crypto.subtle.decrypt = function (...args) { decrypts++; return decrypt.apply(this, args); };
              const RealBlob = Blob;
              let blobs = 0;
              try {
                const source = new Changing([bytesOf(first64)]);
                window.Blob = class extends RealBlob {
                  // bytes put in Blobs (plaintext only: the file is read, never copied into one)
                  constructor(parts, ...rest) { super(parts, ...rest); if (parts.every(p => ArrayBuffer.isView(p))) blobs += this.size; }
                  static [Symbol.hasInstance](x) { return x instanceof RealBlob; } // the page's instanceof Blob
                };
                await m.openReport(source, {fileName: 'r.picsafe', fetchKey: async () => key, inMemoryLimit: 0, chunkSize: 4096,
                  // the first reading's last chunk hashed (its stream already taken): the file changes now
                  onProgress: (phase, done, total) => { if (phase === 'checking' && done === total - 32) changed = true; }});
                done('opened, ' + decrypts + ' decrypts');
              } catch (e) {
                done((e.kind || e.name) + ': ' + e.message + ' | ' + decrypts + ' decrypts, ' + blobs + ' bytes in Blobs');
              } finally {
                crypto.subtle.decrypt = decrypt;
                window.Blob = RealBlob;
              }
            }).catch(e => done('failed: ' + e));
            """;

    @Test
    void a_file_whose_second_reading_differs_in_one_chunk_is_refused_before_that_chunk_is_decrypted() throws IOException {
        byte[] first = rezipped(report, sealed -> { });
        int length = entry(report, "package.encrypted").length;
        int at = length / 2;
        byte[] second = rezipped(report, sealed -> sealed[at] ^= 1);
        assertThat(second).as("the same size: only that byte differs").hasSameSizeAs(first);
        Base64.Encoder base64 = Base64.getEncoder();
        // the unchanged file opens as before
        assertThat(browser.asyncScript(OPEN_CHANGING, base64.encodeToString(first), base64.encodeToString(first), KEY))
                .asString().startsWith("opened, ");
        int chunksBefore = (at - 34) / 4096; // password mode: 34 header bytes, then the ciphertext in chunks
        String refused = (String) browser.asyncScript(OPEN_CHANGING, base64.encodeToString(first), base64.encodeToString(second), KEY);
        assertThat(refused).startsWith("integrity: The report does not open with its key: the key is wrong or the file was altered. "
                + "Nothing of it is shown. | " + chunksBefore + " decrypts, ");
        // the plaintext cut into Blobs where its files begin and end (zip-cuts.js): only of chunks before
        // the changed one, proven the same bytes as the first reading's, whose HMAC verified
        long inBlobs = Long.parseLong(refused.replaceAll(".* decrypts, (\\d+) bytes in Blobs$", "$1"));
        assertThat(inBlobs).as("plaintext bytes put in Blobs").isPositive().isLessThanOrEqualTo(chunksBefore * 4096L);
    }

    /**
     * A report view over Blob files (as a large report has): "Save all" clicked, then (or not)
     * "Close report" at once; gives the blob: downloads clicked and the object URLs made and revoked.
     * It waits for a ZIP of the same files twice over, so the view's own ZIP has long been built.
     */
    private static final String SAVE_ALL_THEN_CLOSE = """
            const [close, done] = arguments;
            Promise.all([import('/app/static/report-view.js'), import('/app/static/picsafe.js'), import('/app/static/zip-writer.js')])
                .then(async ([v, p, w]) => {
              const made = new Set();
              const revoked = new Set();
              const create = URL.createObjectURL, revoke = URL.revokeObjectURL;
              URL.createObjectURL = b => { const u = create.call(URL, b); made.add(u); return u; };
              URL.revokeObjectURL = u => { revoked.add(u); revoke.call(URL, u); };
              const downloads = [];
              const seen = e => { const a = e.target.closest?.('a'); if (a && a.href.startsWith('blob:') && a.id === 'save-all') downloads.push(a.download); };
              document.addEventListener('click', seen, true);
              // no download for real: only the attempt is counted
              const stopDefault = e => { if (e.target.closest?.('a')) e.preventDefault(); };
              document.addEventListener('click', stopDefault);
              try {
                const big = new Blob([crypto.getRandomValues(new Uint8Array(65536))]);
                const a = new Blob(Array(48).fill(big)); // 3 MiB: its CRC is read in three slices
                const files = new Map([['metadata.json', new Blob(['{}'])], ['a.bin', a]]);
                const metadata = p.parseMetadata({report: {}});
                let view;
                view = v.reportView({reportId: 'R', metadata, files, encrypted: true}, {onClose: () => view.dispose()});
                document.body.append(view.node);
                document.querySelector('#save-all').click();
                if (close) document.querySelector('#close-report').click();
                const again = [['metadata.json', new Blob(['{}'])], ['a.bin', a]];
                await w.zipOfBlobs([...again, ...again.map(([n, b]) => ['2' + n, b])]);
                await new Promise(r => setTimeout(r, 0));
                if (!close) view.dispose();
                done({downloads: downloads.length, made: made.size, unrevoked: [...made].filter(u => !revoked.has(u)).length});
              } finally {
                URL.createObjectURL = create;
                URL.revokeObjectURL = revoke;
                document.removeEventListener('click', seen, true);
                document.removeEventListener('click', stopDefault);
              }
            }).catch(e => done({failed: String(e)}));
            """;

    @Test
    void save_all_of_a_large_report_closed_at_once_downloads_nothing_and_leaves_no_object_url() {
        @SuppressWarnings("unchecked")
        Map<String, Object> kept = (Map<String, Object>) browser.asyncScript(SAVE_ALL_THEN_CLOSE, false);
        assertThat(kept).as("left open, the ZIP is built and downloaded").containsEntry("downloads", 1L).containsEntry("unrevoked", 0L);
        @SuppressWarnings("unchecked")
        Map<String, Object> closed = (Map<String, Object>) browser.asyncScript(SAVE_ALL_THEN_CLOSE, true);
        assertThat(closed).as("closed while the ZIP was being built").containsEntry("downloads", 0L).containsEntry("unrevoked", 0L);
        assertThat((Long) closed.get("made")).as("the view made URLs for its files").isPositive();
    }

    private static byte[] entry(byte[] zip, String name) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError("no " + name);
    }

    /** The report with package.encrypted changed (null: its last 40 bytes cut, not a whole number of blocks), zipped again, so its CRC matches. */
    private static byte[] rezipped(byte[] picsafe, Consumer<byte[]> change) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(picsafe));
             ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] content = in.readAllBytes();
                if (e.getName().equals("package.encrypted")) {
                    if (change == null) {
                        content = Arrays.copyOf(content, content.length - 40);
                    } else {
                        change.accept(content);
                    }
                }
                zip.putNextEntry(new ZipEntry(e.getName()));
                zip.write(content);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
