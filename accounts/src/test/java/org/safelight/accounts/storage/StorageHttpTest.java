package org.safelight.accounts.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.safelight.accounts.testing.AccountsServer;
import org.safelight.accounts.testing.SealedFiles;
import org.safelight.client.storage.StorageApp;
import org.safelight.client.storage.StorageProvider;
import org.safelight.client.storage.testing.BrowserSide;
import org.safelight.client.storage.testing.FakeBox;
import org.safelight.client.storage.testing.FakeDropbox;
import org.safelight.client.storage.testing.FakeService;
import org.safelight.server.db.Database;
import org.safelight.server.testing.EachDatabase;

/** Box and Dropbox through the accounts routes, against the fakes, on both databases. */
class StorageHttpTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PRO = "dr@hospital.org";
    private static final String FREE = "someone@gmail.com";

    record Rig(AccountsServer accounts, FakeBox box, FakeDropbox dropbox) implements AutoCloseable {
        FakeService fake(StorageProvider p) {
            return p == StorageProvider.BOX ? box : dropbox;
        }

        @Override
        public void close() {
            accounts.close();
            box.close();
            dropbox.close();
        }
    }

    static Rig rig(Database db, boolean withBox, boolean allowPlain) {
        return rig(db, withBox, allowPlain, StorageSettings.MAX_UPLOAD, StorageSettings.UPLOADS_PER_HOUR);
    }

    static Rig rig(Database db, boolean withBox, boolean allowPlain, long maxBytes, int perHour) {
        FakeBox box = new FakeBox();
        FakeDropbox dropbox = new FakeDropbox();
        Map<StorageProvider, StorageApp> apps = withBox
                ? Map.of(StorageProvider.BOX, box.app(), StorageProvider.DROPBOX, dropbox.app())
                : Map.of(StorageProvider.DROPBOX, dropbox.app());
        AccountsServer accounts = AccountsServer.startOn(db, new StorageSettings(apps, allowPlain, 3000)
                .withLimits(maxBytes, perHour));
        accounts.stores.enterprises().create("Hospital", "it@hospital.org", List.of("hospital.org"), List.of());
        return new Rig(accounts, box, dropbox);
    }

    static String path(StorageProvider p, String tail) {
        return StorageHandlers.PREFIX + "/" + p.code() + tail;
    }

    /** The browser's part: start, authorize at the service, finish with the code and the verifier. */
    static HttpResponse<String> connect(Rig rig, StorageProvider p, String token) {
        HttpResponse<String> start = rig.accounts().post(path(p, "/connect"), "{}", token);
        if (start.statusCode() != 200) {
            return start;
        }
        Authorized a = authorize(rig, start);
        return finish(rig, p, token, a.code(), a.verifier(), a.state(), a.redirect());
    }

    record Authorized(String code, String verifier, String state, String redirect) {
    }

    /** What the browser gets from the service with the server's start: the code, its verifier, the state. */
    static Authorized authorize(Rig rig, HttpResponse<String> start) {
        JsonNode s = AccountsServer.json(start);
        String redirect = s.get("redirect_uri").asText();
        assertThat(redirect).isEqualTo(rig.accounts().base + "/app/");
        BrowserSide browser = new BrowserSide(s.get("state").asText());
        Map<String, String> params = new java.util.HashMap<>();
        s.get("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        try {
            String code = browser.code(browser.authorizeUrl(s.get("authorize_endpoint").asText(),
                    s.get("client_id").asText(), redirect, params));
            return new Authorized(code, browser.verifier, browser.state, redirect);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static HttpResponse<String> finish(Rig rig, StorageProvider p, String token, String code, String verifier,
            String state, String redirect) {
        return rig.accounts().post(path(p, "/finish"), "{\"code\":\"" + code + "\",\"code_verifier\":\""
                + verifier + "\",\"redirect_uri\":\"" + redirect + "\",\"state\":\"" + state + "\"}", token);
    }

    static HttpResponse<String> send(Rig rig, StorageProvider p, String token, String reportId, byte[] file,
            boolean plain) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(rig.accounts().base + path(p, "/reports?report_id="
                            + reportId + (plain ? "&plain=true" : ""))))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(file)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final String KEYS = "https://keys.hospital.example";
    private static final Map<String, byte[]> SEALED = new java.util.concurrent.ConcurrentHashMap<>();

    /** The report {@code id} sealed (the same bytes every time in a run, so the fakes' copies compare). */
    static byte[] sealed(String id, int photoBytes) {
        return SEALED.computeIfAbsent(id + "/" + photoBytes, k -> SealedFiles.sealed(id, KEYS, photoBytes));
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static JsonNode service(Rig rig, String token, StorageProvider p) {
        for (JsonNode s : AccountsServer.json(rig.accounts().get(StorageHandlers.PREFIX, token)).get("services")) {
            if (s.get("provider").asText().equals(p.code())) {
                return s;
            }
        }
        throw new AssertionError("no " + p);
    }

    @EachDatabase
    void a_pro_user_connects_with_pkce_sends_sealed_reports_and_the_tokens_are_sealed_at_rest(Database db)
            throws Exception {
        try (Rig rig = rig(db, true, false)) {
            rig.accounts().signUpVerified(PRO);
            String token = rig.accounts().accessToken(PRO);
            for (StorageProvider p : StorageProvider.values()) {
                assertThat(service(rig, token, p).get("allowed").asBoolean()).isTrue();
                assertThat(service(rig, token, p).get("connected").asBoolean()).isFalse();
                HttpResponse<String> finish = connect(rig, p, token);
                assertThat(finish.statusCode()).as(finish.body()).isEqualTo(200);
                assertThat(rig.fake(p).count("code_exchanged")).isEqualTo(1);
                assertThat(service(rig, token, p).get("connected").asBoolean()).isTrue();
                assertThat(service(rig, token, p).get("plain_allowed").asBoolean()).isFalse();

                HttpResponse<String> small = send(rig, p, token, "R-small", sealed("R-small", 100), false);
                assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
                assertThat(AccountsServer.json(small).get("path").asText()).endsWith("/R-small.picsafe");
                HttpResponse<String> large = send(rig, p, token, "R-large", sealed("R-large", 5000), false);
                assertThat(large.statusCode()).as(large.body()).isEqualTo(200);
                assertThat(rig.fake(p).count("session_started")).isEqualTo(1);
            }
            assertThat(rig.box().file("Safelight", "R-small.picsafe")).isEqualTo(sealed("R-small", 100));
            assertThat(rig.box().file("Safelight", "R-large.picsafe")).isEqualTo(sealed("R-large", 5000));
            assertThat(rig.box().count("folder_created")).isEqualTo(1);
            assertThat(rig.dropbox().file("/R-small.picsafe")).isEqualTo(sealed("R-small", 100));
            assertThat(rig.dropbox().file("/R-large.picsafe")).isEqualTo(sealed("R-large", 5000));

            // The sends are on the user's list, without a recipient.
            JsonNode reports = AccountsServer.json(rig.accounts().get("/api/v1/accounts/me/reports", token));
            assertThat(reports.toString()).contains("\"channel\":\"box\"").contains("\"channel\":\"dropbox\"");

            // What the database holds opens nothing: no token handed out appears in any row.
            List<String> rows = db.jdbi().withHandle(h -> h.createQuery(
                    "SELECT sealed_tokens FROM storage_connections").mapTo(String.class).list());
            assertThat(rows).hasSize(2);
            String userId = rig.accounts().stores.users().findByEmail(PRO).orElseThrow().id();
            for (StorageProvider p : StorageProvider.values()) {
                var held = rig.accounts().connections.tokens(userId, p).orElseThrow();
                assertThat(rig.fake(p).oauth().handedOut(held.accessToken())).isTrue();
                assertThat(rows).allSatisfy(r -> assertThat(r).doesNotContain(held.accessToken())
                        .doesNotContain(held.refreshToken()));
            }
        }
    }

    @EachDatabase
    void an_expired_token_is_refreshed_and_kept_and_a_revoked_one_means_connect_again(Database db) {
        try (Rig rig = rig(db, true, false)) {
            rig.accounts().signUpVerified(PRO);
            String token = rig.accounts().accessToken(PRO);
            for (StorageProvider p : StorageProvider.values()) {
                assertThat(connect(rig, p, token).statusCode()).isEqualTo(200);
                rig.fake(p).oauth().expireAccessTokens();
                assertThat(send(rig, p, token, "R1", sealed("R1", 100), false).statusCode()).isEqualTo(200);
                assertThat(rig.fake(p).count("refreshed")).isEqualTo(1);
                // The refreshed token was kept: the next send needs no refresh.
                assertThat(send(rig, p, token, "R2", sealed("R2", 100), false).statusCode()).isEqualTo(200);
                assertThat(rig.fake(p).count("refreshed")).isEqualTo(1);

                rig.fake(p).oauth().revokeEverything();
                HttpResponse<String> refused = send(rig, p, token, "R3", sealed("R3", 100), false);
                assertThat(refused.statusCode()).isEqualTo(409);
                assertThat(AccountsServer.json(refused).get("error").asText()).isEqualTo("storage_not_connected");
                assertThat(service(rig, token, p).get("connected").asBoolean()).isFalse();
            }
        }
    }

    @EachDatabase
    void during_a_master_key_rotation_connecting_and_sending_answer_503_before_using_anything_up(Database db) {
        try (Rig rig = rig(db, true, false)) {
            rig.accounts().signUpVerified(PRO);
            String token = rig.accounts().accessToken(PRO);
            assertThat(connect(rig, StorageProvider.DROPBOX, token).statusCode()).isEqualTo(200);

            rig.accounts().refuseSealing("a master key rotation is under way");

            HttpResponse<String> start = rig.accounts().post(path(StorageProvider.BOX, "/connect"), "{}", token);
            Authorized a = authorize(rig, start);
            HttpResponse<String> finish = finish(rig, StorageProvider.BOX, token, a.code(), a.verifier(), a.state(),
                    a.redirect());
            assertThat(finish.statusCode()).as(finish.body()).isEqualTo(503);
            assertThat(finish.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(AccountsServer.json(finish).get("error").asText()).isEqualTo("server_busy");
            assertThat(rig.box().count("code_exchanged")).as("the code is not spent on tokens that cannot be kept")
                    .isZero();

            // A send could be handed single-use tokens by a refresh: not started either.
            HttpResponse<String> sent = send(rig, StorageProvider.DROPBOX, token, "R", sealed("R", 10), false);
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(503);
            assertThat(AccountsServer.json(sent).get("error").asText()).isEqualTo("server_busy");
            assertThat(rig.dropbox().fileCount()).isZero();
        }
    }

    @EachDatabase
    void without_pro_unconfigured_disconnected_down_or_plain_the_send_is_refused_with_its_reason(Database db) {
        try (Rig rig = rig(db, false, false)) {
            rig.accounts().signUpVerified(FREE);
            String free = rig.accounts().accessToken(FREE);
            JsonNode why = service(rig, free, StorageProvider.DROPBOX);
            assertThat(why.get("allowed").asBoolean()).isFalse();
            assertThat(why.get("why").asText()).contains("PRO");
            HttpResponse<String> notPro = connect(rig, StorageProvider.DROPBOX, free);
            assertThat(notPro.statusCode()).isEqualTo(403);
            assertThat(AccountsServer.json(notPro).get("error").asText()).isEqualTo("pro_required");
            assertThat(send(rig, StorageProvider.DROPBOX, free, "R", sealed("R", 10), false).statusCode()).isEqualTo(403);

            rig.accounts().signUpVerified(PRO);
            String pro = rig.accounts().accessToken(PRO);
            assertThat(service(rig, pro, StorageProvider.BOX).get("configured").asBoolean()).isFalse();
            HttpResponse<String> box = connect(rig, StorageProvider.BOX, pro);
            assertThat(box.statusCode()).isEqualTo(409);
            assertThat(AccountsServer.json(box).get("error").asText()).isEqualTo("not_configured");

            HttpResponse<String> unconnected = send(rig, StorageProvider.DROPBOX, pro, "R", sealed("R", 10), false);
            assertThat(AccountsServer.json(unconnected).get("error").asText()).isEqualTo("storage_not_connected");

            assertThat(connect(rig, StorageProvider.DROPBOX, pro).statusCode()).isEqualTo(200);
            HttpResponse<String> plain = send(rig, StorageProvider.DROPBOX, pro, "R", sealed("R", 10), true);
            assertThat(AccountsServer.json(plain).get("error").asText()).isEqualTo("destination_refused");

            rig.dropbox().down(true);
            HttpResponse<String> down = send(rig, StorageProvider.DROPBOX, pro, "R", sealed("R", 10), false);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(AccountsServer.json(down).get("error").asText()).isEqualTo("destination_unavailable");
            rig.dropbox().down(false);

            assertThat(rig.accounts().delete(path(StorageProvider.DROPBOX, ""), pro).statusCode()).isEqualTo(204);
            assertThat(service(rig, pro, StorageProvider.DROPBOX).get("connected").asBoolean()).isFalse();
            HttpResponse<String> gone = send(rig, StorageProvider.DROPBOX, pro, "R", sealed("R", 10), false);
            assertThat(AccountsServer.json(gone).get("error").asText()).isEqualTo("storage_not_connected");
            assertThat(rig.dropbox().fileCount()).isZero();
        }
    }

    @EachDatabase
    void disconnecting_revokes_the_tokens_at_the_service(Database db) {
        try (Rig rig = rig(db, true, false)) {
            rig.accounts().signUpVerified(PRO);
            String token = rig.accounts().accessToken(PRO);
            String userId = rig.accounts().stores.users().findByEmail(PRO).orElseThrow().id();
            for (StorageProvider p : StorageProvider.values()) {
                assertThat(connect(rig, p, token).statusCode()).isEqualTo(200);
                var held = rig.accounts().connections.tokens(userId, p).orElseThrow();
                assertThat(rig.fake(p).oauth().accepts(held.accessToken())).isTrue();

                assertThat(rig.accounts().delete(path(p, ""), token).statusCode()).isEqualTo(204);
                assertThat(rig.fake(p).count("revoked")).isEqualTo(1);
                assertThat(rig.fake(p).oauth().accepts(held.accessToken())).isFalse();
                assertThat(rig.fake(p).oauth().refreshes(held.refreshToken())).isFalse();
                assertThat(service(rig, token, p).get("connected").asBoolean()).isFalse();
            }
            // A service that is down does not keep the user connected here.
            assertThat(connect(rig, StorageProvider.BOX, token).statusCode()).isEqualTo(200);
            rig.box().down(true);
            assertThat(rig.accounts().delete(path(StorageProvider.BOX, ""), token).statusCode()).isEqualTo(204);
            assertThat(service(rig, token, StorageProvider.BOX).get("connected").asBoolean()).isFalse();
        }
    }

    @EachDatabase
    void finish_takes_only_a_state_this_server_issued_to_this_user_once_and_its_own_redirect(Database db) {
        try (Rig rig = rig(db, false, false)) {
            StorageProvider p = StorageProvider.DROPBOX;
            rig.accounts().signUpVerified(PRO);
            rig.accounts().signUpVerified("other@hospital.org");
            String token = rig.accounts().accessToken(PRO);
            String other = rig.accounts().accessToken("other@hospital.org");

            Authorized a = authorize(rig, rig.accounts().post(path(p, "/connect"), "{}", token));
            for (HttpResponse<String> r : List.of(
                    finish(rig, p, token, a.code(), a.verifier(), "dropbox.never-issued", a.redirect()),
                    finish(rig, p, other, a.code(), a.verifier(), a.state(), a.redirect()),
                    finish(rig, p, token, a.code(), a.verifier(), a.state(), rig.accounts().base + "/app/evil"))) {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                assertThat(AccountsServer.json(r).get("error").asText()).isEqualTo("bad_request");
            }
            assertThat(rig.dropbox().count("code_exchanged") + rig.dropbox().count("token_refused")).isZero();

            assertThat(finish(rig, p, token, a.code(), a.verifier(), a.state(), a.redirect()).statusCode())
                    .isEqualTo(200);
            HttpResponse<String> again = finish(rig, p, token, a.code(), a.verifier(), a.state(), a.redirect());
            assertThat(again.statusCode()).isEqualTo(400);
            assertThat(rig.dropbox().count("code_exchanged")).isEqualTo(1);
            assertThat(rig.dropbox().count("token_refused")).isZero();

            // A state ten minutes old is no good any more.
            Authorized late = authorize(rig, rig.accounts().post(path(p, "/connect"), "{}", token));
            rig.accounts().clock.advance(OAuthStates.LIFETIME.plusSeconds(1));
            String fresh = rig.accounts().accessToken(PRO);
            assertThat(finish(rig, p, fresh, late.code(), late.verifier(), late.state(), late.redirect())
                    .statusCode()).isEqualTo(400);
            assertThat(rig.dropbox().count("code_exchanged")).isEqualTo(1);
        }
    }

    @EachDatabase
    void a_refresher_that_lost_the_race_to_box_neither_overwrites_nor_forgets_the_winners_tokens(Database db)
            throws Exception {
        try (Rig rig = rig(db, true, false)) {
            StorageProvider p = StorageProvider.BOX;
            rig.accounts().signUpVerified(PRO);
            String token = rig.accounts().accessToken(PRO);
            String userId = rig.accounts().stores.users().findByEmail(PRO).orElseThrow().id();
            assertThat(connect(rig, p, token).statusCode()).isEqualTo(200);
            StorageConnections connections = rig.accounts().connections;
            StorageConnections.Stored before = connections.stored(userId, p).orElseThrow();
            rig.box().oauth().expireAccessTokens();
            org.safelight.client.storage.CloudStorage box = org.safelight.client.storage.CloudStorage.of(rig.box().app());

            // Two requests read the same row; the first refreshes (Box retires the refresh token) and keeps its tokens.
            byte[] file = sealed("R-race", 100);
            box.upload(before.tokens(), "R-race.picsafe", new java.io.ByteArrayInputStream(file), file.length,
                    fresh -> assertThat(connections.replace(userId, p, before, fresh)).isPresent());
            StorageConnections.Stored winner = connections.stored(userId, p).orElseThrow();
            assertThat(winner.sealed()).isNotEqualTo(before.sealed());

            // The second's refresh is refused: it may neither store over the winner nor forget the connection.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> box.upload(before.tokens(), "R-late.picsafe",
                    new java.io.ByteArrayInputStream(file), file.length, fresh -> { }))
                    .isInstanceOf(org.safelight.client.storage.StorageException.class);
            assertThat(connections.replace(userId, p, before, before.tokens())).isEmpty();
            assertThat(connections.deleteIfUnchanged(userId, p, before)).isFalse();
            assertThat(connections.stored(userId, p).orElseThrow().sealed()).isEqualTo(winner.sealed());
            assertThat(service(rig, token, p).get("connected").asBoolean()).isTrue();
            assertThat(send(rig, p, token, "R-after", sealed("R-after", 100), false).statusCode()).isEqualTo(200);
        }
    }
}
