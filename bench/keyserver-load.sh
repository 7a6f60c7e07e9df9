#!/usr/bin/env bash
# Key fetch with durable audit against nginx serving a small static file (DESIGN §8: key fetch
# >= half of nginx's requests/s on the same machine, p99 < 10 ms at that load).
#
# Starts a fresh `safelight serve` (SQLite, WAL, synchronous=FULL) in a temporary folder, signs up,
# verifies and logs in one user, seals one report with --keyserver, then loads
# GET /api/v1/reports/{id}/key with that user's bearer token using wrk; then stops the server, checks
# that the audit chain verifies and holds a granted key_fetched event for every 200 wrk (and the
# warm-up, and one curl) received; then runs the same wrk against nginx serving the same JSON body
# as a static file. Loopback only; every run is bounded in time and the script stops by itself.
# Everything it started and wrote is removed on exit (KEEP=1 keeps the temporary folder).
#
# Settings (environment):
#   THREADS=2 CONNECTIONS=32   wrk -t / -c (see bench/README.md for why)
#   DURATION=20s WARMUP=10s    measured run / warm-up run, each target
#   NGINX_WORKERS=auto         nginx worker_processes (auto = one per core)
#   SAFELIGHT_JAVA=java        the JVM for the server and the CLI, e.g.
#                              /usr/lib/jvm/temurin-25-jdk-amd64/bin/java
#   SAFELIGHT_JAVA_OPTS=       extra JVM options for the server
#   SAFELIGHT_JAR=cli/target/safelight.jar   the server and CLI jar (another build, for A/B runs)
#   SAFELIGHT_SHARED=../shared the shared folder (fixture media)
#   RESULTS_DIR=               when set, wrk outputs, the server log and a summary are copied there
#   KEEP=1                     keep the temporary folder (printed) instead of removing it
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${SAFELIGHT_JAR:-$root/cli/target/safelight.jar}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-10s}"
NGINX_WORKERS="${NGINX_WORKERS:-auto}"
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
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
    die "missing: ${missing[*]}. Install them with: apt-get install wrk nginx-light curl"
fi
command -v "$JAVA" >/dev/null 2>&1 || die "no Java at '$JAVA' (set SAFELIGHT_JAVA)"
[[ -f "$jar" ]] || die "no $jar: build it first with ./mvnw -q -B package -pl cli -am -DskipTests"
[[ -d "$SHARED/fixtures/media" ]] || die "no fixture media in $SHARED/fixtures/media (set SAFELIGHT_SHARED)"


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
wrk_pct() { to_ms "$(awk -v p="$2" '$1 == p {print $2}' "$1")"; }

# CPU accounting in clock ticks: a process's user + system time, and the whole machine's busy and total time.
proc_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
machine_ticks() { awk '$1 == "cpu" {busy = $2 + $3 + $4 + $7 + $8; print busy, busy + $5 + $6}' /proc/stat; }

run_wrk() { # name, url, [header] -> $work/wrk-<name>.txt; fails on non-2xx
    local name="$1" url="$2" header="${3:-}" duration="$DURATION" out
    [[ "$name" == *-warmup ]] && duration="$WARMUP"
    out="$work/wrk-$name.txt"
    local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency)
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

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
java_version="$("$JAVA" -version 2>&1 | sed -n 2p)"

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
# A key server takes only a token scoped to its origin (5 minutes), from the token exchange.
token="$(curl -sS --max-time 10 -H "Authorization: Bearer $user_token" -H 'Content-Type: application/json' \
    -d "{\"key_server\": \"$base\"}" "$base/api/v1/accounts/key-server-token" \
    | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')"
[[ -n "$token" ]] || die "the token exchange gave no token"
key_url="$base/api/v1/reports/$report/key"
auth="Authorization: Bearer $token"

# One fetch by hand: 200 with the key. Its body is also what nginx serves below.
mkdir -p "$work/nginx/html"
status="$(curl -sS -o "$work/nginx/html/key.json" -w '%{http_code}' --max-time 10 -H "$auth" "$key_url")"
[[ "$status" == 200 ]] || die "GET $key_url answered $status: $(cat "$work/nginx/html/key.json")"
grep -q '"key"' "$work/nginx/html/key.json" || die "the key answer holds no key"
body_bytes="$(wc -c <"$work/nginx/html/key.json")"

run_wrk safelight-warmup "$key_url" "$auth"
server_ticks_before="$(proc_ticks "$server_pid")"
read -r busy_before total_before < <(machine_ticks)
run_wrk safelight "$key_url" "$auth"
server_ticks_after="$(proc_ticks "$server_pid")"
read -r busy_after total_after < <(machine_ticks)
tick_hz="$(getconf CLK_TCK)"
# CPU the server spent per key sent, and how busy the whole machine (wrk and anyone else included) was.
server_cpu_us="$(awk -v t=$((server_ticks_after - server_ticks_before)) -v hz="$tick_hz" \
    -v n="$(wrk_requests "$work/wrk-safelight.txt")" 'BEGIN {printf "%.0f", t / hz * 1e6 / n}')"
machine_busy="$(awk -v b=$((busy_after - busy_before)) -v t=$((total_after - total_before)) \
    'BEGIN {printf "%.0f", t ? 100 * b / t : 0}')"

# Stop the server (its shutdown commits what is queued), then check the audit log.
stop_pid "$server_pid" "the Safelight server"
server_pid=""
cli audit verify --data-dir "$work/data" >"$work/verify.txt" 2>"$work/verify.log" \
    || die "audit verify failed: $(cat "$work/verify.txt") $(tail -n 1 "$work/verify.log")"
cli audit export --data-dir "$work/data" -o "$work/audit.jsonl" >/dev/null 2>"$work/export.log" \
    || die "audit export failed: $(tail -n 1 "$work/export.log")"
fetched="$(grep -F '"action":"key_fetched"' "$work/audit.jsonl" | grep -F "\"report_id\":\"$report\"" \
    | grep -cF '"outcome":"granted"' || true)"
ok_responses=$((1 + $(wrk_requests "$work/wrk-safelight-warmup.txt") + $(wrk_requests "$work/wrk-safelight.txt")))
((fetched >= ok_responses)) \
    || die "the audit log holds $fetched granted key_fetched events, fewer than the $ok_responses keys sent"

# --- nginx, same body as a static file ------------------------------------------------------------
start_nginx "$NGINX_WORKERS" application/json key.json
run_wrk nginx-warmup "http://127.0.0.1:$nport/key.json"
run_wrk nginx "http://127.0.0.1:$nport/key.json"
stop_pid "$nginx_pid" "nginx"
nginx_pid=""

# --- summary ------------------------------------------------------------------------------------
s="$work/wrk-safelight.txt"
n="$work/wrk-nginx.txt"
s_rps="$(wrk_rps "$s")"
n_rps="$(wrk_rps "$n")"
s_p99="$(wrk_pct "$s" 99%)"
ratio="$(awk -v a="$s_rps" -v b="$n_rps" 'BEGIN {printf "%.1f", 100 * a / b}')"
verdict_rps="$(awk -v r="$ratio" 'BEGIN {print (r >= 50 ? "met" : "missed")}')"
verdict_p99="$(awk -v p="$s_p99" 'BEGIN {print (p < 10 ? "met" : "missed")}')"
summary="$work/summary.txt"
{
    echo "date:          $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "java:          $JAVA ($java_version) $JAVA_OPTS"
    echo "wrk:           -t$THREADS -c$CONNECTIONS -d$DURATION --latency (after a $WARMUP warm-up each)"
    echo "nginx:         worker_processes $NGINX_WORKERS, $body_bytes-byte static file (the key answer's body)"
    echo "load average:  before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-22s %10s %9s %9s %9s %9s %10s  %s\n' "" "req/s" "p50 ms" "p75 ms" "p90 ms" "p99 ms" "requests" "socket errors"
    for pair in "Safelight key fetch:$s" "nginx static file:$n"; do
        f="${pair#*:}"
        printf '%-22s %10s %9s %9s %9s %9s %10s  %s\n' "${pair%%:*}" "$(wrk_rps "$f")" "$(wrk_pct "$f" 50%)" \
            "$(wrk_pct "$f" 75%)" "$(wrk_pct "$f" 90%)" "$(wrk_pct "$f" 99%)" "$(wrk_requests "$f")" \
            "$(wrk_socket_errors "$f")"
    done
    echo "ratio:         Safelight / nginx = $ratio% of nginx's req/s (target >= 50%: $verdict_rps);" \
        "p99 $s_p99 ms (target < 10 ms: $verdict_p99)"
    echo "server CPU:    $server_cpu_us us of JVM CPU time (user + system) per key fetch;" \
        "machine $machine_busy% busy during the measured run (all cores, wrk and any other load included)"
    echo "audit:         $(head -n 1 "$work/verify.txt")"
    echo "               $fetched granted key_fetched events >= $ok_responses keys sent" \
        "(1 curl + warm-up + measured run; non-2xx: 0)"
} >"$summary"
cat "$summary"
if [[ -n "$RESULTS_DIR" ]]; then
    mkdir -p "$RESULTS_DIR"
    stamp="$(date -u +%Y%m%dT%H%M%SZ)"
    for f in "$work"/wrk-*.txt "$work/server.log" "$summary"; do
        cp "$f" "$RESULTS_DIR/keyserver-$stamp-$(basename "$f")"
    done
    say "keyserver-load: copied the outputs to $RESULTS_DIR (keyserver-$stamp-*)"
fi
