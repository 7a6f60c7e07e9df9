#!/usr/bin/env bash
# Cloud download throughput against nginx serving the same large file from disk (DESIGN §8: cloud
# download >= 80% of nginx's throughput for the same large file).
#
# Starts a fresh `safelight serve --roles accounts,keys,cloud` (SQLite, folder blob store) in a
# temporary folder, signs up, verifies and signs in one user, builds a sealed report of SIZE_MIB
# (random bytes encrypted with `safelight encrypt`, so package.encrypted is real RNCryptor v3
# password-mode data, zipped with package.json naming the key server, stored), uploads it to
# POST /api/v1/cloud/reports (streamed by curl -T), then downloads it RUNS times from the cloud
# role's download_url with curl (one connection, body to /dev/null) and RUNS times from nginx
# serving the same .picsafe file, alternating the two, checks every download's size, and prints
# the median and best MB/s of each and the ratios. Loopback only; everything started and written is removed on exit (KEEP=1
# keeps the temporary folder).
#
# Settings (environment):
#   SIZE_MIB=1024      size of the random payload (the .picsafe is a little larger)
#   RUNS=9             downloads per target, alternating (after one warm-up download each)
#   SAFELIGHT_JAVA=java, SAFELIGHT_JAVA_OPTS=   the JVM for the server and the CLI
#   KEEP=1             keep the temporary folder
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/cli/target/safelight.jar"
SIZE_MIB="${SIZE_MIB:-1024}"
RUNS="${RUNS:-9}"
JAVA="${SAFELIGHT_JAVA:-java}"
JAVA_OPTS="${SAFELIGHT_JAVA_OPTS:-}"
EMAIL="bench@example.org"
PASSWORD="correct horse battery staple bench"

BENCH=cloud-download
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

for tool in nginx curl zip; do
    command -v "$tool" >/dev/null 2>&1 || die "missing: $tool (apt-get install nginx-light curl zip)"
done
command -v "$JAVA" >/dev/null 2>&1 || die "no Java at '$JAVA' (set SAFELIGHT_JAVA)"
[[ -f "$jar" ]] || die "no $jar: build it first with ./mvnw -q -B -o verify -pl cli -am -DskipTests"


median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

download_once() { # name, url, [header]: one download; appends its MB/s to $work/<name>.txt unless warm-up
    local name="$1" url="$2" header="${3:-}" warm="${4:-}" out size code speed
    local args=(-sS -o /dev/null --max-time 600 -w '%{http_code} %{size_download} %{speed_download}')
    [[ -n "$header" ]] && args+=(-H "$header")
    out="$(curl "${args[@]}" "$url")" || die "$name: curl failed"
    read -r code size speed <<<"$out"
    [[ "$code" == 200 ]] || die "$name: HTTP $code"
    [[ "$size" == "$bytes" ]] || die "$name: got $size bytes, expected $bytes"
    [[ -n "$warm" ]] && return 0
    awk -v s="$speed" 'BEGIN {printf "%.1f\n", s / 1e6}' >>"$work/$name.txt"
    say "cloud-download: $name: $(tail -n 1 "$work/$name.txt") MB/s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
java_version="$("$JAVA" -version 2>&1 | sed -n 2p)"

# --- the Safelight server -----------------------------------------------------------------------
port="$(free_port)"
base="http://127.0.0.1:$port"
mkdir -p "$work/data" "$work/home" "$work/report" "$work/nginx/html"
say "cloud-download: starting the server on $base in $work"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"$JAVA" $JAVA_OPTS -jar "$jar" serve --data-dir "$work/data" --port "$port" --host 127.0.0.1 \
    --roles accounts,keys,cloud --public-url "http://localhost:$port" >"$work/server.log" 2>&1 &
server_pid=$!
wait_http "$base/api/v1/accounts/openapi.yaml" "$server_pid" "the Safelight server"

signed_up "$base" --first Bench --last Tester --country AU

token() { # a fresh access token (they are short-lived)
    curl -fsS --max-time 30 -H 'Content-Type: application/json' \
        -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" "$base/api/v1/accounts/signin" \
        | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'
}

# --- a large sealed report ------------------------------------------------------------------------
report_id="0000000420000000000000"
say "cloud-download: building a ${SIZE_MIB} MiB sealed report"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$work/payload.bin"
cli encrypt --password "bench-report-key" "$work/payload.bin" "$work/report/package.encrypted" \
    || die "safelight encrypt failed"
rm -f "$work/payload.bin"
printf '{"keyserver_url":"%s","report_id":"%s"}' "$base" "$report_id" >"$work/report/package.json"
(cd "$work/report" && zip -q -0 -X "$work/nginx/html/$report_id.picsafe" package.json package.encrypted) \
    || die "zip failed"
rm -f "$work/report/package.encrypted"
file="$work/nginx/html/$report_id.picsafe"
bytes="$(stat -c %s "$file")"

say "cloud-download: uploading $bytes bytes"
curl -fsS --max-time 600 -X POST -T "$file" -H 'Expect:' -H 'Content-Type: application/octet-stream' \
    -H "Authorization: Bearer $(token)" "$base/api/v1/cloud/reports" >"$work/upload.json" \
    || die "upload failed: $(cat "$work/upload.json" 2>/dev/null)"
download_url="$(sed -n 's/.*"download_url" *: *"\([^"]*\)".*/\1/p' "$work/upload.json")"
[[ -n "$download_url" ]] || die "no download_url in $(cat "$work/upload.json")"
# The public URL says localhost; ask 127.0.0.1 directly, as for nginx.
download_url="${download_url/http:\/\/localhost:/http://127.0.0.1:}"

# --- nginx, the same file from disk ------------------------------------------------------------------
start_nginx auto application/octet-stream ""
nginx_url="http://127.0.0.1:$nport/$report_id.picsafe"

# Alternate the two, so that the load of a shared machine falls on both alike; one warm-up each.
: >"$work/cloud.txt"
: >"$work/nginx.txt"
auth="Authorization: Bearer $(token)"
download_once cloud "$download_url" "$auth" warm-up
download_once nginx "$nginx_url" "" warm-up
for ((i = 1; i <= RUNS; i++)); do
    ((i % 5 == 0)) && auth="Authorization: Bearer $(token)" # user tokens are short-lived
    download_once cloud "$download_url" "$auth"
    download_once nginx "$nginx_url"
done

# --- summary ------------------------------------------------------------------------------------
cloud_mbs="$(median <"$work/cloud.txt")"
nginx_mbs="$(median <"$work/nginx.txt")"
ratio="$(awk -v a="$cloud_mbs" -v b="$nginx_mbs" 'BEGIN {printf "%.1f", 100 * a / b}')"
verdict="$(awk -v r="$ratio" 'BEGIN {print (r >= 80 ? "met" : "missed")}')"
echo "date:          $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "java:          $JAVA ($java_version) $JAVA_OPTS"
echo "file:          $bytes bytes (sealed report, ${SIZE_MIB} MiB payload); $RUNS downloads each after a warm-up"
echo "load average:  before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cloud runs:    $(tr '\n' ' ' <"$work/cloud.txt")MB/s"
echo "nginx runs:    $(tr '\n' ' ' <"$work/nginx.txt")MB/s"
cloud_best="$(sort -g "$work/cloud.txt" | tail -n 1)"
nginx_best="$(sort -g "$work/nginx.txt" | tail -n 1)"
echo "median:        cloud $cloud_mbs MB/s, nginx $nginx_mbs MB/s"
echo "best:          cloud $cloud_best MB/s, nginx $nginx_best MB/s ($(awk -v a="$cloud_best" -v b="$nginx_best" 'BEGIN {printf "%.1f", 100 * a / b}')%)"
echo "ratio:         cloud / nginx medians = $ratio% (target >= 80%: $verdict)"
