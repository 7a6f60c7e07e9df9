package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.safelight.format.container.ZipLimits;
import org.safelight.format.picsafe.PackageJson;
import org.safelight.format.picsafe.ReportKey;
import org.safelight.format.picsafe.ReportOpener;
import org.safelight.format.testing.SharedFiles;

/**
 * A report sealed in the page of a server that runs the keys role: the page learns its sealing key
 * server from config.json (this server, by default), the key server makes the report's key for the
 * signed-in sender (token exchange, as for fetching), and the sealed file opens with the key the
 * key server then gives out.
 */
class SealWithKeyServerBrowserTest extends BrowserTestBase {
    private static final String SEAL = """
            const [files, done] = arguments;
            const blob = (name, type) => new Blob([Uint8Array.from(atob(files[name]), c => c.charCodeAt(0))], {type});
            import('/app/static/seal.js').then(async m => {
              const profile = await (await import('/app/static/session.js')).authorizedFetch('/api/v1/accounts/me')
                .then(r => r.json());
              const keyServer = await m.composeKeyServer();
              const draft = {reportId: await m.newReportId(profile), createdAt: new Date(),
                patient: {firstName: 'Ada', lastName: 'Quill', birthDate: '', patientId: '', translator: '', guardian: ''},
                notes: '', location: '', consent: {type: 'verbal', levels: ['treatment'], file: blob('voice.m4a', 'audio/mp4')},
                items: [{type: 'photo', file: blob('photo-rotated.jpg', 'image/jpeg'), levels: ['treatment']}]};
              const r = await m.sealReport(draft, {profile, protection: {kind: 'keyserver', keyServer}});
              const bytes = new Uint8Array(await r.blob.arrayBuffer());
              let text = '';
              for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              done({keyServer, reportId: r.reportId, file: btoa(text)});
            }).catch(e => done({error: e.name + ' ' + e.code + ': ' + e.message}));
            """;

    @BeforeAll
    static void start() throws Exception {
        site = Site.start(dir.resolve("data"));
        site.confirmedUser("sealer@example.org", "Sam");
        openBrowser();
    }

    @Test
    @SuppressWarnings("unchecked")
    void a_report_sealed_in_the_page_gets_its_key_from_this_sites_key_server_and_opens_with_it() throws Exception {
        SignIn.as(browser, site, "sealer@example.org");
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : new String[] {"photo-rotated.jpg", "voice.m4a"}) {
            files.put(name, Base64.getEncoder().encodeToString(Files.readAllBytes(SharedFiles.media(name))));
        }

        Map<String, Object> r = (Map<String, Object>) browser.asyncScript(SEAL, files);

        assertThat(r.get("error")).isNull();
        assertThat(r.get("keyServer")).as("config.json names this server").isEqualTo(site.url);
        String reportId = (String) r.get("reportId");
        byte[] picsafe = Base64.getDecoder().decode((String) r.get("file"));
        PackageJson packageJson = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(picsafe))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("package.json")) {
                    packageJson = PackageJson.read(new ByteArrayInputStream(zip.readAllBytes()));
                }
            }
        }
        assertThat(packageJson.keyserverUrl()).isEqualTo(site.url);
        assertThat(packageJson.reportId()).isEqualTo(reportId);

        // The key the key server gives the sender now is the one the page sealed with.
        String scoped = site.keyServerToken(site.token("sealer@example.org"), site.url);
        String key = site.call("GET", "/api/v1/reports/" + reportId + "/key", scoped, null).path("key").asText();
        Path file = Files.write(dir.resolve(reportId + ".picsafe"), picsafe);
        ReportOpener.Opened opened = new ReportOpener(ZipLimits.REPORT, true)
                .open(file, new ReportKey.Password(key), dir.resolve("opened"));
        assertThat(opened.metadata().details().reportid()).isEqualTo(reportId);
        assertThat(opened.metadata().consent().type().wire()).isEqualTo("verbal");
        assertThat(opened.files()).contains("consent.m4a", "photo-1.jpg", "photo-1-thumbnail.jpg", "report.pdf");
    }
}
