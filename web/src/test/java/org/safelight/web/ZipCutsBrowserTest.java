package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.seal.Draft;
import org.safelight.format.seal.Sealer;
import org.safelight.format.testing.Drafts;

/**
 * A large report's decrypted package gathered into Blobs cut where its files' data begin and end
 * (zip-cuts.js), so that each file, a slice of it, covers whole pieces the browser shares rather
 * than copies; and a failure to read back that Blob told apart from a failure to read the chosen file.
 */
class ZipCutsBrowserTest extends AppPageBrowserTest {
    @TempDir
    static Path dir;

    /**
     * Gathers the ZIP (base64) fed in pieces of several sizes: for each size, the places a file's
     * slice needs a boundary (its data's start and end; each stored block's data for a deflated one)
     * that are not one, and whether the Blobs hold the same bytes; then the stored blocks per entry.
     */
    private static final String GATHER = """
            const [base64, done] = arguments;
            Promise.all([import('/app/static/zip-cuts.js'), import('/app/static/zip.js')]).then(async ([c, z]) => {
              const bytes = Uint8Array.from(atob(base64), ch => ch.charCodeAt(0));
              const zip = await z.openZip(new Blob([bytes]));
              const needed = new Set();
              const blocks = {};
              for (const [name, e] of zip.entries) {
                const ranges = e.method === 8 ? await zip.storedBlocks(e, name) : [[e.start, e.start + e.size]];
                blocks[name] = ranges ? ranges.length : 'compressed';
                for (const [from, to] of ranges || []) { needed.add(from); needed.add(to); }
              }
              const out = {blocks};
              for (const size of [1, 5, 7, 4093, 65536, bytes.length]) {
                const g = new c.BlobGatherer(50000, new c.ZipCuts());
                for (let i = 0; i < bytes.length; i += size) g.add(bytes.slice(i, i + size));
                g.flush();
                const boundaries = new Set([0]);
                let at = 0;
                for (const b of g.blobs) boundaries.add(at += b.size);
                const back = new Uint8Array(await new Blob(g.blobs).arrayBuffer());
                const same = back.length === bytes.length && back.every((b, i) => b === bytes[i]);
                out[size] = {missing: [...needed].filter(n => !boundaries.has(n)).length, same, largest: Math.max(...g.blobs.map(b => b.size))};
              }
              // the files of the gathered ZIP, the stored ones checked by the CRC-32 taken on the way (none read back)
              const gathered = async data => {
                const cutter = new c.ZipCuts();
                const g = new c.BlobGatherer(50000, cutter);
                for (let i = 0; i < data.length; i += 4093) g.add(data.slice(i, i + 4093));
                g.flush();
                const archive = await z.openZip(new Blob(g.blobs));
                archive.seen = cutter.entries();
                const read = Blob.prototype.arrayBuffer;
                let readBack = 0;
                Blob.prototype.arrayBuffer = function () { readBack += this.size; return read.call(this); };
                const files = {};
                try {
                  for (const name of archive.names()) {
                    try {
                      const blob = await archive.blob(name);
                      Blob.prototype.arrayBuffer = read;
                      const back = new Uint8Array(await blob.arrayBuffer());
                      Blob.prototype.arrayBuffer = function () { readBack += this.size; return read.call(this); };
                      const e = zip.entries.get(name);
                      files[name] = (archive.seen.has(e.start) ? 'seen ' : 'read ') + (z.crc32(back) === e.crc);
                    } catch (e) {
                      files[name] = e.message;
                    }
                  }
                } finally {
                  Blob.prototype.arrayBuffer = read;
                }
                return {files, readBack};
              };
              out.intact = await gathered(bytes);
              const damaged = bytes.slice();
              damaged[zip.entries.get('p1.jpg').start + 10] ^= 1;
              damaged[zip.entries.get('v1.m4v').start + 70000] ^= 1;
              out.damaged = (await gathered(damaged)).files;
              const random = new c.BlobGatherer(50000, new c.ZipCuts());
              for (let i = 0; i < 3; i++) random.add(crypto.getRandomValues(new Uint8Array(40000)));
              random.flush();
              out.random = random.blobs.length;
              done(out);
            }).catch(e => done({failed: String(e)}));
            """;

    @Test
    void a_zip_streamed_in_any_pieces_is_cut_at_every_boundary_its_files_slices_need() throws IOException {
        Random random = new Random(14);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("metadata.json")); // deflated: compressed blocks end the cutting
            zip.write("{\"report\": {}} ".repeat(200).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.setLevel(Deflater.NO_COMPRESSION);
            stored(zip, "p1.jpg", randomBytes(random, 100_000));
            stored(zip, "empty.jpg", new byte[0]);
            zip.putNextEntry(new ZipEntry("v1.m4v")); // deflate's stored blocks, a data descriptor after them
            zip.write(randomBytes(random, 300_000));
            zip.closeEntry();
            stored(zip, "p2.jpg", randomBytes(random, 70_001));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) browser.asyncScript(GATHER, Base64.getEncoder().encodeToString(bytes.toByteArray()));
        @SuppressWarnings("unchecked")
        Map<String, Object> blocks = (Map<String, Object>) out.get("blocks");
        assertThat(out.get("failed")).isNull();
        assertThat(blocks).containsEntry("metadata.json", "compressed").containsEntry("p1.jpg", 1L);
        assertThat((Long) blocks.get("v1.m4v")).as("stored blocks").isGreaterThan(2);
        for (String size : List.of("1", "5", "7", "4093", "65536", String.valueOf(bytes.size()))) {
            Map<?, ?> fed = (Map<?, ?>) out.get(size);
            assertThat(fed.get("missing")).as("fed in pieces of %s bytes: boundaries missing", size).isEqualTo(0L);
            assertThat(fed.get("same")).as("fed in pieces of %s bytes: the same bytes", size).isEqualTo(true);
            assertThat((Long) fed.get("largest")).as("gathered in Blobs of about 50,000 bytes").isLessThan(50_000 + 65_536);
        }
        assertThat(out.get("random")).as("not a ZIP: cut only by size").isEqualTo(2L);
        Map<?, ?> intact = (Map<?, ?>) out.get("intact");
        assertThat((Map<?, ?>) intact.get("files")).isEqualTo(Map.of("metadata.json", "read true", "p1.jpg", "seen true",
                "empty.jpg", "seen true", "v1.m4v", "seen true", "p2.jpg", "seen true"));
        assertThat((Long) intact.get("readBack")).as("bytes read back: the compressed metadata.json and the headers only")
                .isLessThan(70_001);
        @SuppressWarnings("unchecked")
        Map<String, Object> damaged = (Map<String, Object>) out.get("damaged");
        assertThat(damaged).containsEntry("p1.jpg", "entry 'p1.jpg' is damaged (CRC mismatch)")
                .containsEntry("v1.m4v", "entry 'v1.m4v' is damaged (CRC mismatch)").containsEntry("p2.jpg", "seen true");
    }

    @Test
    void a_sealed_report_opened_in_chunks_has_its_files_cut_out_of_the_decrypted_package() throws Exception {
        Draft draft = Draft.load(Drafts.full(dir.resolve("draft")), Clock.systemUTC());
        Files.createDirectories(dir.resolve("sent"));
        byte[] report = Files.readAllBytes(Sealer.seal(draft, new Protection.DynamicKey("k", "https://keys.example.org"), dir.resolve("sent")));
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) browser.asyncScript(OPEN_CUT, Base64.getEncoder().encodeToString(report), "k");
        assertThat(out.get("failed")).isNull();
        assertThat(out.get("total")).as("every byte recorded").isEqualTo(out.get("size"));
        assertThat((Long) out.get("cuts")).as("Blobs the plaintext was gathered in").isGreaterThan(4);
        assertThat(out.get("missing")).as("boundaries the photos and the video need that are not cuts").isEqualTo(0L);
    }

    /**
     * Opens the report with picsafe.js in 4 KiB chunks, the Blobs made of bytes while it decrypts
     * recorded: how many, and the boundaries its stored files' slices need that are not between two
     * of them (the package decrypted in memory tells where its files lie).
     */
    private static final String OPEN_CUT = """
            const [base64, key, done] = arguments;
            Promise.all([import('/app/static/picsafe.js'), import('/app/static/rncryptor.js'), import('/app/static/zip.js')])
                .then(async ([p, r, z]) => {
              const bytes = Uint8Array.from(atob(base64), ch => ch.charCodeAt(0));
              const file = new Blob([bytes]);
              const plain = await r.decrypt(await (await z.openZip(bytes)).read('package.encrypted'), {password: key});
              const inner = await z.openZip(new Blob([plain]));
              const RealBlob = Blob;
              const sizes = [];
              let recording = false;
              window.Blob = class extends RealBlob {
                constructor(parts, ...rest) {
                  super(parts, ...rest);
                  if (recording && parts.every(x => ArrayBuffer.isView(x))) sizes.push(this.size);
                }
                static [Symbol.hasInstance](x) { return x instanceof RealBlob; }
              };
              try {
                await p.openReport(file, {fileName: 'r.picsafe', fetchKey: async () => key, inMemoryLimit: 0, chunkSize: 4096,
                  onProgress: (phase, done, total) => { recording = phase === 'decrypting' && done < total; }});
              } finally {
                window.Blob = RealBlob;
              }
              const seen = new Set([0]);
              let at = 0;
              for (const n of sizes) seen.add(at += n);
              let missing = 0;
              for (const [name, e] of inner.entries) {
                const ranges = e.method === 8 ? await inner.storedBlocks(e, name) : [[e.start, e.start + e.size]];
                for (const [from, to] of ranges || []) missing += (seen.has(from) ? 0 : 1) + (seen.has(to) ? 0 : 1);
              }
              done({cuts: sizes.length, total: at, size: plain.length, missing});
            }).catch(e => done({failed: String(e)}));
            """;

    /**
     * Opens the report in 4 KiB chunks with every Blob read failing from the given phase on: the
     * error's name and what the page would tell the user.
     */
    private static final String READ_FAILS = """
            const [base64, key, from, done] = arguments;
            import('/app/static/picsafe.js').then(async p => {
              const bytes = Uint8Array.from(atob(base64), ch => ch.charCodeAt(0));
              const read = Blob.prototype.arrayBuffer, stream = Blob.prototype.stream;
              const fail = () => { Blob.prototype.arrayBuffer = () => Promise.reject(new DOMException('lost', 'NotReadableError'));
                Blob.prototype.stream = function () { return new ReadableStream({pull(c) { c.error(new DOMException('lost', 'NotReadableError')); }}); }; };
              try {
                await p.openReport(new Blob([bytes]), {fileName: 'r.picsafe', fetchKey: async () => key, inMemoryLimit: 0, chunkSize: 4096,
                  onProgress: (phase, done, total) => { if (phase === from && (phase === 'checking' || done === total)) fail(); }});
                done('opened');
              } catch (e) {
                done(e.name + ' | ' + p.unexpectedFailureText(e));
              } finally {
                Blob.prototype.arrayBuffer = read;
                Blob.prototype.stream = stream;
              }
            }).catch(e => done('failed: ' + e));
            """;

    @Test
    void the_page_losing_its_decrypted_report_is_not_told_as_the_chosen_file_changing() throws Exception {
        Draft draft = Draft.load(Drafts.full(dir.resolve("draft2")), Clock.systemUTC());
        Files.createDirectories(dir.resolve("sent2"));
        String report = Base64.getEncoder().encodeToString(Files.readAllBytes(
                Sealer.seal(draft, new Protection.DynamicKey("k", "https://keys.example.org"), dir.resolve("sent2"))));
        String own = (String) browser.asyncScript(READ_FAILS, report, "k", "decrypting");
        assertThat(own).startsWith("OpenedReportUnreadableError | ").contains("ran out of room for the opened report")
                .doesNotContain("choose it again").doesNotContain("altered");
        String files = (String) browser.asyncScript(READ_FAILS, report, "k", "opening");
        assertThat(files).as("its files lost once cut out (not read back while opening)")
                .startsWith("OpenedReportUnreadableError | ").contains("ran out of room for the opened report");
        String file = (String) browser.asyncScript(READ_FAILS, report, "k", "checking");
        assertThat(file).startsWith("NotReadableError | ").contains("choose it again").doesNotContain("ran out of room");
    }

    /**
     * A ZIP of one deflated entry made of 5-byte empty stored blocks then a final one holding 100
     * bytes, gathered as a large report's plaintext is: the Blobs made, the records kept, and what
     * reading the entry says with what was seen and without (as on main); then a stream of fake data
     * descriptors each followed by a fake local header of a compressed entry.
     */
    private static final String TINY = """
            const [base64, done] = arguments;
            Promise.all([import('/app/static/zip-cuts.js'), import('/app/static/zip.js')]).then(async ([c, z]) => {
              const bytes = Uint8Array.from(atob(base64), ch => ch.charCodeAt(0));
              const gather = (data, piece) => {
                const cutter = new c.ZipCuts();
                const g = new c.BlobGatherer(16 * 1024 * 1024, cutter);
                for (let i = 0; i < data.length; i += piece) g.add(data.slice(i, i + piece));
                g.flush();
                return {cutter, g};
              };
              const out = {};
              for (const piece of [5, 4096, 4 * 1024 * 1024]) {
                const {cutter, g} = gather(bytes, piece);
                const withSeen = await z.openZip(new Blob(g.blobs));
                withSeen.seen = cutter.entries();
                const error = async zip => { try { await zip.blob('v.m4v'); return 'read'; } catch (e) { return e.message; } };
                out[piece] = {blobs: g.blobs.length, records: cutter.records.size, seen: withSeen.seen.size,
                  error: await error(withSeen), main: await error(await z.openZip(new Blob([bytes])))};
              }
              const fake = new Uint8Array(1024 * 1024);
              fake.set([0x50, 0x4b, 0x03, 0x04, 20, 0, 8, 0, 8, 0], 0);
              fake[30] = 0x02; // a compressed block: the cutter looks for the data descriptor
              for (let at = 31; at + 47 <= fake.length; at += 47) {
                fake.set([0x50, 0x4b, 0x07, 0x08], at);
                fake.set([0x50, 0x4b, 0x03, 0x04, 20, 0, 8, 0, 8, 0], at + 16);
                fake[at + 46] = 0x02;
              }
              const {cutter, g} = gather(fake, 4096);
              out.fake = {blobs: g.blobs.length, records: cutter.records.size};
              done(out);
            }).catch(e => done({failed: String(e)}));
            """;

    @Test
    void tiny_stored_blocks_and_fake_local_headers_make_few_cuts_and_the_entry_is_refused_as_before() throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int i = 0; i < 1024 * 1024 / 5; i++) raw.write(new byte[] {0, 0, 0, (byte) 0xff, (byte) 0xff});
        byte[] content = randomBytes(new Random(5), 100);
        raw.write(new byte[] {1, 100, 0, (byte) ~100, (byte) 0xff});
        raw.write(content);
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) browser.asyncScript(TINY,
                Base64.getEncoder().encodeToString(deflatedEntry("v.m4v", raw.toByteArray(), content)));
        assertThat(out.get("failed")).isNull();
        for (String piece : List.of("5", "4096", "4194304")) {
            Map<?, ?> fed = (Map<?, ?>) out.get(piece);
            assertThat((Long) fed.get("blobs")).as("Blobs made of 1 MB of 5-byte blocks fed in pieces of %s", piece).isLessThan(40);
            assertThat(fed.get("seen")).as("the entry is not taken as seen").isEqualTo(0L);
            assertThat(fed.get("error")).as("refused as on main").isEqualTo("entry 'v.m4v' is damaged (too many stored blocks)")
                    .isEqualTo(fed.get("main"));
        }
        Map<?, ?> fake = (Map<?, ?>) out.get("fake");
        assertThat((Long) fake.get("records")).as("records of 22,000 fake local headers in 1 MB").isLessThanOrEqualTo(16 + 64);
        assertThat((Long) fake.get("blobs")).isLessThanOrEqualTo(16 + 64 + 2);
    }

    /** A ZIP of one entry, deflated as raw (any deflate data) and inflating to content. */
    private static byte[] deflatedEntry(String name, byte[] raw, byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            stored(zip, name, raw);
        }
        byte[] zip = bytes.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(content);
        int central = 30 + name.length() + raw.length;
        for (int[] at : new int[][] {{8, 14, 22}, {central + 10, central + 16, central + 24}}) {
            zip[at[0]] = 8; // method: deflated
            putInt(zip, at[1], (int) crc.getValue());
            putInt(zip, at[2], content.length);
        }
        return zip;
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(content.length);
        e.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
