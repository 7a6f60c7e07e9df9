package org.safelight.accounts.uploads;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row of a user's list of reports: a report and every time it went somewhere, newest first.
 * Built from the uploads and the recorded sends ({@link #assemble}). Immutable.
 *
 * @param newestUpload its latest upload, or null when it never went to the cloud
 * @param liveUpload   its latest upload whose link still works, or null
 * @param keyServerUrl the origin of its key server as its latest upload's package.json named it, or null
 * @param sends        newest first
 */
public record MyReport(String reportId, Instant firstSentAt, Instant lastSentAt, String keyServerUrl,
                       UploadEntry newestUpload, UploadEntry liveUpload, List<ReportSend> sends) {

    /** Channels that deliver the cloud link: a send on one of them describes an upload. */
    private static final Set<SendChannel> LINK_CHANNELS =
            EnumSet.of(SendChannel.CLOUD, SendChannel.SMS, SendChannel.WHATSAPP, SendChannel.EMAIL);

    public boolean expired() {
        return newestUpload != null && liveUpload == null;
    }

    /**
     * One row per report, the most recently sent first. A client uploads, then records where the
     * link went: a recorded send on a link channel stands for the latest upload of the report made
     * at or before it that no other send stands for; an upload no send stands for is a send to the
     * cloud alone (a client that records nothing, like an older CLI, still shows its uploads).
     *
     * @param uploads the user's uploads, any order
     * @param sends   the user's recorded sends by report, any order
     */
    public static List<MyReport> assemble(List<UploadEntry> uploads, Map<String, List<ReportSend>> sends,
                                          Instant now) {
        Map<String, List<UploadEntry>> uploadsByReport = new LinkedHashMap<>();
        for (UploadEntry u : uploads) {
            uploadsByReport.computeIfAbsent(u.reportId(), k -> new ArrayList<>()).add(u);
        }
        Set<String> reports = new LinkedHashSet<>(uploadsByReport.keySet());
        reports.addAll(sends.keySet());
        List<MyReport> rows = new ArrayList<>();
        for (String report : reports) {
            rows.add(of(report, uploadsByReport.getOrDefault(report, List.of()), sends.getOrDefault(report, List.of()),
                    now));
        }
        rows.sort(Comparator.comparing(MyReport::lastSentAt).reversed().thenComparing(MyReport::reportId));
        return rows;
    }

    private static MyReport of(String reportId, List<UploadEntry> uploads, List<ReportSend> recorded, Instant now) {
        List<UploadEntry> unclaimed = new ArrayList<>(uploads);
        unclaimed.sort(Comparator.comparing(UploadEntry::uploadedAt));
        List<ReportSend> ordered = new ArrayList<>(recorded);
        ordered.sort(Comparator.comparing(ReportSend::sentAt));
        for (ReportSend send : ordered) {
            if (!LINK_CHANNELS.contains(send.channel())) {
                continue;
            }
            for (int i = unclaimed.size() - 1; i >= 0; i--) {
                if (!unclaimed.get(i).uploadedAt().isAfter(send.sentAt())) {
                    unclaimed.remove(i);
                    break;
                }
            }
        }
        List<ReportSend> all = new ArrayList<>(ordered);
        for (UploadEntry u : unclaimed) {
            all.add(new ReportSend(SendChannel.CLOUD, null, u.uploadedAt()));
        }
        all.sort(Comparator.comparing(ReportSend::sentAt).reversed());
        UploadEntry newest = uploads.stream().max(Comparator.comparing(UploadEntry::uploadedAt)).orElse(null);
        UploadEntry live = uploads.stream().filter(u -> !u.expiredAt(now))
                .max(Comparator.comparing(UploadEntry::uploadedAt)).orElse(null);
        String keyServer = uploads.stream().filter(u -> u.keyServerUrl() != null && !u.keyServerUrl().isEmpty())
                .max(Comparator.comparing(UploadEntry::uploadedAt)).map(UploadEntry::keyServerUrl).orElse(null);
        Instant first = all.get(all.size() - 1).sentAt();
        Instant last = all.get(0).sentAt();
        for (UploadEntry u : uploads) {
            first = u.uploadedAt().isBefore(first) ? u.uploadedAt() : first;
        }
        return new MyReport(reportId, first, last, keyServer, newest, live, List.copyOf(all));
    }
}
