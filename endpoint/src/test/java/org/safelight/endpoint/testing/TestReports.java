package org.safelight.endpoint.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import org.safelight.format.picsafe.PicsafeWriter;
import org.safelight.format.picsafe.Protection;
import org.safelight.format.report.MetadataJson;
import org.safelight.format.report.ReportMetadata;
import org.safelight.format.testing.SampleReports;
import org.safelight.format.testing.Zips;

/** Report files as senders post them: plain report ZIPs and dynamic- or static-key .picsafe files. */
public final class TestReports {
    private TestReports() {
    }

    /** A plain report ZIP ({@code package.zip}) of the report {@code id}, with a photo. */
    public static byte[] plain(String id) throws IOException {
        ReportMetadata m = SampleReports.metadata(SampleReports.photo("1"));
        m = m.withDetails(m.details().withReportId(id));
        return Zips.create()
                .add("metadata.json", MetadataJson.write(m))
                .add("report.pdf", "%PDF-1.7 a report of " + id)
                .add("1.jpg", ("a photo of " + id).getBytes(StandardCharsets.UTF_8))
                .add("1-thumbnail.jpg", "a thumbnail")
                .bytes();
    }

    /** The plain report sealed with {@code reportKey}, its key held by the key server at {@code keyServer}. */
    public static byte[] dynamic(String id, String reportKey, String keyServer) throws IOException {
        return sealed(id, new Protection.DynamicKey(reportKey, keyServer));
    }

    /** The plain report sealed for an institution's public key. */
    public static byte[] forInstitution(String id, PublicKey institution) throws IOException {
        return sealed(id, new Protection.StaticKey(institution));
    }

    private static byte[] sealed(String id, Protection protection) throws IOException {
        byte[] zip = plain(id);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PicsafeWriter.write(out, protection, id, o -> o.write(zip));
        return out.toByteArray();
    }
}
