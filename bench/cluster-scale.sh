#!/usr/bin/env bash
# Scale-out figures for the README's "Deployment" section: key fetches/s and cloud downloads/s
# through nginx with 1, 2 and 3 `safelight serve` instances on one PostgreSQL and one S3 bucket,
# with p50 and p99 latency, next to /health through the same nginx (no database: the ceiling of the
# machine, the load generator and nginx).
#
# Runs the cluster harness of the cli module's tests (cli/src/test/java/org/safelight/cli/cluster):
# embedded PostgreSQL with synchronous_commit=on, S3Mock's standalone jar, three serve JVMs (-Xmx512m,
# one data folder each, one master key), Debian's nginx in front (round robin; restarted in front of
# the first 1, 2, 3 instances in turn). One user uploads one sealed report; another fetches its key
# (every fetch is a durable audit event) and downloads it, from CONNECTIONS client threads in a
# closed loop. Everything it starts is stopped on exit, also on failure; its files stay under
# cli/target/cluster/bench-* (removed by `mvn clean`).
#
# Settings (environment):
#   MEASURE=15 WARMUP=5     seconds measured / warm-up, per row
#   CONNECTIONS=16          client threads (each one request at a time)
#   REPORT_KIB=256          size of the report downloaded
#   INSTANCES=3             measure 1..INSTANCES instances
#   KEEP=1                  keep the temporary folder with Maven's log
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MEASURE="${MEASURE:-15}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-16}"
REPORT_KIB="${REPORT_KIB:-256}"
INSTANCES="${INSTANCES:-3}"

BENCH=cluster-scale
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

[[ -x /usr/sbin/nginx ]] || die "missing: /usr/sbin/nginx (apt-get install nginx-light)"

say "cluster-scale: building and running the harness (several minutes; Maven's log in $work/maven.log)"
say "cluster-scale: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$root" && ./mvnw -B -o test -pl cli -am -Dtest=ClusterScaleBench -Dsurefire.failIfNoSpecifiedTests=false \
    -DskipITs -Dcluster.bench.seconds="$MEASURE" -Dcluster.bench.warmup="$WARMUP" \
    -Dcluster.bench.connections="$CONNECTIONS" -Dcluster.bench.report.kib="$REPORT_KIB" \
    -Dcluster.bench.instances="$INSTANCES" -Dcluster.bench.out="$work/figures.md") >"$work/maven.log" 2>&1 \
    || { grep -E 'Tests run|ERROR|FAIL' "$work/maven.log" | head -n 40 >&2; die "the run failed (KEEP=1 keeps the log)"; }
[[ -s "$work/figures.md" ]] || die "no figures written (KEEP=1 keeps Maven's log)"
cat "$work/figures.md"
say "cluster-scale: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
