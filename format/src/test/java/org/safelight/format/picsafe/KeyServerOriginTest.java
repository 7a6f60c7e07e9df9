package org.safelight.format.picsafe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.format.report.MalformedReportException;

class KeyServerOriginTest {

    @ParameterizedTest
    @CsvSource({
            "https://keys.example.org, https://keys.example.org",
            "https://keys.example.org/, https://keys.example.org",
            "https://keys.example.org/evil/path?x=1#frag, https://keys.example.org",
            "https://user:pw@Keys.Example.ORG:443/x, https://keys.example.org",
            "http://localhost:8080/api/v1/reports/../../accounts, http://localhost:8080",
            "HTTPS://keys.example.org:8443, https://keys.example.org:8443",
            "http://[::1]:9000/p, http://[::1]:9000",
    })
    void a_key_server_url_from_a_report_is_reduced_to_its_origin(String url, String origin) throws Exception {
        PackageJson json = PackageJson.read(new ByteArrayInputStream(
                ("{\"keyserver_url\": \"" + url + "\"}").getBytes(StandardCharsets.UTF_8)));
        assertThat(json.keyServerOrigin()).hasToString(origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://keys.example.org", "keys.example.org", "https:///nohost",
            "javascript:alert(1)", "https://exa mple.org"})
    void a_key_server_url_that_is_not_http_with_a_host_is_malformed(String url) {
        assertThatThrownBy(() -> PackageJson.originOf(url)).isInstanceOf(MalformedReportException.class);
    }
}
