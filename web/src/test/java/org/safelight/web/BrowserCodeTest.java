package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.safelight.format.testing.HostileZips;
import org.safelight.format.testing.RNCryptorVectors;
import org.junit.jupiter.api.Test;
import org.safelight.format.testing.Bytes;

/**
 * My Safelight's own crypto and ZIP code, run in Chromium on the application page (under its
 * Content-Security-Policy): every official RNCryptor v3 vector, and the ZIP safety rules.
 */
class BrowserCodeTest extends AppPageBrowserTest {
    private static final String RUN_VECTORS = """
            const [file, vectors, done] = arguments;
            Promise.all([import('/app/static/rncryptor.js'), import('/app/static/rncryptor-stream.js')]).then(async ([m, stream]) => {
              const hex = s => Uint8Array.from((s.replace(/\\s+/g, '').match(/../g) || []).map(b => parseInt(b, 16)));
              const toHex = b => Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
              const out = [];
              for (const v of vectors) {
                try {
                  if (file === 'kdf') {
                    const key = toHex(await m.deriveKey(v.password, hex(v.salt_hex)));
                    out.push(key === toHex(hex(v.key_hex)) ? 'ok' : 'wrong key ' + key);
                    continue;
                  }
                  const secret = file === 'password' ? {password: v.password}
                    : {encryptionKey: hex(v.enc_key_hex), hmacKey: hex(v.hmac_key_hex)};
                  const params = {iv: hex(v.iv_hex)};
                  if (file === 'password') { params.encSalt = hex(v.enc_salt_hex); params.hmacSalt = hex(v.hmac_salt_hex); }
                  const expected = toHex(hex(v.ciphertext_hex));
                  const sealed = toHex(await m.encrypt(hex(v.plaintext_hex || ''), secret, params));
                  const opened = toHex(await m.decrypt(hex(v.ciphertext_hex), secret));
                  // password vectors also in chunks of one block, fed a byte at a time (opening a large report)
                  async function* bytewise(b) { for (let i = 0; i < b.length; i++) yield b.slice(i, i + 1); }
                  const c = hex(v.ciphertext_hex);
                  const chunked = file !== 'password' ? opened
                    : toHex(new Uint8Array(await (await stream.decryptPieces(() => bytewise(c), c.length, v.password, {chunkSize: 16})).arrayBuffer()));
                  const altered = hex(v.ciphertext_hex);
                  altered[altered.length - 40] ^= 1;
                  let refused = 'accepted altered data';
                  try { await m.decrypt(altered, secret); } catch (e) { refused = e.name; }
                  out.push(sealed !== expected ? 'encrypts to ' + sealed
                    : opened !== toHex(hex(v.plaintext_hex || '')) ? 'decrypts to ' + opened
                    : chunked !== opened ? 'decrypts in chunks to ' + chunked
                    : refused !== 'IntegrityError' ? refused : 'ok');
                } catch (e) {
                  out.push('threw ' + e);
                }
              }
              done(out);
            }, e => done(['import failed: ' + e]));
            """;

    @Test
    void the_browser_rncryptor_passes_every_official_v3_vector() throws IOException {
        int total = 0;
        for (String file : List.of("password", "key", "kdf")) {
            List<Map<String, String>> vectors = RNCryptorVectors.load(file);
            assertThat(vectors).as(file).isNotEmpty();
            @SuppressWarnings("unchecked")
            List<String> results = (List<String>) browser.asyncScript(RUN_VECTORS, file, vectors);
            assertThat(results).as(file).hasSize(vectors.size());
            for (int i = 0; i < vectors.size(); i++) {
                assertThat(results.get(i)).as(file + ": " + vectors.get(i).get("title")).isEqualTo("ok");
            }
            total += vectors.size();
        }
        assertThat(total).as("v3 vectors in the three files").isGreaterThanOrEqualTo(16);
    }

    /** Reads every entry both ways: from bytes in memory, and from a Blob (a chosen File) as Blobs; they must agree. */
    private static final String OPEN_ZIP = """
            const [base64, done] = arguments;
            import('/app/static/zip.js').then(async m => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const run = async (source, get) => {
                try {
                  const zip = await m.openZip(source);
                  const parts = [];
                  for (const name of zip.names()) parts.push(name + '=' + new TextDecoder().decode(await get(zip, name)).length);
                  return 'ok ' + parts.join(',');
                } catch (e) {
                  return e.name + ': ' + e.message;
                }
              };
              const inMemory = await run(bytes, (zip, name) => zip.read(name));
              const fromBlob = await run(new Blob([bytes]), async (zip, name) => new Uint8Array(await (await zip.blob(name)).arrayBuffer()));
              done(inMemory === fromBlob ? inMemory : 'differs: ' + inMemory + ' | ' + fromBlob);
            }, e => done('import failed: ' + e));
            """;

    private static String open(byte[] zip) {
        return (String) browser.asyncScript(OPEN_ZIP, Base64.getEncoder().encodeToString(zip));
    }

    @Test
    void a_safe_zip_reads_stored_and_deflated_entries() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("metadata.json"));
            zip.write("{\"report\": {}}".repeat(100).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            byte[] stored = "stored bytes".getBytes(StandardCharsets.UTF_8);
            ZipEntry entry = new ZipEntry("folder/stored.txt");
            entry.setMethod(ZipEntry.STORED);
            entry.setSize(stored.length);
            CRC32 crc = new CRC32();
            crc.update(stored);
            entry.setCrc(crc.getValue());
            zip.putNextEntry(entry);
            zip.write(stored);
            zip.closeEntry();
        }
        assertThat(open(bytes.toByteArray())).isEqualTo("ok metadata.json=1400,folder/stored.txt=12");
    }

    @Test
    void an_entry_deflated_into_stored_blocks_reads_as_inflated_and_a_damaged_block_is_refused() throws IOException {
        // what the sealer writes for media: deflate at level 0, stored blocks of up to 64 KiB between 5-byte headers
        byte[] content = new byte[200_000];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) ('a' + random.nextInt(26));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
            zip.putNextEntry(new ZipEntry("video.m4v"));
            zip.write(content);
            zip.closeEntry();
        }
        byte[] zip = bytes.toByteArray();
        assertThat(open(zip)).isEqualTo("ok video.m4v=200000");
        byte[] damaged = zip.clone();
        damaged[30 + "video.m4v".length() + 3] ^= 1; // the first block's NLEN
        assertThat(open(damaged)).isEqualTo("UnsafeZipError: entry 'video.m4v' is damaged");
        byte[] flipped = zip.clone();
        flipped[zip.length / 2] ^= 1; // a byte of data: the CRC
        assertThat(open(flipped)).isEqualTo("UnsafeZipError: entry 'video.m4v' is damaged (CRC mismatch)");
    }

    @Test
    void an_entry_of_stored_blocks_then_compressed_ones_reads_whole_the_same_twice() throws IOException {
        // read whole, its stored blocks are squeezed in place until a compressed block says to inflate instead:
        // the archive's own bytes must be untouched by that (a second reading gives the same)
        byte[] content = new byte[300_000];
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) ('a' + random.nextInt(4));
        }
        // two stored blocks (not final) by hand, then a compressed stream of the rest (it ends with the final block)
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int at = 0; at < 100_000; at += 50_000) {
            raw.write(new byte[] {0, (byte) 50_000, (byte) (50_000 >> 8), (byte) ~50_000, (byte) (~50_000 >> 8)});
            raw.write(content, at, 50_000);
        }
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
        deflater.setInput(content, 100_000, content.length - 100_000);
        deflater.finish();
        byte[] out = new byte[65536];
        while (!deflater.finished()) {
            raw.write(out, 0, deflater.deflate(out));
        }
        deflater.end();
        assertThat(raw.size()).as("the second half compressed").isLessThan(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        byte[] zip = deflatedZip("mixed.bin", raw.toByteArray(), content.length, (int) crc.getValue());
        String twice = (String) browser.asyncScript("""
                const [base64, done] = arguments;
                import('/app/static/zip.js').then(async m => {
                  const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                  const zip = await m.openZip(bytes);
                  const first = await zip.read('mixed.bin');
                  const second = await zip.read('mixed.bin');
                  done(first.length + ' ' + m.crc32(first) + ' ' + second.length + ' ' + m.crc32(second));
                }).catch(e => done('failed: ' + e));
                """, Base64.getEncoder().encodeToString(zip));
        long expected = crc.getValue();
        assertThat(twice).isEqualTo(content.length + " " + expected + " " + content.length + " " + expected);
        assertThat(open(zip)).isEqualTo("ok mixed.bin=300000");
    }

    @Test
    void an_entry_of_thousands_of_tiny_stored_blocks_is_refused_when_read_from_a_blob() {
        // deflate at level 0 flushed after every byte: a 1-byte stored block (and an empty one) per byte
        byte[] content = new byte[4096];
        java.util.Arrays.fill(content, (byte) 'x');
        java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.NO_COMPRESSION, true);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        byte[] out = new byte[64];
        for (int i = 0; i < content.length; i++) {
            deflater.setInput(content, i, 1);
            for (int n; (n = deflater.deflate(out, 0, out.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0; ) {
                raw.write(out, 0, n);
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            raw.write(out, 0, deflater.deflate(out));
        }
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(content);
        byte[] zip = deflatedZip("video.m4v", raw.toByteArray(), content.length, (int) crc.getValue());
        // in memory it is inflated natively (no slices to make), so only the Blob path refuses it
        assertThat(open(zip)).isEqualTo("differs: ok video.m4v=4096 | UnsafeZipError: entry 'video.m4v' is damaged (too many stored blocks)");
    }

    @Test
    void a_deflated_entry_far_longer_than_its_stated_size_is_refused_without_being_read_whole() {
        // 4 MiB of stored blocks stating 1,000 bytes: stored-block framing cannot make it that long, so
        // it must be streamed (and refused at its first bytes past 1,000), not read into one array first
        int block = 65_535;
        int blocks = 64;
        ByteBuffer raw = ByteBuffer.allocate(blocks * (5 + block));
        for (int i = 0; i < blocks; i++) {
            raw.put(new byte[] {(byte) (i == blocks - 1 ? 1 : 0), (byte) block, (byte) (block >> 8), (byte) ~block, (byte) (~block >> 8)});
            raw.position(raw.position() + block);
        }
        byte[] zip = deflatedZip("big.bin", raw.array(), 1000, 0);
        String result = (String) browser.asyncScript("""
                const [base64, done] = arguments;
                import('/app/static/zip.js').then(async m => {
                  const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                  let read = 0; // bytes the archive asked for in one arrayBuffer() read
                  class Counting extends Blob {
                    slice(...args) {
                      const part = super.slice(...args);
                      const whole = part.arrayBuffer.bind(part);
                      part.arrayBuffer = () => { read += part.size; return whole(); };
                      return part;
                    }
                  }
                  const refusal = async source => {
                    try {
                      await (await m.openZip(source)).read('big.bin');
                      return 'read';
                    } catch (e) {
                      return e.name + ': ' + e.message;
                    }
                  };
                  const fromBlob = await refusal(new Counting([bytes]));
                  done(fromBlob + ' | ' + (read < 1024 * 1024 ? 'read little' : 'read ' + read) + ' | ' + await refusal(bytes));
                }, e => done('import failed: ' + e));
                """, Base64.getEncoder().encodeToString(zip));
        String refused = "UnsafeZipError: entry 'big.bin' inflates past its stated size";
        assertThat(result).isEqualTo(refused + " | read little | " + refused);
    }

    /** A ZIP of one entry whose deflated data is given as it is. */
    private static byte[] deflatedZip(String name, byte[] data, int size, int crc) {
        byte[] rawName = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(30 + 46 + 22 + 2 * rawName.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putShort((short) 0).putShort((short) 33)
                .putInt(crc).putInt(data.length).putInt(size).putShort((short) rawName.length).putShort((short) 0).put(rawName).put(data);
        int directory = b.position();
        b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8).putShort((short) 0)
                .putShort((short) 33).putInt(crc).putInt(data.length).putInt(size).putShort((short) rawName.length)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(rawName);
        int directorySize = b.position() - directory;
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(directorySize).putInt(directory).putShort((short) 0);
        return b.array();
    }

    @Test
    void unsafe_names_are_refused() throws IOException {
        assertThat(open(zip("../evil.txt"))).startsWith("UnsafeZipError").contains("'..'");
        assertThat(open(zip("/etc/passwd"))).startsWith("UnsafeZipError").contains("absolute");
        assertThat(open(zip("a\\b.txt"))).startsWith("UnsafeZipError").contains("backslash");
        assertThat(open(zip("C:evil.txt"))).startsWith("UnsafeZipError").contains("drive letter");
        assertThat(open(zip("Photo.jpg", "photo.jpg"))).startsWith("UnsafeZipError").contains("appears twice");
    }

    @Test
    void a_path_that_is_both_a_file_and_a_folder_or_a_segment_over_255_bytes_is_refused_as_in_java() throws IOException {
        for (String[] names : new String[][] {{"a", "a/b"}, {"a/b", "a"}, {"A", "a/b"}, {"x/a/b/c", "X/A"}}) {
            assertThat(open(zip(names))).as(String.join(", ", names))
                    .startsWith("UnsafeZipError").contains("both a file and a folder");
        }
        assertThat(open(zip("media/a.jpg", "Media/b.jpg", "media-a", "a"))).startsWith("ok");
        assertThat(open(zip("\u5831".repeat(255)))).startsWith("UnsafeZipError").contains("longer than 255 bytes");
        assertThat(open(zip("media/" + "\u5831".repeat(86)))).startsWith("UnsafeZipError").contains("255 bytes");
        assertThat(open(zip("media/" + "\u5831".repeat(85)))).startsWith("ok");
    }

    @Test
    void too_many_entries_a_zip_bomb_damage_and_non_zips_are_refused() throws IOException {
        String[] many = new String[1001];
        for (int i = 0; i < many.length; i++) {
            many[i] = "f" + i;
        }
        assertThat(open(zip(many))).isEqualTo("UnsafeZipError: more than 1000 entries");

        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bomb)) {
            zip.putNextEntry(new ZipEntry("zeros.bin"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        assertThat(open(bomb.toByteArray())).startsWith("UnsafeZipError").contains("ZIP bomb");

        byte[] damaged = zip("report.pdf");
        int at = indexOf(damaged, "content of report.pdf".getBytes(StandardCharsets.UTF_8));
        damaged[at] ^= 1;
        assertThat(open(damaged)).startsWith("UnsafeZipError").contains("damaged");

        assertThat(open("just some text, not a ZIP at all".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("UnsafeZipError: not a ZIP archive");
    }

    @Test
    void one_reading_split_views_gaps_appended_bytes_and_non_utf8_names_are_refused() throws IOException {
        // The same hostile files the Java reader refuses (OneReadingTest): zip.js must agree.
        byte[] a = org.safelight.format.testing.Zips.create().add("package.json", "{\"keyserver_url\":\"https://a\"}")
                .add("package.encrypted", "x".repeat(5000)).bytes();
        byte[] b = org.safelight.format.testing.Zips.create().add("package.json", "{\"keyserver_url\":\"https://b\"}")
                .add("package.encrypted", "y".repeat(5000)).bytes();
        assertThat(open(a)).isEqualTo("ok package.json=29,package.encrypted=5000");
        assertThat(open(HostileZips.splitView(a, b))).startsWith("UnsafeZipError").contains("unexpected bytes at offset 0");
        assertThat(open(HostileZips.appended(a, b))).startsWith("UnsafeZipError").contains("unexpected bytes");
        assertThat(open(HostileZips.appended(a, new byte[1]))).startsWith("UnsafeZipError").contains("follows the end");
        assertThat(open(HostileZips.gapBeforeDirectory(a, "gap".getBytes(StandardCharsets.UTF_8))))
                .startsWith("UnsafeZipError").contains("before the central directory");
        assertThat(open(HostileZips.gapAfterFirstEntry(a, "gap".getBytes(StandardCharsets.UTF_8))))
                .startsWith("UnsafeZipError").contains("unexpected bytes");
        assertThat(open(HostileZips.withInvalidUtf8Name(a, "package.json"))).startsWith("UnsafeZipError")
                .contains("not valid UTF-8");
        ByteArrayOutputStream commented = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(commented)) {
            zip.setComment("PK\u0005\u0006 a second end record could hide here");
            zip.putNextEntry(new ZipEntry("a.txt"));
            zip.closeEntry();
        }
        assertThat(open(commented.toByteArray())).startsWith("UnsafeZipError").contains("comment");
        byte[] crcInDirectory = a.clone();
        ByteBuffer view = ByteBuffer.wrap(crcInDirectory).order(ByteOrder.LITTLE_ENDIAN);
        int directory = view.getInt(crcInDirectory.length - 22 + 16);
        view.putInt(directory + 16, view.getInt(directory + 16) ^ 1);
        assertThat(open(crcInDirectory)).startsWith("UnsafeZipError").contains("package.json");
    }

    @Test
    void a_zip_streamed_with_zip64_descriptors_is_read() {
        // `echo hello | zip - - | cat` (Info-ZIP): ZIP64 local field, 8-byte data descriptor, ZIP64 end record
        byte[] zip = java.util.HexFormat.of().parseHex("504b03042d000800080040877b5d00000000ffffffffffffffff01001400"
                + "2d0100100000000000000000000000000000000000cb48cdc9c9e70200504b070820303a3608000000000000000600"
                + "000000000000504b01021e032d000800080040877b5d20303a36080000000600000001000000000000000100000080"
                + "11000000002d504b050600000000010001002f000000530000000000");
        assertThat(open(zip)).isEqualTo("ok -=6");
    }

    @Test
    void entries_whose_data_overlap_are_refused() {
        // "a.txt" stores, as its data, the local header and data of "b.txt": the trick of
        // overlapping ZIP bombs, where one compressed kernel is counted for many entries.
        byte[] inner = local("b.txt", "content of b.txt".getBytes(StandardCharsets.UTF_8));
        byte[] outer = local("a.txt", inner);
        ByteBuffer zip = ByteBuffer.allocate(outer.length + 2 * (46 + 5) + 22).order(ByteOrder.LITTLE_ENDIAN);
        zip.put(outer);
        int directory = zip.position();
        zip.put(central("a.txt", inner, 0));
        zip.put(central("b.txt", "content of b.txt".getBytes(StandardCharsets.UTF_8), outer.length - inner.length));
        int directorySize = zip.position() - directory;
        zip.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 2).putShort((short) 2)
                .putInt(directorySize).putInt(directory).putShort((short) 0);
        assertThat(open(zip.array())).startsWith("UnsafeZipError").contains("overlap");
    }

    private static byte[] local(String name, byte[] data) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(30 + n.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0)
                .putInt((int) crc(data)).putInt(data.length).putInt(data.length).putShort((short) n.length).putShort((short) 0)
                .put(n).put(data).array();
    }

    private static byte[] central(String name, byte[] data, int localOffset) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(46 + n.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0).putInt(0)
                .putInt((int) crc(data)).putInt(data.length).putInt(data.length).putShort((short) n.length).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(localOffset).put(n).array();
    }

    private static long crc(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    /** A ZIP of stored entries with these names, each holding "content of NAME". */
    private static byte[] zip(String... names) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : names) {
                byte[] content = ("content of " + name).getBytes(StandardCharsets.UTF_8);
                ZipEntry entry = new ZipEntry(name);
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(content.length);
                CRC32 crc = new CRC32();
                crc.update(content);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        int at = Bytes.indexOf(haystack, needle);
        if (at < 0) {
            throw new AssertionError("not found");
        }
        return at;
    }
}
