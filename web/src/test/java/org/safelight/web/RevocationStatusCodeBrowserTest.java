package org.safelight.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which key servers keys.js asks whether a report is revoked, run in Chromium against a recording
 * fetch: this site's config lists a partner key server that says every report is revoked.
 */
class RevocationStatusCodeBrowserTest extends AppPageBrowserTest {
    private static final String PARTNER = "https://keys.partner.example";

    /**
     * Runs {@code call} (an expression using {@code m}, a fresh keys.js) with fetch recording each
     * request; the own origin knows "r-own" (open), the partner calls everything revoked.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> run(String call) {
        return (Map<String, Object>) browser.asyncScript("""
                const done = arguments[0];
                const asked = [];
                const real = window.fetch;
                const json = body => new Response(JSON.stringify(body), {status: 200, headers: {'Content-Type': 'application/json'}});
                window.fetch = async (url, init = {}) => {
                  const u = new URL(url, location.href);
                  if (u.pathname === '/app/config.json') return json({key_servers: ['%s']});
                  const ids = init.body ? JSON.parse(init.body).report_ids : null;
                  asked.push((init.method || 'GET') + ' ' + u.origin + u.pathname + (ids ? ' ' + ids.length : ''));
                  const partner = u.origin === '%s';
                  if (ids) return json({reports: ids.filter(id => partner || id === 'r-own')
                      .map(id => partner ? {report_id: id, revoked: true, revoked_at: '2026-11-27T14:05:00Z'}
                                         : {report_id: id, revoked: false})});
                  if (partner) return json({report_id: 'x', revoked: true, revoked_at: '2026-11-27T14:05:00Z'});
                  if (u.pathname.includes('/r-own/')) return json({report_id: 'r-own', revoked: false});
                  return new Response('{"error":"unknown_report"}', {status: 404});
                };
                import('/app/static/keys.js?fresh=' + Math.random()).then(async m => {
                  try {
                    const result = await (%s);
                    done({asked, result: JSON.stringify(result instanceof Map ? Object.fromEntries(result) : result)});
                  } catch (e) {
                    done({asked, result: 'failed: ' + e});
                  } finally {
                    window.fetch = real;
                  }
                }, e => done({asked, result: 'import failed: ' + e}));
                """.formatted(PARTNER, PARTNER, call));
    }

    @Test
    void a_report_naming_no_key_server_is_asked_only_of_this_sites_own_key_server() {
        Map<String, Object> unknownHere = run("m.revocationStatus('r-elsewhere', null)");
        Map<String, Object> knownHere = run("m.revocationStatus('r-own', undefined)");

        assertThat(asked(unknownHere))
                .containsExactly("GET " + server.url() + "/api/v1/reports/r-elsewhere/status");
        assertThat(unknownHere.get("result")).as("the partner may not call it revoked").isEqualTo("null");
        assertThat(knownHere.get("result")).isEqualTo("{\"revoked\":false}");
    }

    @Test
    void a_report_naming_a_trusted_key_server_is_asked_of_that_one() {
        Map<String, Object> r = run("m.revocationStatus('r-1', '" + PARTNER + "/some/path')");

        assertThat(asked(r)).containsExactly("GET " + PARTNER + "/api/v1/reports/r-1/status");
        assertThat(r.get("result")).isEqualTo("{\"revoked\":true,\"revokedAt\":\"2026-11-27T14:05:00Z\"}");
    }

    @Test
    void a_list_is_asked_in_one_batch_per_key_server_per_hundred_reports_and_only_of_trusted_ones() {
        Map<String, Object> r = run("""
                m.revocationStatuses([
                  ...Array.from({length: 150}, (_, i) => ({report_id: 'p-' + i, keyserver_url: '%s'})),
                  {report_id: 'r-own', keyserver_url: location.origin},
                  {report_id: 'r-none', keyserver_url: location.origin + '/'},
                  {report_id: 'r-stranger', keyserver_url: 'https://keys.stranger.example'}])
                  .then(map => ({size: map.size, own: map.get('r-own'), none: map.get('r-none'),
                    partner: map.get('p-149'), stranger: map.has('r-stranger')}))""".formatted(PARTNER));

        assertThat(asked(r)).containsExactlyInAnyOrder(
                "POST " + PARTNER + "/api/v1/reports/status 100",
                "POST " + PARTNER + "/api/v1/reports/status 50",
                "POST " + server.url() + "/api/v1/reports/status 2");
        assertThat(r.get("result")).isEqualTo("{\"size\":152,\"own\":{\"revoked\":false},\"none\":{\"revoked\":false},"
                + "\"partner\":{\"revoked\":true,\"revokedAt\":\"2026-11-27T14:05:00Z\"},\"stranger\":false}");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asked(Map<String, Object> run) {
        return (List<Object>) run.get("asked");
    }
}
