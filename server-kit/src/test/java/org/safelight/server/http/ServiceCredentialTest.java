package org.safelight.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceCredentialTest {
    private static final String SECRET = "a-service-credential-of-enough-length-42";

    @Test
    void only_the_same_secret_matches() {
        ServiceCredential credential = new ServiceCredential(SECRET);

        assertThat(credential.matches(SECRET)).isTrue();
        assertThat(credential.matches(SECRET + "x")).isFalse();
        assertThat(credential.matches(SECRET.substring(1))).isFalse();
        assertThat(credential.matches("")).isFalse();
        assertThat(credential.matches((String) null)).isFalse();
    }

    @Test
    void no_credential_matches_nothing_not_even_an_empty_header() {
        assertThat(ServiceCredential.NONE.configured()).isFalse();
        assertThat(ServiceCredential.NONE.matches("")).isFalse();
        assertThat(new ServiceCredential(null).matches("")).isFalse();
    }

    @Test
    void a_short_secret_is_refused_and_the_secret_is_never_printed() {
        assertThatThrownBy(() -> new ServiceCredential("short")).hasMessageContaining("32");
        assertThat(new ServiceCredential(SECRET).toString()).doesNotContain(SECRET);
    }
}
