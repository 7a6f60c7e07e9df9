#!/usr/bin/env bash
# Key fetch with durable audit against the same server's /health (DESIGN §8: key fetch >= half of
# /health's requests/s with the same wrk settings in the same run, p99 < 10 ms at that load, and
# p99 < 5 ms at a steady 1,000 fetches/s).
#
# Starts a fresh `safelight serve` (SQLite, WAL, synchronous=FULL) in a temporary folder, signs up,
# verifies and logs in one user, seals one report with --keyserver, then, for each wrk connection
# count in LEVELS, loads GET /health and then GET /api/v1/reports/{id}/key (that user's key-server
# token) with the same wrk settings, taking the server's CPU time (user + system, /proc/PID/stat)
# over each measured run; then, for each rate in RATES, an open-loop client at that steady rate
# (org.safelight.bench.load.SteadyRate in the bench jar; latency from each request's intended send
# time, so stalls are not hidden). Then it stops the server, checks that the audit chain verifies
# and holds a granted key_fetched event for every key sent, and prints a markdown summary.
# Optionally (NGINX=1) the same wrk against nginx serving the key answer as a static file, for scale.
# Loopback only; every run is bounded in time; everything it started and wrote is removed on exit.
#
# Settings (environment):
#   LEVELS="8 32 64"           wrk -c values (one /health and one key fetch run each)
#   THREADS=2                  wrk -t
#   DURATION=15s WARMUP=5s     measured wrk run / warm-up (once per target, before the first level)
#   RATES="250 1000 2000"      steady fetches per second for the open-loop client
#   STEADY_SECONDS=15          measured seconds per rate (after STEADY_WARMUP=3 s at the same rate)
#   STEADY_CONNECTIONS=16      keep-alive connections of the open-loop client
#   NGINX=0                    1: also wrk -c32 on nginx serving the same body (worker_processes auto)
#   PROFILE=                   a path P.jfr: each measured key fetch run is recorded with JFR into
#                              P-fetch-c<N>.jfr (jdk.CPUTimeSample on JDK 25, else the profile settings)
#   SAFELIGHT_JAVA=java        the JVM for the server and the CLI
#   SAFELIGHT_JAVA_OPTS=       extra JVM options for the server
#   SAFELIGHT_JAR=cli/target/safelight.jar   the server and CLI jar (another build, for A/B runs)
#   BENCH_JAR=bench/target/benchmarks.jar    the jar with the open-loop client
#   SAFELIGHT_SHARED=../shared the shared folder (fixture media)
#   RESULTS_DIR=               when set, wrk outputs, the server log and the summary are copied there
#   KEEP=1                     keep the temporary folder (printed) instead of removing it
# Missing jars are built (offline Maven). Defaults take about 3-4 minutes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${SAFELIGHT_JAR:-$root/cli/target/safelight.jar}"
bench_jar="${BENCH_JAR:-$root/bench/target/benchmarks.jar}"
LEVELS="${LEVELS:-8 32 64}"
THREADS="${THREADS:-2}"
DURATION="${DURATION:-15s}"
WARMUP="${WARMUP:-5s}"
RATES="${RATES:-250 1000 2000}"
STEADY_SECONDS="${STEADY_SECONDS:-15}"
STEADY_WARMUP="${STEADY_WARMUP:-3}"
STEADY_CONNECTIONS="${STEADY_CONNECTIONS:-16}"
NGINX="${NGINX:-0}"
PROFILE="${PROFILE:-}"
JAVA="${SAFELIGHT_JAVA:-java}"
JAVA_OPTS="${SAFELIGHT_JAVA_OPTS:-}"
SHARED="${SAFELIGHT_SHARED:-$root/../shared}"
RESULTS_DIR="${RESULTS_DIR:-}"
EMAIL="load@example.org"
PASSWORD="correct horse battery staple load"

BENCH=keyserver-load
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

# --- what we need ---------------------------------------------------------------------------
missing=()
for tool in wrk curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[[ "$NGINX" == 1 ]] && { command -v nginx >/dev/null 2>&1 || missing+=(nginx); }
if ((${#missing[@]})); then
    die "missing: ${missing[*]}. Install them with: apt-get install wrk nginx-light curl"
fi
command -v "$JAVA" >/dev/null 2>&1 || die "no Java at '$JAVA' (set SAFELIGHT_JAVA)"
[[ -d "$SHARED/fixtures/media" ]] || die "no fixture media in $SHARED/fixtures/media (set SAFELIGHT_SHARED)"
if [[ ! -f "$jar" ]]; then
    say "keyserver-load: building $jar"
    (cd "$root" && ./mvnw -B -o -q -pl cli -am package -DskipTests) || die "building the CLI failed"
fi
if ! grep -qa 'org/safelight/bench/load/SteadyRate.class' "$bench_jar" 2>/dev/null; then
    say "keyserver-load: building $bench_jar"
    (cd "$root" && ./mvnw -B -o -q -pl bench -am package -DskipTests) || die "building the bench jar failed"
fi

# --- wrk output ---------------------------------------------------------------------------------
to_ms() { # "137.00ms" / "950.00us" / "1.20s" / "2.00m" -> milliseconds
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
        else if (u == "h") n *= 3600000; else if (u != "ms") { print "?"; exit }
        printf "%.2f", n }'
}
wrk_requests() { awk '/ requests in / {print $1}' "$1"; }
wrk_rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_non2xx() { awk '/Non-2xx or 3xx responses:/ {print $NF; found = 1} END {if (!found) print 0}' "$1"; }
wrk_socket_errors() { awk -F': ' '/Socket errors:/ {print $2; found = 1} END {if (!found) print "none"}' "$1"; }
steady() { awk -v k="$2" '{for (i = 1; i <= NF; i++) {split($i, kv, "="); if (kv[1] == k) print kv[2]}}' "$work/steady-$1.txt"; }
wrk_pct() { to_ms "$(awk -v p="$2" '$1 == p {print $2}' "$1")"; }

# CPU accounting in clock ticks: a process's user + system time, and the whole machine's busy and total time.
proc_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
machine_ticks() { awk '$1 == "cpu" {busy = $2 + $3 + $4 + $7 + $8; print busy, busy + $5 + $6}' /proc/stat; }

run_wrk() { # name, connections, duration, url, [header] -> $work/wrk-<name>.txt; fails on non-2xx
    local name="$1" conns="$2" duration="$3" url="$4" header="${5:-}" out
    out="$work/wrk-$name.txt"
    local args=(-t"$THREADS" -c"$conns" -d"$duration" --latency)
    [[ -n "$header" ]] && args+=(-H "$header")
    say "keyserver-load: wrk ${args[*]/#Authorization*/Authorization: Bearer ...} $url   (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    wrk "${args[@]}" "$url" >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($name)"; }
    [[ -n "$(wrk_requests "$out")" ]] || { cat "$out" >&2; die "wrk printed no request count ($name)"; }
    local bad
    bad="$(wrk_non2xx "$out")"
    if [[ "$bad" != 0 ]]; then
        cat "$out" >&2
        die "$name: wrk reported $bad non-2xx responses"
    fi
}

# Context switches of all the server's threads (voluntary + involuntary; threads that ended are lost).
proc_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s + 0}'; }

# Runs "$@" and leaves the server's CPU time over it, in microseconds, in $cpu_us, and its threads'
# context switches in $switches: the steadier figures on a shared machine.
with_server_cpu() {
    local before after switches_before
    before="$(proc_ticks "$server_pid")"
    switches_before="$(proc_switches "$server_pid")"
    "$@"
    after="$(proc_ticks "$server_pid")"
    switches=$(($(proc_switches "$server_pid") - switches_before))
    cpu_us=$(((after - before) * 1000000 / tick_hz))
}
per_request_1() { awk -v x="$1" -v n="$2" 'BEGIN {printf "%.1f", n ? x / n : 0}'; }
per_request() { awk -v us="$1" -v n="$2" 'BEGIN {printf "%.0f", n ? us / n : 0}'; }

# A key server takes only a token scoped to its origin (5 minutes), from the token exchange: one
# fresh token per phase, so that a slow machine never runs into its expiry.
key_server_token() {
    local t
    t="$(curl -sS --max-time 10 -H "Authorization: Bearer $user_token" -H 'Content-Type: application/json' \
        -d "{\"key_server\": \"$base\"}" "$base/api/v1/accounts/key-server-token" \
        | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')"
    [[ -n "$t" ]] || die "the token exchange gave no token"
    printf '%s' "$t"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
java_version="$("$JAVA" -version 2>&1 | sed -n 2p)"
tick_hz="$(getconf CLK_TCK)"

# --- the Safelight server -----------------------------------------------------------------------
port="$(free_port)"
base="http://127.0.0.1:$port"
mkdir -p "$work/data" "$work/home" "$work/draft"
say "keyserver-load: starting the server on $base with $JAVA ($java_version) in $work"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"$JAVA" $JAVA_OPTS -jar "$jar" serve --data-dir "$work/data" --port "$port" --host 127.0.0.1 \
    --public-url "$base" --key-requests-per-minute 1000000000 \
    >"$work/server.log" 2>&1 &
server_pid=$!
wait_http "$base/health" "$server_pid" "the Safelight server"

signed_up "$base" --first Load --last Tester
cli login --server "$base" --email "$EMAIL" >/dev/null || die "login failed"

cp "$SHARED/fixtures/media/photo-landscape.jpg" "$work/draft/wound.jpg"
cp "$SHARED/fixtures/media/signature.jpg" "$work/draft/consent.jpg"
cat >"$work/draft/metadata.json" <<'EOF'
{"report": {
  "patient": {"firstname": "Ada", "lastname": "Quill", "day": "7", "month": "3", "year": "1961", "patientid": "MRN-204817"},
  "user": {"userid": "42", "title": "Dr", "firstname": "Noor", "lastname": "Haddad", "email": "load@example.org", "country": "AU"},
  "details": {"notes": "Pressure injury, sacrum, stage 2."},
  "consent": {"type": "signed", "consentlevels": "treatment"}
}}
EOF
cli seal "$work/draft" -o "$work/sent/" --keyserver "$base" >/dev/null || die "sealing with --keyserver failed"
report="$(basename "$(ls "$work"/sent/*.picsafe)" .picsafe)"
user_token="$(sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p' "$work/home/safelight/credentials.json")"
[[ -n "$user_token" ]] || die "no access_token in credentials.json"
key_url="$base/api/v1/reports/$report/key"
health_url="$base/health"
auth="Authorization: Bearer $(key_server_token)"

# One fetch by hand: 200 with the key. Its body is also what nginx serves (NGINX=1).
mkdir -p "$work/nginx/html"
status="$(curl -sS -o "$work/nginx/html/key.json" -w '%{http_code}' --max-time 10 -H "$auth" "$key_url")"
[[ "$status" == 200 ]] || die "GET $key_url answered $status: $(cat "$work/nginx/html/key.json")"
grep -q '"key"' "$work/nginx/html/key.json" || die "the key answer holds no key"
body_bytes="$(wc -c <"$work/nginx/html/key.json")"
keys_sent=1

# --- wrk: /health, then the key fetch, at each connection count -----------------------------------
run_wrk health-warmup 32 "$WARMUP" "$health_url"
run_wrk fetch-warmup 32 "$WARMUP" "$key_url" "$auth"
keys_sent=$((keys_sent + $(wrk_requests "$work/wrk-fetch-warmup.txt")))
if [[ -n "$PROFILE" ]]; then
    jcmd="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jcmd"
    jfr_events=""
    [[ "$("$JAVA" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')" -ge 25 ]] \
        && jfr_events="jdk.CPUTimeSample#enabled=true jdk.CPUTimeSample#throttle=2ms"
fi
profiled() { # name, command...: runs the command, recorded with JFR into ${PROFILE%.jfr}-<name>.jfr when PROFILE is set
    local name="$1"
    shift
    if [[ -z "$PROFILE" ]]; then
        "$@"
        return
    fi
    # shellcheck disable=SC2086 # jfr_events is a list of settings
    "$jcmd" "$server_pid" JFR.start name="$name" settings=profile filename="${PROFILE%.jfr}-$name.jfr" $jfr_events \
        >/dev/null || die "could not start JFR with $jcmd"
    "$@"
    "$jcmd" "$server_pid" JFR.stop name="$name" >/dev/null || die "could not stop JFR"
    say "keyserver-load: JFR recording in ${PROFILE%.jfr}-$name.jfr"
}
machine_before="$(machine_ticks)"
for c in $LEVELS; do
    with_server_cpu run_wrk "health-c$c" "$c" "$DURATION" "$health_url"
    eval "health_cpu_$c=$cpu_us health_sw_$c=$switches"
    with_server_cpu profiled "fetch-c$c" run_wrk "fetch-c$c" "$c" "$DURATION" "$key_url" "$auth"
    eval "fetch_cpu_$c=$cpu_us fetch_sw_$c=$switches"
    keys_sent=$((keys_sent + $(wrk_requests "$work/wrk-fetch-c$c.txt")))
done
machine_after="$(machine_ticks)"
machine_busy="$(echo "$machine_before $machine_after" | awk '{b = $3 - $1; t = $4 - $2; printf "%.0f", t ? 100 * b / t : 0}')"

# --- steady rates: open loop, latency from each request's intended send time -----------------------
export STEADY_RATE_HEADER="Authorization: Bearer $(key_server_token)"
for rate in $RATES; do
    say "keyserver-load: steady $rate fetches/s for ${STEADY_SECONDS}s (after ${STEADY_WARMUP}s)   (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    with_server_cpu "$JAVA" -cp "$bench_jar" org.safelight.bench.load.SteadyRate "$key_url" "$rate" \
        "$STEADY_SECONDS" "$STEADY_WARMUP" "$STEADY_CONNECTIONS" >"$work/steady-$rate.txt" \
        || die "the steady-rate client failed at $rate/s"
    eval "steady_cpu_$rate=$cpu_us steady_sw_$rate=$switches"
    keys_sent=$((keys_sent + $(steady "$rate" ok) + $(steady "$rate" warmup_ok)))
done
unset STEADY_RATE_HEADER

# Stop the server (its shutdown commits what is queued), then check the audit log.
stop_pid "$server_pid" "the Safelight server"
server_pid=""
cli audit verify --data-dir "$work/data" >"$work/verify.txt" 2>"$work/verify.log" \
    || die "audit verify failed: $(cat "$work/verify.txt") $(tail -n 1 "$work/verify.log")"
cli audit export --data-dir "$work/data" -o "$work/audit.jsonl" >/dev/null 2>"$work/export.log" \
    || die "audit export failed: $(tail -n 1 "$work/export.log")"
fetched="$(grep -F '"action":"key_fetched"' "$work/audit.jsonl" | grep -F "\"report_id\":\"$report\"" \
    | grep -cF '"outcome":"granted"' || true)"
((fetched >= keys_sent)) \
    || die "the audit log holds $fetched granted key_fetched events, fewer than the $keys_sent keys sent"

# --- nginx, same body as a static file (for scale only) --------------------------------------------
if [[ "$NGINX" == 1 ]]; then
    start_nginx auto application/json key.json
    run_wrk nginx-warmup 32 "$WARMUP" "http://127.0.0.1:$nport/key.json"
    run_wrk nginx-c32 32 "$DURATION" "http://127.0.0.1:$nport/key.json"
    stop_pid "$nginx_pid" "nginx"
    nginx_pid=""
fi

# --- summary ------------------------------------------------------------------------------------
summary="$work/summary.txt"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); java: $JAVA ($java_version) $JAVA_OPTS"
    echo "load average: before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg);" \
        "machine $machine_busy% busy during the wrk runs (all cores, wrk and any other load included)"
    echo
    echo "wrk -t$THREADS -d$DURATION --latency, /health then key fetch at each -c (after a $WARMUP warm-up each):"
    echo
    echo "| wrk -c | /health req/s | p50 / p99 ms | CPU µs/req | switches/req | key fetch req/s | p50 / p99 ms | CPU µs/fetch | switches/fetch | fetch / health | ≥ 50% | p99 < 10 ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for c in $LEVELS; do
        h="$work/wrk-health-c$c.txt"
        f="$work/wrk-fetch-c$c.txt"
        hc="health_cpu_$c"
        fc="fetch_cpu_$c"
        hs="health_sw_$c"
        fs="fetch_sw_$c"
        ratio="$(awk -v a="$(wrk_rps "$f")" -v b="$(wrk_rps "$h")" 'BEGIN {printf "%.1f", 100 * a / b}')"
        echo "| $c | $(wrk_rps "$h") | $(wrk_pct "$h" 50%) / $(wrk_pct "$h" 99%) |" \
            "$(per_request "${!hc}" "$(wrk_requests "$h")") | $(per_request_1 "${!hs}" "$(wrk_requests "$h")") |" \
            "$(wrk_rps "$f") | $(wrk_pct "$f" 50%) / $(wrk_pct "$f" 99%) |" \
            "$(per_request "${!fc}" "$(wrk_requests "$f")") | $(per_request_1 "${!fs}" "$(wrk_requests "$f")") | $ratio% |" \
            "$(awk -v r="$ratio" 'BEGIN {print (r >= 50 ? "met" : "missed")}') |" \
            "$(awk -v p="$(wrk_pct "$f" 99%)" 'BEGIN {print (p < 10 ? "met" : "missed")}') |"
    done
    if [[ "$NGINX" == 1 ]]; then
        n="$work/wrk-nginx-c32.txt"
        echo
        echo "nginx static file ($body_bytes bytes), wrk -c32: $(wrk_rps "$n") req/s, p50 / p99 $(wrk_pct "$n" 50%) / $(wrk_pct "$n" 99%) ms"
    fi
    echo
    echo "Steady rate, open loop ($STEADY_CONNECTIONS keep-alive connections, latency from the intended send time," \
        "${STEADY_SECONDS} s after ${STEADY_WARMUP} s):"
    echo
    echo "| fetches/s asked | achieved | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | CPU µs/fetch | switches/fetch | p99 < 5 ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for rate in $RATES; do
        sc="steady_cpu_$rate"
        ss="steady_sw_$rate"
        n=$(($(steady "$rate" sent) + $(steady "$rate" warmup_ok))) # the server's CPU was taken over both
        echo "| $rate | $(steady "$rate" achieved) | $(steady "$rate" p50_ms) | $(steady "$rate" p90_ms) |" \
            "$(steady "$rate" p99_ms) | $(steady "$rate" p999_ms) | $(steady "$rate" max_ms) | $(steady "$rate" errors) |" \
            "$(per_request "${!sc}" "$n") | $(per_request_1 "${!ss}" "$n") |" \
            "$(awk -v p="$(steady "$rate" p99_ms)" 'BEGIN {print (p < 5 ? "met" : "missed")}') |"
    done
    echo
    echo "audit: $(head -n 1 "$work/verify.txt"); $fetched granted key_fetched events >= $keys_sent keys sent"
} >"$summary"
cat "$summary"
if [[ -n "$RESULTS_DIR" ]]; then
    mkdir -p "$RESULTS_DIR"
    stamp="$(date -u +%Y%m%dT%H%M%SZ)"
    for f in "$work"/wrk-*.txt "$work"/steady-*.txt "$work/server.log" "$summary"; do
        cp "$f" "$RESULTS_DIR/keyserver-$stamp-$(basename "$f")"
    done
    say "keyserver-load: copied the outputs to $RESULTS_DIR (keyserver-$stamp-*)"
fi
