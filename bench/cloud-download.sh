#!/usr/bin/env bash
# Cloud download throughput at several sizes (DESIGN §8, issue 14 target 5: the cloud role's
# download >= 80% of nginx's throughput for the same file, on the folder store; and the S3 store's
# download against a plain S3 GET of the same object).
#
# For each size in SIZES: builds a sealed report (random bytes encrypted with `safelight encrypt`,
# so package.encrypted is real RNCryptor v3 data the upload check accepts, zipped with package.json
# and stored), uploads it to a fresh `safelight serve --roles accounts,keys,cloud` (SQLite, folder
# blob store) and downloads it RUNS times from the cloud role's download_url and RUNS times from
# nginx (`sendfile on`) serving the same .picsafe file, alternating, one curl per download (one
# connection, body to /dev/null), checking every download's size and status. Then the same server
# restarts on the same data folder with the S3 blob store on S3Mock (the standalone jar the cloud
# module's tests run), the reports are uploaded again, and each is downloaded RUNS times through
# the cloud role and RUNS times straight from S3Mock (a plain GET of the stored object), alternating.
# Every server is warmed first, untimed, as a production server is: before the first size's timed
# runs, each target (cloud, nginx, before) answers WARM_REQUESTS Range requests (one curl, one
# connection; three in four for 1,000 bytes, one in four for 2 MiB, so that a body sent in several
# writes is warm too; WARM_REQUESTS_S3 for the cloud role on S3 and S3Mock), and before each size's
# timed runs WARM_DOWNLOADS whole downloads of that size. Without it the first sizes measure the JIT
# compiling the download path (a cold server spent ~0.5 ms of CPU per request before the first
# byte, a warm one ~0.15 ms). The bearer token is fetched once per size and server, outside the
# timed downloads (a sign-in hashes a password on the same server; tokens live 15 minutes).
# Prints the medians and their ratios as a markdown table. Loopback only; everything started and
# written is removed on exit (KEEP=1 keeps the temporary folder). Needs about 3 x the sum of SIZES
# of free disk in the temporary folder.
#
# Settings (environment):
#   SIZES="64 512 1024"   payload sizes in MiB (each .picsafe is a little larger)
#   RUNS=5                timed downloads per target and size, alternating
#   WARM_REQUESTS=20000   untimed Range requests per target before the first size (0: none)
#   WARM_REQUESTS_S3=1000 the same for the two S3 targets (S3Mock answers ~100-200 such requests/s)
#   WARM_DOWNLOADS=2      untimed whole downloads per target before each size's timed ones
#   S3=1                  0 skips the S3 part
#   BEFORE_JAR=           another build's safelight.jar (e.g. main's): its server is measured too,
#                         alternating with the others, as "before" (folder store, its own data folder)
#   SAFELIGHT_JAR=cli/target/safelight.jar   the server and CLI jar; built when missing
#   SAFELIGHT_JAVA=java, SAFELIGHT_JAVA_OPTS=   the JVM for the servers and the CLI
#   KEEP=1                keep the temporary folder
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${SAFELIGHT_JAR:-$root/cli/target/safelight.jar}"
SIZES="${SIZES:-64 512 1024}"
RUNS="${RUNS:-5}"
WARM_REQUESTS="${WARM_REQUESTS:-20000}"
WARM_REQUESTS_S3="${WARM_REQUESTS_S3:-1000}"
WARM_DOWNLOADS="${WARM_DOWNLOADS:-2}"
S3="${S3:-1}"
BEFORE_JAR="${BEFORE_JAR:-}"
JAVA="${SAFELIGHT_JAVA:-java}"
JAVA_OPTS="${SAFELIGHT_JAVA_OPTS:-}"
EMAIL="bench@example.org"
PASSWORD="correct horse battery staple bench"
BUCKET="safelight-bench"

BENCH=cloud-download
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
note() { say "cloud-download [${SECONDS} s]: $*"; }

# lib.sh stops $server_pid and $nginx_pid; S3Mock and the "before" server are stopped here first.
s3mock_pid=""
before_pid=""
stop_all() {
    local status=$?
    set +e
    stop_pid "$before_pid" "the before server"
    stop_pid "$s3mock_pid" "S3Mock"
    (exit "$status")
    cleanup
}
trap stop_all EXIT

for tool in nginx curl zip sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || die "missing: $tool (apt-get install nginx-light curl zip)"
done
command -v "$JAVA" >/dev/null 2>&1 || die "no Java at '$JAVA' (set SAFELIGHT_JAVA)"
if [[ ! -f "$jar" ]]; then
    note "building $jar"
    (cd "$root" && ./mvnw -B -o -q -pl cli -am package -DskipTests) >&2 || die "the build failed"
fi
[[ -z "$BEFORE_JAR" || -f "$BEFORE_JAR" ]] || die "no BEFORE_JAR at $BEFORE_JAR"
s3mock_jar="$root/cloud/target/s3mock/s3mock-exec.jar"
if [[ "$S3" == 1 && ! -f "$s3mock_jar" ]]; then # copied there by the cloud module's build; else Maven's copy
    version="$(sed -n 's:.*<s3mock.version>\(.*\)</s3mock.version>.*:\1:p' "$root/pom.xml")"
    s3mock_jar="$HOME/.m2/repository/com/adobe/testing/s3mock/$version/s3mock-$version-exec.jar"
    [[ -f "$s3mock_jar" ]] || die "no S3Mock jar: build the cloud module (./mvnw -B -o -pl cloud -am package -DskipTests)"
fi

median() { sort -g | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
percent() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }

cpu_ns() { # pids...: the CPU time (user + system, ns) their threads have used so far (schedstat)
    local p
    for p in "$@"; do cat /proc/"$p"/task/*/schedstat 2>/dev/null || true; done | awk '{s += $1} END {printf "%.0f\n", s}'
}

download_once() { # name, url, header ("" for none), expected bytes, warm-up (""/warm-up), serving pids...
    # Appends MB/s to $work/<name>.txt and the serving processes' CPU ms per GB to $work/<name>.cpu.
    local name="$1" url="$2" header="$3" expected="$4" warm="$5" out size code speed ttfb cpu0 cpu1
    shift 5
    local args=(-sS -o /dev/null --max-time 600 -w '%{http_code} %{size_download} %{speed_download} %{time_starttransfer}')
    [[ -n "$header" ]] && args+=(-H "$header")
    cpu0="$(cpu_ns "$@")"
    out="$(curl "${args[@]}" "$url")" || die "$name: curl failed"
    cpu1="$(cpu_ns "$@")"
    read -r code size speed ttfb <<<"$out"
    [[ "$code" == 200 ]] || die "$name: HTTP $code"
    [[ "$size" == "$expected" ]] || die "$name: got $size bytes, expected $expected"
    [[ -n "$warm" ]] && return 0
    awk -v s="$speed" 'BEGIN {printf "%.1f\n", s / 1e6}' >>"$work/$name.txt"
    awk -v c="$((cpu1 - cpu0))" -v b="$size" 'BEGIN {printf "%.0f\n", c / 1e6 / (b / 1e9)}' >>"$work/$name.cpu"
    note "$name: $(tail -n 1 "$work/$name.txt") MB/s, $(tail -n 1 "$work/$name.cpu") CPU ms/GB, first byte after $ttfb s" \
        "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

warm_requests() { # url, header ("" for none), count: Range requests, one connection, untimed
    # Three in four ask for bytes 0-999 (the request's own path), one in four for 2 MiB + 1 byte (the
    # path of a body sent in several writes).
    local url="$1" header="$2" count="$3" i range
    ((count > 0)) || return 0
    for ((i = 0; i < count; i++)); do
        range=999
        ((i % 4 == 3)) && range=2097152
        if ((i > 0)); then echo 'next'; fi
        echo "url = \"$url\""
        echo 'output = "/dev/null"'
        echo 'silent'
        echo 'show-error'
        echo 'fail'
        echo "header = \"Range: bytes=0-$range\""
        if [[ -n "$header" ]]; then echo "header = \"$header\""; fi
    done >"$work/warm.cfg"
    curl --max-time 600 -K "$work/warm.cfg" || die "warming $url failed"
    rm -f "$work/warm.cfg" # it may hold a token
}

nginx_pids() { echo "$nginx_pid" $(pgrep -P "$nginx_pid" || true); }

start_serve() { # jar, data dir, port, log, serve's extra options...: starts it in the background ($!)
    local server_jar="$1" data="$2" port="$3" log="$4"
    shift 4
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
    "$JAVA" $JAVA_OPTS -jar "$server_jar" serve --data-dir "$data" --port "$port" --host 127.0.0.1 \
        --roles accounts,keys,cloud --public-url "http://localhost:$port" "$@" >"$log" 2>&1 &
}

token() { # base url: a fresh access token (they are short-lived)
    curl -fsS --max-time 30 -H 'Content-Type: application/json' \
        -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" "$1/api/v1/accounts/signin" \
        | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'
}

upload() { # base url, file: uploads it; prints its download URL (on 127.0.0.1, as for nginx)
    local base="$1" file="$2" answer="$work/upload.json" url
    curl -fsS --max-time 900 -X POST -T "$file" -H 'Expect:' -H 'Content-Type: application/octet-stream' \
        -H "Authorization: Bearer $(token "$base")" "$base/api/v1/cloud/reports" >"$answer" \
        || die "upload to $base failed: $(cat "$answer" 2>/dev/null)"
    url="$(sed -n 's/.*"download_url" *: *"\([^"]*\)".*/\1/p' "$answer")"
    [[ -n "$url" ]] || die "no download_url in $(cat "$answer")"
    echo "${url/http:\/\/localhost:/http://127.0.0.1:}"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
java_version="$("$JAVA" -version 2>&1 | sed -n 2p)"
mkdir -p "$work/data" "$work/home" "$work/report" "$work/nginx/html"

# S3Mock starts while the rest is prepared (it takes a while); it is first used after the folder part.
if [[ "$S3" == 1 ]]; then
    s3port="$(free_port)"
    note "starting S3Mock on $s3port"
    "$JAVA" -Xmx512m -jar "$s3mock_jar" --http.port="$s3port" --server.port="$(free_port)" \
        --com.adobe.testing.s3mock.store.initial-buckets="$BUCKET" \
        --com.adobe.testing.s3mock.store.root="$work/s3mock-root" >"$work/s3mock.log" 2>&1 &
    s3mock_pid=$!
fi

# --- the Safelight server (folder store) and, if asked, the build to compare with ------------------
port="$(free_port)"
base="http://127.0.0.1:$port"
note "starting the server on $base in $work"
start_serve "$jar" "$work/data" "$port" "$work/server.log"
server_pid=$!
wait_http "$base/api/v1/accounts/openapi.yaml" "$server_pid" "the Safelight server"
signed_up "$base" --first Bench --last Tester --country AU
if [[ -n "$BEFORE_JAR" ]]; then
    before_port="$(free_port)"
    before_base="http://127.0.0.1:$before_port"
    mkdir -p "$work/before/data" "$work/before/home"
    start_serve "$BEFORE_JAR" "$work/before/data" "$before_port" "$work/before/server.log"
    before_pid=$!
    wait_http "$before_base/api/v1/accounts/openapi.yaml" "$before_pid" "the before server"
    # signed_up reads $work/data/outbox: in a subshell, $work is the before server's folder
    (work="$work/before"; signed_up "$before_base" --first Bench --last Tester --country AU)
fi

# --- the reports, one per size --------------------------------------------------------------------
sizes=()
for mib in $SIZES; do
    [[ "$mib" =~ ^[0-9]+$ && "$mib" -gt 0 ]] || die "SIZES holds MiB counts, not '$mib'"
    sizes+=("$mib")
    id="$(printf '%022d' "$mib")"
    note "building a $mib MiB sealed report"
    head -c "$((mib * 1024 * 1024))" /dev/urandom >"$work/payload.bin"
    cli encrypt --password "bench-report-key" "$work/payload.bin" "$work/report/package.encrypted" >/dev/null \
        || die "safelight encrypt failed"
    rm -f "$work/payload.bin"
    printf '{"keyserver_url":"%s","report_id":"%s"}' "$base" "$id" >"$work/report/package.json"
    (cd "$work/report" && zip -q -0 -X "$work/nginx/html/$mib.picsafe" package.json package.encrypted) \
        || die "zip failed"
    rm -f "$work/report/package.encrypted"
done

start_nginx auto application/octet-stream ""

# --- folder store: cloud, nginx (and before), alternating -----------------------------------------
for mib in "${sizes[@]}"; do
    file="$work/nginx/html/$mib.picsafe"
    bytes="$(stat -c %s "$file")"
    echo "$bytes" >"$work/bytes-$mib"
    note "$mib MiB: uploading $bytes bytes"
    cloud_url="$(upload "$base" "$file")"
    [[ -n "$BEFORE_JAR" ]] && before_url="$(upload "$before_base" "$file")"
    : >"$work/cloud-$mib.txt" && : >"$work/nginx-$mib.txt" && : >"$work/before-$mib.txt"
    nginx_url="http://127.0.0.1:$nport/$mib.picsafe"
    cloud_auth="Authorization: Bearer $(token "$base")"
    [[ -n "$BEFORE_JAR" ]] && before_auth="Authorization: Bearer $(token "$before_base")"
    if [[ "$mib" == "${sizes[0]}" ]]; then
        note "warming: $WARM_REQUESTS Range requests per target"
        warm_requests "$cloud_url" "$cloud_auth" "$WARM_REQUESTS"
        warm_requests "$nginx_url" "" "$WARM_REQUESTS"
        [[ -n "$BEFORE_JAR" ]] && warm_requests "$before_url" "$before_auth" "$WARM_REQUESTS"
    fi
    for ((i = 0; i < WARM_DOWNLOADS + RUNS; i++)); do
        warm=""
        ((i < WARM_DOWNLOADS)) && warm=warm-up
        download_once "cloud-$mib" "$cloud_url" "$cloud_auth" "$bytes" "$warm" "$server_pid"
        # shellcheck disable=SC2046 # one word per pid
        download_once "nginx-$mib" "$nginx_url" "" "$bytes" "$warm" $(nginx_pids)
        if [[ -n "$BEFORE_JAR" ]]; then
            download_once "before-$mib" "$before_url" "$before_auth" "$bytes" "$warm" "$before_pid"
        fi
    done
done
stop_pid "$before_pid" "the before server"
before_pid=""

# --- S3 store: the same server on S3Mock, against a plain GET from S3Mock --------------------------
if [[ "$S3" == 1 ]]; then
    stop_pid "$server_pid" "the Safelight server"
    wait_http "http://127.0.0.1:$s3port/$BUCKET" "$s3mock_pid" "S3Mock"
    SAFELIGHT_S3_SECRET_KEY=bench-secret start_serve "$jar" "$work/data" "$port" "$work/server-s3.log" \
        --blob-store s3 --s3-endpoint "http://127.0.0.1:$s3port" --s3-bucket "$BUCKET" --s3-access-key bench
    server_pid=$!
    wait_http "$base/api/v1/accounts/openapi.yaml" "$server_pid" "the Safelight server on S3"
    for mib in "${sizes[@]}"; do
        file="$work/nginx/html/$mib.picsafe"
        bytes="$(cat "$work/bytes-$mib")"
        note "$mib MiB: uploading $bytes bytes to the S3 store"
        s3_url="$(upload "$base" "$file")"
        # The object's name: the link's region, then the SHA-256 of its name (HashedKeyBlobStore).
        name="${s3_url##*/}"
        region="${s3_url%/*}"
        region="${region##*/}"
        object="http://127.0.0.1:$s3port/$BUCKET/$region/$(printf '%s' "$name" | sha256sum | cut -d' ' -f1)"
        : >"$work/s3-$mib.txt" && : >"$work/s3mock-$mib.txt"
        cloud_auth="Authorization: Bearer $(token "$base")"
        if [[ "$mib" == "${sizes[0]}" ]]; then
            note "warming the S3 targets: $WARM_REQUESTS_S3 Range requests each"
            warm_requests "$s3_url" "$cloud_auth" "$WARM_REQUESTS_S3"
            warm_requests "$object" "" "$WARM_REQUESTS_S3"
        fi
        for ((i = 0; i < WARM_DOWNLOADS + RUNS; i++)); do
            warm=""
            ((i < WARM_DOWNLOADS)) && warm=warm-up
            download_once "s3-$mib" "$s3_url" "$cloud_auth" "$bytes" "$warm" "$server_pid"
            download_once "s3mock-$mib" "$object" "" "$bytes" "$warm" "$s3mock_pid"
        done
    done
fi

# --- summary --------------------------------------------------------------------------------------
echo "date:          $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "java:          $JAVA ($java_version) $JAVA_OPTS"
echo "downloads:     $RUNS per target and size, alternating, after $WARM_DOWNLOADS untimed ones each (and, before the"
echo "               first size, $WARM_REQUESTS untimed Range requests per target, $WARM_REQUESTS_S3 on S3);"
echo "               medians in MB/s (10^6 B/s);"
echo "               CPU ms/GB: CPU time of the serving process(es) per 10^9 bytes sent, steadier than MB/s under load"
echo "load average:  before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)"
echo
header="| payload | file bytes | cloud (folder) | nginx | cloud / nginx | CPU ms/GB cloud / nginx |"
rule="|---|---|---|---|---|---|"
[[ -n "$BEFORE_JAR" ]] && header+=" before | before / nginx | CPU ms/GB before |" && rule+="---|---|---|"
[[ "$S3" == 1 ]] && header+=" cloud (S3) | S3Mock GET | S3 cloud / direct |" && rule+="---|---|---|"
echo "$header"
echo "$rule"
for mib in "${sizes[@]}"; do
    cloud="$(median <"$work/cloud-$mib.txt")"
    nginx="$(median <"$work/nginx-$mib.txt")"
    row="| $mib MiB | $(cat "$work/bytes-$mib") | $cloud | $nginx | **$(percent "$cloud" "$nginx")** |"
    row+=" $(median <"$work/cloud-$mib.cpu") / $(median <"$work/nginx-$mib.cpu") |"
    if [[ -n "$BEFORE_JAR" ]]; then
        before="$(median <"$work/before-$mib.txt")"
        row+=" $before | $(percent "$before" "$nginx") | $(median <"$work/before-$mib.cpu") |"
    fi
    if [[ "$S3" == 1 ]]; then
        s3="$(median <"$work/s3-$mib.txt")"
        direct="$(median <"$work/s3mock-$mib.txt")"
        row+=" $s3 | $direct | **$(percent "$s3" "$direct")** |"
    fi
    echo "$row"
done
echo
for f in "$work"/cloud-*.txt "$work"/nginx-*.txt "$work"/before-*.txt "$work"/s3-*.txt "$work"/s3mock-*.txt; do
    [[ -s "$f" ]] && echo "runs $(basename "$f" .txt): $(tr '\n' ' ' <"$f")MB/s; $(tr '\n' ' ' <"${f%.txt}.cpu")CPU ms/GB"
done
echo "target: cloud (folder) / nginx >= 80% at every size"
