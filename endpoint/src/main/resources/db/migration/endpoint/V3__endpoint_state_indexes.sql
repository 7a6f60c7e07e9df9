-- The queue's figures are read at every metrics scrape (safelight_endpoint_queue_depth{state},
-- safelight_endpoint_deliveries_parked): counted from these indexes, so a scrape reads only the
-- entries of the states it counts, never the whole history of delivered reports.
CREATE INDEX endpoint_reports_by_state ON endpoint_reports (state);
CREATE INDEX endpoint_deliveries_by_status ON endpoint_deliveries (status);
