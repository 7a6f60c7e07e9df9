package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The page code that opens large reports and saves them, run in Chromium under the application
 * page's policy: decryption in chunks (the same bytes as in one piece, progress to the total, and
 * a stop between chunks), the "Save all" ZIP (read back with java.util.zip), and the QR code.
 */
class ReportCodeBrowserTest extends AppPageBrowserTest {
    @Test
    void a_message_of_several_mib_decrypts_in_one_call_to_the_same_bytes_with_progress_up_to_its_total() {
        Object result = browser.asyncScript("""
                const done = arguments[0];
                import('/app/static/rncryptor.js').then(async m => {
                  const plain = new Uint8Array(9 * 1024 * 1024 + 5);
                  for (let i = 0; i < plain.length; i++) plain[i] = (i * 31 + (i >> 8)) & 0xff;
                  const keys = {encryptionKey: new Uint8Array(32).fill(1), hmacKey: new Uint8Array(32).fill(2)};
                  const sealed = await m.encrypt(plain, keys);
                  const seen = [];
                  const opened = await m.decrypt(sealed, keys, {onProgress: (phase, d, t) => seen.push(phase + ' ' + d + '/' + t)});
                  let same = opened.length === plain.length;
                  for (let i = 0; same && i < plain.length; i++) same = opened[i] === plain[i];
                  done([String(same), seen.filter(s => s.startsWith('decrypting')).length, seen[seen.length - 1],
                    String(sealed.length - 18 - 32)]);
                }, e => done(['import failed: ' + e]));
                """);
        @SuppressWarnings("unchecked")
        List<Object> r = (List<Object>) result;
        assertThat(r.get(0)).isEqualTo("true");
        assertThat(((Number) r.get(1)).intValue()).as("its start and its end: one WebCrypto call").isEqualTo(2);
        assertThat(r.get(2)).isEqualTo("decrypting " + r.get(3) + "/" + r.get(3));
    }

    @Test
    void a_failure_of_the_aes_call_other_than_bad_padding_stays_itself_and_the_page_does_not_call_the_report_altered() {
        Object result = browser.asyncScript("""
                const done = arguments[0];
                Promise.all([import('/app/static/rncryptor.js'), import('/app/static/picsafe.js')]).then(async ([m, p]) => {
                  const keys = {encryptionKey: new Uint8Array(32).fill(5), hmacKey: new Uint8Array(32).fill(6)};
                  const sealed = await m.encrypt(new Uint8Array(4096), keys);
                  const real = crypto.subtle.decrypt;
                  crypto.subtle.decrypt = () => Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
                  let seen;
                  try {
                    await m.decrypt(sealed, keys);
                    seen = 'finished';
                  } catch (e) {
                    seen = e;
                  } finally {
                    crypto.subtle.decrypt = real;
                  }
                  const again = await m.decrypt(sealed, keys); // unharmed: the real call back
                  done([seen.name || String(seen), p.unexpectedFailureText(seen), String(again.length)]);
                }, e => done(['import failed: ' + e]));
                """);
        @SuppressWarnings("unchecked")
        List<Object> r = (List<Object>) result;
        assertThat(r.get(0)).isEqualTo("QuotaExceededError");
        assertThat((String) r.get(1)).contains("ran out of memory or storage", "says nothing about whether the report is intact")
                .doesNotContain("altered");
        assertThat(r.get(2)).isEqualTo("4096");
    }

    @Test
    void decryption_cancelled_gives_nothing() {
        Object result = browser.asyncScript("""
                const done = arguments[0];
                import('/app/static/rncryptor.js').then(async m => {
                  const keys = {encryptionKey: new Uint8Array(32).fill(3), hmacKey: new Uint8Array(32).fill(4)};
                  const sealed = await m.encrypt(new Uint8Array(12 * 1024 * 1024), keys);
                  const stop = new AbortController();
                  const seen = [];
                  try {
                    await m.decrypt(sealed, keys, {signal: stop.signal, onProgress: (phase, d) => {
                      seen.push(phase);
                      if (phase === 'decrypting') stop.abort();
                    }});
                    done('finished');
                  } catch (e) {
                    done(e.name + ' after ' + seen.filter(p => p === 'decrypting').length);
                  }
                }, e => done('import failed: ' + e));
                """);
        assertThat(result).isEqualTo("AbortError after 1");
    }

    @Test
    void save_all_writes_a_zip_that_java_reads_back_entry_for_entry() throws Exception {
        String base64 = (String) browser.asyncScript("""
                const done = arguments[0];
                import('/app/static/zip-writer.js').then(async m => {
                  const text = s => new TextEncoder().encode(s);
                  const big = new Uint8Array(70000);
                  for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
                  const blob = m.zipBlob([['metadata.json', text('{"report":{}}')], ['wound1.jpg', big],
                    ['Pflegebericht-ü.txt', text('ä')], ['empty.txt', new Uint8Array(0)]]);
                  const bytes = new Uint8Array(await blob.arrayBuffer());
                  let s = '';
                  for (const b of bytes) s += String.fromCharCode(b);
                  done(btoa(s));
                }, e => done('import failed: ' + e));
                """);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)),
                StandardCharsets.UTF_8)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        assertThat(entries.keySet()).containsExactly("metadata.json", "wound1.jpg", "Pflegebericht-ü.txt", "empty.txt");
        assertThat(new String(entries.get("metadata.json"), StandardCharsets.UTF_8)).isEqualTo("{\"report\":{}}");
        byte[] big = entries.get("wound1.jpg");
        assertThat(big).hasSize(70000);
        for (int i = 0; i < big.length; i++) {
            assertThat(big[i] & 0xff).isEqualTo(i & 0xff);
        }
        assertThat(new String(entries.get("Pflegebericht-ü.txt"), StandardCharsets.UTF_8)).isEqualTo("ä");
        assertThat(entries.get("empty.txt")).isEmpty();
        // java.util.zip.ZipFile checks the central directory too.
        Path file = downloads.resolve("all.zip");
        java.nio.file.Files.write(file, Base64.getDecoder().decode(base64));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile(), StandardCharsets.UTF_8)) {
            assertThat(zip.size()).isEqualTo(4);
            assertThat(zip.getEntry("wound1.jpg").getCrc()).isNotZero();
        }
    }

    @Test
    void the_qr_code_of_a_share_link_is_drawn_from_the_vendored_library_without_markup() {
        Object modules = browser.asyncScript("""
                const done = arguments[0];
                import('/app/static/share-link.js').then(m => {
                  const svg = m.qrSvg('https://safelight.example.org/app/report/AU/abcdefghijklmnopqrstuv-R-20261127-0001');
                  done(svg.tagName + ' ' + svg.dataset.modules + ' ' + (svg.querySelector('path').getAttribute('d').length > 100));
                }, e => done('import failed: ' + e));
                """);
        assertThat(modules).as("version 5, level M: 37 modules a side").isEqualTo("svg 37 true");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    void the_other_files_get_their_links_once_the_first_photo_is_shown_or_when_clicked_before() {
        Object result = browser.asyncScript("""
                const done = arguments[0];
                Promise.all([import('/app/static/report-view.js'), import('/app/static/picsafe.js')]).then(async ([v, p]) => {
                  const stop = e => { if (e.target.closest?.('a')) e.preventDefault(); }; // no download for real
                  document.addEventListener('click', stop);
                  const hrefs = () => [...document.querySelectorAll('a.save-file')].map(a => a.getAttribute('href').slice(0, 5)).join();
                  // bytes no browser decodes: the photo's error counts as shown, as its load does
                  const metadata = p.parseMetadata({report: {media: [{mediaid: 'p1', type: 'photo'}, {mediaid: 'p2', type: 'photo'}]}});
                  const files = new Map([['p1.jpg', new Uint8Array([1, 2, 3])], ['p2.jpg', new Uint8Array([4, 5])],
                    ['metadata.json', new Uint8Array([123, 125])]]);
                  const view = v.reportView({reportId: 'R', metadata, files, encrypted: true}, {});
                  document.body.append(view.node);
                  const before = hrefs();
                  document.querySelector('a.save-file[data-name="metadata.json"]').click();
                  const clicked = hrefs();
                  const deadline = Date.now() + 10000;
                  while (hrefs().includes('#') && Date.now() < deadline) await new Promise(r => setTimeout(r, 10));
                  const after = hrefs();
                  const prints = [...document.querySelectorAll('.print-photos img')].filter(i => i.src.startsWith('blob:')).length;
                  view.dispose();
                  document.removeEventListener('click', stop);
                  done([before, clicked, after, String(prints)]);
                }).catch(e => done(['failed: ' + e]));
                """);
        assertThat(result).isEqualTo(List.of("#,#,#", "#,#,blob:", "blob:,blob:,blob:", "2"));
    }
}
