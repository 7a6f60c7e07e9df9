package org.safelight.accounts.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.safelight.accounts.testing.AccountsServer;

class OpenApiHttpTest {
    private static final Pattern PATH = Pattern.compile("^  (/\\S*):$");
    private static final Pattern METHOD = Pattern.compile("^    (get|post|patch|delete):$");

    private final AccountsServer server = AccountsServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void the_served_document_lists_routes_that_all_exist() {
        HttpResponse<String> doc = server.get("/api/v1/accounts/openapi.yaml");
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("yaml"));
        assertThat(doc.body()).startsWith("openapi: 3.1.0");

        List<String[]> operations = new ArrayList<>();
        String path = null;
        for (String line : doc.body().split("\n")) {
            Matcher p = PATH.matcher(line);
            Matcher m = METHOD.matcher(line);
            if (p.matches()) {
                path = p.group(1);
            } else if (m.matches() && path != null) {
                operations.add(new String[] {m.group(1), path});
            } else if (!line.startsWith(" ")) {
                path = null;
            }
        }
        assertThat(operations).as("one per route of AccountsRole").hasSize(40);
        for (String[] op : operations) {
            String concrete = op[1].replace("{id}", "0000000000000000").replace("{reportId}", "R1")
                    .replace("{provider}", "box");
            HttpResponse<String> r = switch (op[0]) {
                case "get" -> server.get(concrete);
                case "post" -> server.post(concrete, "{}");
                case "patch" -> server.patch(concrete, "{}", "x");
                default -> server.delete(concrete, "x");
            };
            assertThat(r.body()).as(op[0] + " " + op[1]).doesNotContain("no such route");
        }
    }
}
