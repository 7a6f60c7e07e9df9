#!/usr/bin/env bash
# The endpoint, from intake to the folder destination: reports per second, and the server's memory
# while a large video report passes (issue 10; DESIGN §6 and §8).
#
# Starts a fresh `safelight serve --roles accounts,endpoint` (SQLite) in a temporary folder, with the
# folder destination in $work/filed and plain HTTP allowed for plain reports (loopback only). Signs
# up, verifies and signs in one user and exchanges its token for an endpoint token (refreshed in the
# background: they live 5 minutes).
#
# 1. Throughput: REPORTS distinct reports of KIND (plain: report ZIPs; static: sealed with
#    `safelight seal --static-key` for an institution key the endpoint holds), each a few hundred KB
#    (two photos, a signature, the PDF), posted to POST /api/report by PARALLEL curl processes. The
#    clock runs from the first post to the moment the last report's DIR/{ReportID}/report.json
#    exists. Prints reports/s to the folder, and the intake-only rate (until the last 200).
# 2. Memory: the server is restarted (so its peak RSS, VmHWM, counts this report only), one small
#    report passes as a warm-up, then one plain report with a VIDEO_MIB video is posted (streamed
#    by curl from disk) and waited for in the folder. Prints VmHWM after the warm-up and after the
#    video, the highest VmRSS sampled every 100 ms, and the times to acknowledge and to file.
#
# Loopback only; everything it started and wrote is removed on exit (KEEP=1 keeps it). Needs about
# 4 x VIDEO_MIB of free disk in $TMPDIR (the upload, the stored copy, the opened copy, the folder).
#
# Settings (environment):
#   REPORTS=200 PARALLEL=4     throughput run
#   KIND=plain                 plain | static
#   VIDEO_MIB=2048             the video of the memory run (0 skips the memory run)
#   SAFELIGHT_JAVA=java, SAFELIGHT_JAVA_OPTS=   the JVM and its options for the server (e.g. -Xmx256m)
#   SAFELIGHT_JAR=cli/target/safelight.jar     the server and CLI jar
#   SAFELIGHT_SHARED=../shared the shared folder (fixture media)
#   KEEP=1                     keep the temporary folder
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${SAFELIGHT_JAR:-$root/cli/target/safelight.jar}"
REPORTS="${REPORTS:-200}"
PARALLEL="${PARALLEL:-4}"
KIND="${KIND:-plain}"
VIDEO_MIB="${VIDEO_MIB:-2048}"
JAVA="${SAFELIGHT_JAVA:-java}"
JAVA_OPTS="${SAFELIGHT_JAVA_OPTS:-}"
SHARED="${SAFELIGHT_SHARED:-$root/../shared}"
EMAIL="bench@example.org"
PASSWORD="correct horse battery staple bench"

BENCH=endpoint-intake
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

for tool in curl zip unzip openssl; do
    command -v "$tool" >/dev/null 2>&1 || die "missing: $tool (apt-get install curl zip unzip openssl)"
done
[[ -f "$jar" ]] || die "no $jar: build it first with ./mvnw -q -B -o package -pl cli -am -DskipTests"
[[ "$KIND" == plain || "$KIND" == static ]] || die "KIND must be plain or static"

refresher_pid=""
sampler_pid=""
stop_helpers() { # the background loops, and the sleep each may be in
    local pid
    for pid in $refresher_pid $sampler_pid; do
        pkill -P "$pid" 2>/dev/null || true
        kill "$pid" 2>/dev/null || true
    done
}
# set +e: under errexit the (exit) that hands the status on to lib.sh's cleanup would end the trap early.
trap 'status=$?; set +e; stop_helpers; (exit "$status"); cleanup' EXIT

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b - a}'; }
kib() { awk '/^'"$2"':/ {print $2}' "/proc/$1/status"; } # pid, VmHWM|VmRSS: KiB

port="$(free_port)"
base="http://127.0.0.1:$port"
filed="$work/filed"
mkdir -p "$work/data" "$work/home" "$work/draft" "$work/reports" "$work/keys" "$filed"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
java_version="$("$JAVA" -version 2>&1 | sed -n 2p)"

# The institution's key pair: the endpoint opens static-key reports with the private key.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$work/keys/institution.pem" 2>/dev/null
openssl pkey -in "$work/keys/institution.pem" -pubout -out "$work/institution.pub.pem"

start_server() {
    say "endpoint-intake: starting the server on $base"
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    "$JAVA" $JAVA_OPTS -jar "$jar" serve --data-dir "$work/data" --port "$port" --host 127.0.0.1 \
        --roles accounts,endpoint --public-url "$base" \
        --endpoint-folder "$filed" --endpoint-allow-plain-http --endpoint-private-keys "$work/keys" \
        >>"$work/server.log" 2>&1 &
    server_pid=$!
    wait_http "$base/health" "$server_pid" "the Safelight server"
}

start_server
signed_up "$base" --first Bench --last Tester --country AU
cli login --server "$base" --email "$EMAIL" >/dev/null || die "login failed"

endpoint_token() { # a fresh endpoint token into $work/token (user tokens live 15 min, endpoint tokens 5)
    local user_token answer
    user_token="$(curl -fsS --max-time 30 -H 'Content-Type: application/json' \
        -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" "$base/api/v1/accounts/signin" \
        | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')"
    answer="$(curl -fsS --max-time 30 -H "Authorization: Bearer $user_token" -H 'Content-Type: application/json' \
        -d "{\"endpoint\": \"$base\"}" "$base/api/v1/accounts/endpoint-token")" || return 1
    # No line end: curl's -F "token=<FILE" would send it as part of the token.
    sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p' <<<"$answer" | tr -d '\n' >"$work/token.new"
    [[ -s "$work/token.new" ]] && mv "$work/token.new" "$work/token"
}
endpoint_token || die "the endpoint token exchange failed"
(while sleep 120; do endpoint_token || true; done) &
refresher_pid=$!

post() { # file: POST /api/report; prints the HTTP status
    curl -sS -o "$work/answers/$(basename "$1").json" -w '%{http_code}\n' --max-time 3600 -H 'Expect:' \
        -F "token=<$work/token" -F "picsafe_file=@$1;type=application/octet-stream" "$base/api/report"
}
export -f post
export work base

# --- the reports --------------------------------------------------------------------------------
cp "$SHARED/fixtures/media/photo-landscape.jpg" "$work/draft/wound.jpg"
cp "$SHARED/fixtures/media/photo-rotated.jpg" "$work/draft/wound2.jpg"
cp "$SHARED/fixtures/media/signature.jpg" "$work/draft/consent.jpg"
cat >"$work/draft/metadata.json" <<'EOF'
{"report": {
  "patient": {"firstname": "Ada", "lastname": "Quill", "day": "7", "month": "3", "year": "1961", "patientid": "MRN-204817"},
  "user": {"userid": "42", "title": "Dr", "firstname": "Noor", "lastname": "Haddad", "email": "bench@example.org", "country": "AU"},
  "details": {"notes": "Pressure injury, sacrum, stage 2."},
  "consent": {"type": "signed", "consentlevels": "treatment"}
}}
EOF
say "endpoint-intake: building $REPORTS $KIND reports"
if [[ "$KIND" == static ]]; then
    # One seal per report (each gets its own report ID); two at a time on two cores.
    seq "$REPORTS" | xargs -P 2 -I{} sh -c \
        'SAFELIGHT_PASSWORD="$0" XDG_CONFIG_HOME="$1/home" "$2" -jar "$3" seal "$1/draft" -o "$1/reports/" --static-key "$1/institution.pub.pem" >/dev/null' \
        "$PASSWORD" "$work" "$JAVA" "$jar" || die "sealing failed"
else
    # One plain report sealed once, then copied under new report IDs (same length, new last digits).
    cli seal "$work/draft" -o "$work/template.zip" --plain >/dev/null || die "sealing the plain template failed"
    mkdir -p "$work/template"
    (cd "$work/template" && unzip -q "$work/template.zip")
    template_id="$(sed -n 's/.*"reportid" *: *"\([^"]*\)".*/\1/p' "$work/template/metadata.json" | head -n 1)"
    [[ -n "$template_id" ]] || die "no report_id in the template's metadata.json"
    prefix="${template_id:0:$((${#template_id} - 6))}"
    for ((i = 1; i <= REPORTS + 1; i++)); do # the last one is the warm-up of the memory run
        id="$prefix$(printf '%06d' "$i")"
        mkdir -p "$work/one"
        cp "$work/template/"* "$work/one/"
        sed -i "s/$template_id/$id/g" "$work/one/metadata.json"
        out="$work/reports"
        ((i > REPORTS)) && { out="$work"; warm_id="$id"; }
        (cd "$work/one" && zip -q -X "$out/$id.zip" ./*)
        rm -rf "$work/one"
    done
fi
count="$(find "$work/reports" -type f | wc -l)"
[[ "$count" == "$REPORTS" ]] || die "built $count reports, expected $REPORTS"
report_bytes="$(du -cb "$work"/reports/* | tail -n 1 | cut -f1)"

# --- 1. throughput --------------------------------------------------------------------------------
mkdir -p "$work/answers"
say "endpoint-intake: posting $REPORTS reports, $PARALLEL at a time"
t0="$(now)"
find "$work/reports" -type f | xargs -P "$PARALLEL" -I{} bash -c 'post "$1"' _ {} >"$work/statuses.txt"
t_acked="$(now)"
bad="$(grep -vc '^200$' "$work/statuses.txt" || true)"
[[ "$bad" == 0 ]] || die "$bad posts were not answered 200: $(sort "$work/statuses.txt" | uniq -c | tr '\n' ' '); see $work/answers"
deadline=$((SECONDS + 600))
while (( $(find "$filed" -mindepth 2 -maxdepth 2 -name report.json | wc -l) < REPORTS )); do
    ((SECONDS < deadline)) || die "only $(find "$filed" -mindepth 2 -maxdepth 2 -name report.json | wc -l) of $REPORTS filed within 600 s"
    kill -0 "$server_pid" 2>/dev/null || die "the server exited (log in $work/server.log)"
    sleep 0.05
done
t_filed="$(now)"
acked_s="$(seconds "$t0" "$t_acked")"
filed_s="$(seconds "$t0" "$t_filed")"
rate_acked="$(awk -v n="$REPORTS" -v s="$acked_s" 'BEGIN {printf "%.1f", n / s}')"
rate_filed="$(awk -v n="$REPORTS" -v s="$filed_s" 'BEGIN {printf "%.1f", n / s}')"
load_after_throughput="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- 2. memory while a large video report passes ----------------------------------------------------------
if ((VIDEO_MIB > 0)); then
    say "endpoint-intake: building a plain report with a $VIDEO_MIB MiB video"
    mkdir -p "$work/video-draft" "$work/video"
    cp "$work/draft/"* "$work/video-draft/"
    cp "$SHARED/fixtures/media/clip.m4v" "$work/video-draft/clip.m4v"
    cli seal "$work/video-draft" -o "$work/video-template.zip" --plain >/dev/null || die "sealing the video template failed"
    (cd "$work/video" && unzip -q "$work/video-template.zip")
    rm -f "$work/video-template.zip"
    video_file="$(cd "$work/video" && find . -maxdepth 1 \( -name '*.m4v' -o -name '*.mp4' \) -printf '%f\n' | head -n 1)"
    [[ -n "$video_file" ]] || die "the sealed video report has no video file"
    # A real clip's bytes first, then random bytes up to the size: the endpoint never parses media.
    head -c "$((VIDEO_MIB * 1024 * 1024 - $(stat -c %s "$work/video/$video_file")))" /dev/urandom >>"$work/video/$video_file"
    video_id="$(sed -n 's/.*"reportid" *: *"\([^"]*\)".*/\1/p' "$work/video/metadata.json" | head -n 1)"
    (cd "$work/video" && zip -q -0 -X "$work/video.zip" ./*)
    rm -rf "$work/video"
    video_bytes="$(stat -c %s "$work/video.zip")"

    say "endpoint-intake: restarting the server for a clean peak RSS"
    stop_pid "$server_pid" "the Safelight server"
    start_server
    endpoint_token || die "the endpoint token exchange failed after the restart"
    # A report not received before (one received again is only acknowledged, not filed again).
    [[ -n "${warm_id:-}" ]] || die "the memory run needs KIND=plain (its warm-up report)"
    [[ "$(post "$work/$warm_id.zip")" == 200 ]] || die "the warm-up post failed"
    deadline=$((SECONDS + 300))
    until [[ -f "$filed/$warm_id/report.json" ]]; do
        ((SECONDS < deadline)) || die "the warm-up report was not filed within 300 s"
        sleep 0.05
    done
    hwm_warm="$(kib "$server_pid" VmHWM)"

    (max=0; while kill -0 "$server_pid" 2>/dev/null; do
        r="$(kib "$server_pid" VmRSS)"; ((r > max)) && { max=$r; echo "$max" >"$work/rss-max"; }; sleep 0.1
    done) &
    sampler_pid=$!
    say "endpoint-intake: posting the $video_bytes-byte report"
    t0="$(now)"
    status="$(post "$work/video.zip")"
    t_acked="$(now)"
    [[ "$status" == 200 ]] || die "the video report was answered $status: $(cat "$work/answers/video.zip.json")"
    deadline=$((SECONDS + 1800))
    until [[ -f "$filed/$video_id/report.json" ]]; do
        ((SECONDS < deadline)) || die "the video report was not filed within 1800 s"
        kill -0 "$server_pid" 2>/dev/null || die "the server exited (log in $work/server.log)"
        sleep 0.1
    done
    t_filed="$(now)"
    hwm_video="$(kib "$server_pid" VmHWM)"
    kill "$sampler_pid" 2>/dev/null || true
    sampler_pid=""
    rss_max="$(cat "$work/rss-max" 2>/dev/null || echo 0)"
    filed_video="$(stat -c %s "$filed/$video_id/$video_file")"
    [[ "$filed_video" == "$((VIDEO_MIB * 1024 * 1024))" ]] || die "the filed video has $filed_video bytes"
fi

# --- summary ----------------------------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}'; }
echo "date:          $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:       $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB; $(uname -sr)"
echo "java:          $JAVA ($java_version) $JAVA_OPTS"
echo "load average:  before $load_before, after the throughput run $load_after_throughput, at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "throughput:    $REPORTS $KIND reports ($report_bytes bytes), $PARALLEL posts at a time"
echo "   acknowledged: $rate_acked reports/s (the last 200 after $acked_s s)"
echo "   filed:        $rate_filed reports/s (the last report.json in the folder after $filed_s s)"
if ((VIDEO_MIB > 0)); then
    echo "video report:  $video_bytes bytes (a ${VIDEO_MIB} MiB video), plain, over loopback"
    echo "   acknowledged after $(seconds "$t0" "$t_acked") s, filed after $(seconds "$t0" "$t_filed") s"
    echo "   server peak RSS (VmHWM): $(mib "$hwm_warm") after the warm-up, $(mib "$hwm_video") after the video; highest VmRSS sampled: $(mib "$rss_max")"
fi
