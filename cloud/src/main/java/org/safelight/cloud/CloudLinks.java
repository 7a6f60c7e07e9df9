package org.safelight.cloud;

import org.safelight.format.link.ReportLink;

/**
 * What a share link leads to, for the web role's landing page in the same process (the HTTP form
 * is {@code GET /api/v1/cloud/reports/{region}/{name}/status}). Thread-safe.
 */
public final class CloudLinks {
    private final CloudStore store;

    public CloudLinks(CloudStore store) {
        this.store = store;
    }

    /**
     * @param region the link's region segment ({@code AU})
     * @param name   the link's last segment ({@code {random}-{ReportID}})
     * @return Active with its expiry, Expired, or Unknown (also for a malformed link)
     */
    public LinkStatus status(String region, String name) {
        return ReportLink.parse(region, name).map(store::status).orElseGet(LinkStatus.Unknown::new);
    }
}
