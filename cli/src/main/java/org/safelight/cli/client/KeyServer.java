package org.safelight.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import org.safelight.format.report.ReportId;

/** The key server's report routes, as the signed-in user. */
public final class KeyServer {
    private final ApiClient api;
    private final Accounts accounts;

    public KeyServer(ApiClient api, Accounts accounts) {
        this.api = api;
        this.accounts = accounts;
    }

    /** The report's key, created for the signed-in sender (the same key again if it exists). */
    public String createKey(URI keyServer, ReportId report) throws IOException {
        return api.post(reports(keyServer, report, "key"), accounts.current().accessToken(), null).path("key").asText();
    }

    /** The report's key for a recipient; the key server logs the request first. */
    public String fetchKey(URI keyServer, ReportId report) throws IOException {
        return api.get(reports(keyServer, report, "key"), accounts.current().accessToken()).path("key").asText();
    }

    public JsonNode accesses(URI keyServer, ReportId report) throws IOException {
        return api.get(reports(keyServer, report, "accesses"), accounts.current().accessToken());
    }

    public JsonNode revoke(URI keyServer, ReportId report) throws IOException {
        return api.post(reports(keyServer, report, "revoke"), accounts.current().accessToken(), null);
    }

    private static URI reports(URI keyServer, ReportId report, String what) {
        String base = keyServer.toString().replaceAll("/+$", "");
        return URI.create(base + "/api/v1/reports/" + report.value() + "/" + what);
    }
}
