package org.safelight.client.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.safelight.client.storage.testing.BrowserSide;
import org.safelight.client.storage.testing.FakeBox;
import org.safelight.client.storage.testing.FakeDropbox;
import org.safelight.client.storage.testing.FakeService;

/** Both services through their SDKs, against fakes that check the documented protocol. */
class CloudStorageTest {
    private static final String REDIRECT = "http://127.0.0.1:9/app/";
    private static final long LARGE = 1000;

    static Stream<String> services() {
        return Stream.of("box", "dropbox");
    }

    private static FakeService fake(String name) {
        return name.equals("box") ? new FakeBox() : new FakeDropbox();
    }

    private static StorageTokens connect(FakeService fake, CloudStorage storage) throws Exception {
        BrowserSide browser = new BrowserSide();
        String code = browser.code(browser.authorizeUrl(storage.authorizeEndpoint(), storage.clientId(), REDIRECT,
                storage.authorizeParameters()));
        return storage.exchange(code, browser.verifier, REDIRECT);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String upload(CloudStorage storage, StorageTokens tokens, String name, byte[] content,
            List<StorageTokens> refreshed) throws StorageException {
        return storage.upload(tokens, name, new ByteArrayInputStream(content), content.length, refreshed::add);
    }

    private static byte[] stored(FakeService fake, String name) {
        return fake instanceof FakeBox box ? box.file("Safelight", name) : ((FakeDropbox) fake).file("/" + name);
    }

    @ParameterizedTest
    @MethodSource("services")
    void connecting_trades_the_code_and_its_verifier_for_tokens_once(String service) throws Exception {
        try (FakeService fake = fake(service)) {
            CloudStorage storage = CloudStorage.of(fake.app(), LARGE);
            StorageTokens tokens = connect(fake, storage);
            assertThat(fake.count("code_exchanged")).isEqualTo(1);
            assertThat(fake.oauth().handedOut(tokens.accessToken())).isTrue();
            assertThat(tokens.refreshToken()).isNotBlank();
            assertThat(tokens.expiresAt()).isGreaterThan(System.currentTimeMillis());
            assertThat(tokens.toString()).doesNotContain(tokens.accessToken()).doesNotContain(tokens.refreshToken());
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void a_code_with_the_wrong_verifier_is_refused(String service) throws Exception {
        try (FakeService fake = fake(service)) {
            CloudStorage storage = CloudStorage.of(fake.app(), LARGE);
            BrowserSide browser = new BrowserSide();
            String code = browser.code(browser.authorizeUrl(storage.authorizeEndpoint(), storage.clientId(), REDIRECT,
                    storage.authorizeParameters()));
            assertThatThrownBy(() -> storage.exchange(code, new BrowserSide().verifier, REDIRECT))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.REFUSED));
            assertThat(fake.count("token_refused")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void small_files_go_up_whole_and_the_box_folder_is_made_once(String service) throws Exception {
        try (FakeService fake = fake(service)) {
            CloudStorage storage = CloudStorage.of(fake.app(), LARGE);
            StorageTokens tokens = connect(fake, storage);
            List<StorageTokens> refreshed = new ArrayList<>();
            String first = upload(storage, tokens, "R1.picsafe", bytes(500), refreshed);
            String second = upload(storage, tokens, "R2.picsafe", bytes(600), refreshed);
            assertThat(stored(fake, "R1.picsafe")).isEqualTo(bytes(500));
            assertThat(stored(fake, "R2.picsafe")).isEqualTo(bytes(600));
            assertThat(first).endsWith("/R1.picsafe");
            assertThat(second).endsWith("/R2.picsafe");
            assertThat(fake.count("session_started")).isZero();
            assertThat(refreshed).isEmpty();
            if (fake instanceof FakeBox box) {
                assertThat(first).isEqualTo("/Safelight/R1.picsafe");
                assertThat(fake.count("folder_created")).isEqualTo(1);
                assertThat(box.folderCount()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void large_files_go_up_in_an_upload_session(String service) throws Exception {
        try (FakeService fake = fake(service)) {
            CloudStorage storage = CloudStorage.of(fake.app(), LARGE);
            StorageTokens tokens = connect(fake, storage);
            byte[] content = bytes(3500);
            upload(storage, tokens, "Big.picsafe", content, new ArrayList<>());
            assertThat(stored(fake, "Big.picsafe")).isEqualTo(content);
            assertThat(fake.count("session_started")).isEqualTo(1);
            assertThat(fake.count("incorrect_offset")).isZero();
            if (fake instanceof FakeBox) {
                assertThat(fake.count("session_part")).isEqualTo(4);
                assertThat(fake.count("session_committed")).isEqualTo(1);
            } else {
                assertThat(fake.count("session_appended")).isEqualTo(2);
                assertThat(fake.count("session_finished")).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void an_expired_access_token_is_refreshed_and_the_new_tokens_handed_back(String service) throws Exception {
        try (FakeService fake = fake(service)) {
            CloudStorage storage = CloudStorage.of(fake.app(), LARGE);
            StorageTokens tokens = connect(fake, storage);
            fake.oauth().expireAccessTokens(); // the service says 401 although our clock says it is fresh
            List<StorageTokens> refreshed = new ArrayList<>();
            upload(storage, tokens, "R.picsafe", bytes(100), refreshed);
            assertThat(stored(fake, "R.picsafe")).isEqualTo(bytes(100));
            assertThat(fake.count("unauthorized")).isEqualTo(1);
            assertThat(fake.count("refreshed")).isEqualTo(1);
            assertThat(refreshed).hasSize(1);
            assertThat(refreshed.get(0).accessToken()).isNotEqualTo(tokens.accessToken());
            assertThat(fake.oauth().handedOut(refreshed.get(0).refreshToken())).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void a_revoked_connection_is_not_connected_and_an_outage_is_unavailable(String service) throws Exception {
        try (FakeService fake = fake(service)) {
            CloudStorage storage = CloudStorage.of(fake.app(), LARGE);
            StorageTokens tokens = connect(fake, storage);
            fake.down(true);
            assertThatThrownBy(() -> upload(storage, tokens, "R.picsafe", bytes(10), new ArrayList<>()))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
            fake.down(false);
            fake.oauth().revokeEverything();
            assertThatThrownBy(() -> upload(storage, tokens, "R.picsafe", bytes(10), new ArrayList<>()))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.NOT_CONNECTED));
            assertThat(stored(fake, "R.picsafe")).isNull();
        }
    }
}
