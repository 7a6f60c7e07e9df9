#!/usr/bin/env bash
# Opening big reports in the browser (issue 14, target 4): a real server (`safelight serve`), a
# signed-up user, reports sealed with the CLI for that user's key server, then headless Chromium signs
# in on My Safelight and chooses each report in the page's file input, as a user does. Prints, per
# report, the time from the file's choice to the first photo decoded and visible (or, for the video
# report, to the video's metadata loaded) and the memory taken: the renderer's VmHWM (the tab), the
# browser process's VmHWM (Blob storage, file reads) and the peak of all Chromium processes' RSS. Medians
# of RUNS runs, a fresh Chromium each; an opening the page refuses is counted as FAILED. See
# BrowserOpenBench for the details.
#
# The reference, side by side: the page of another build (REFERENCE_JAR, or REFERENCE_REV built from
# this repository's history into the temporary folder: a few minutes), served by that build's server
# from the same data folder and port, so the same reports open with the same key server. Each run
# opens every report on the reference page, then on this build's (A B A B ...).
#
# The photo reports hold copies of the 12 MP fixture photo (3.9 MB); the video report holds one video
# of VIDEO_MB: the fixture clip padded with a free box of random bytes, as bench/browser-seal.sh makes
# it. Needs about 3 x (sum of the sizes) of free disk in $TMPDIR.
#
# Settings (environment):
#   PHOTO_MB="10 100 500"  sizes of the photo reports (MB = 10^6 bytes)
#   VIDEO_MB=500           size of the video report (0: none)
#   RUNS=3                 openings per report and page
#   REFERENCE_JAR=         the CLI jar of the reference page; REFERENCE_REV= a git revision to build it from
#   BUILD=1                0: use the CLI jar already built (quicker re-runs)
#   SAFELIGHT_JAVA=java    the JVM; SAFELIGHT_JAR: another CLI build; KEEP=1 keeps the temporary folder
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="${SAFELIGHT_JAR:-$root/cli/target/safelight.jar}"
PHOTO_MB="${PHOTO_MB:-10 100 500}"
VIDEO_MB="${VIDEO_MB:-500}"
RUNS="${RUNS:-3}"
REFERENCE_JAR="${REFERENCE_JAR:-}"
REFERENCE_REV="${REFERENCE_REV:-}"
JAVA="${SAFELIGHT_JAVA:-java}"
SHARED="${SAFELIGHT_SHARED:-$root/../shared}"
EMAIL="open@example.org"
PASSWORD="correct horse battery staple open"

BENCH=browser-open
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

command -v chromium >/dev/null && command -v chromedriver >/dev/null || die "needs Debian's chromium and chromedriver"
[[ -f "$SHARED/fixtures/media/photo-12mp.jpg" ]] || die "no fixture media in $SHARED/fixtures/media (set SAFELIGHT_SHARED)"
total=$VIDEO_MB
for mb in $PHOTO_MB; do total=$((total + mb)); done
free_mb=$(($(df -Pk "$work" | awk 'NR == 2 {print $4}') / 1024))
((free_mb > 3 * total + 500)) || die "needs about $((3 * total)) MB free in $work, has $free_mb"

if [[ "${BUILD:-1}" != 0 ]]; then
    say "$BENCH: building the CLI and the web module's test classes"
    (cd "$root" && ./mvnw -q -B -o package -pl cli -am -DskipTests) >&2
fi
# the web module's tests (the driver) and their class path, the sibling modules from this checkout
(cd "$root" && ./mvnw -q -B -o test-compile dependency:build-classpath -pl web -am \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt") >&2
[[ -f "$jar" && -f "$root/web/target/test-classes/org/safelight/web/BrowserOpenBench.class" ]] \
    || die "build first: ./mvnw -q -B -o package -pl cli -am -DskipTests (it compiles the web module's tests too)"
cp="$root/web/target/test-classes:$root/web/target/classes:$(cat "$work/cp.txt")"
if [[ -n "$REFERENCE_REV" && -z "$REFERENCE_JAR" ]]; then
    say "$BENCH: building the reference $REFERENCE_REV"
    mkdir -p "$work/reference"
    git -C "$root" archive "$REFERENCE_REV" | tar -x -C "$work/reference"
    (cd "$work/reference" && ./mvnw -q -B -o package -pl cli -am -DskipTests) >&2
    REFERENCE_JAR="$work/reference/cli/target/safelight.jar"
fi
[[ -z "$REFERENCE_JAR" || -f "$REFERENCE_JAR" ]] || die "no reference jar $REFERENCE_JAR"

port="$(free_port)"
base="http://127.0.0.1:$port"
mkdir -p "$work/data" "$work/home" "$work/sent"
serve() { # jar: this build's or the reference's server, on the same data folder and port
    stop_pid "$server_pid" "the Safelight server"
    "$JAVA" -jar "$1" serve --data-dir "$work/data" --port "$port" --host 127.0.0.1 --public-url "$base" \
        >>"$work/server.log" 2>&1 &
    server_pid=$!
    wait_http "$base/health" "$server_pid" "the Safelight server"
}
serve "$jar"
signed_up "$base" --first Open --last Bench
cli login --server "$base" --email "$EMAIL" >/dev/null || die "login failed"

draft() { # folder: a draft's metadata.json
    mkdir -p "$1"
    cat >"$1/metadata.json" <<'EOF'
{"report": {
  "patient": {"firstname": "Ada", "lastname": "Quill", "day": "7", "month": "3", "year": "1961", "patientid": "MRN-204817"},
  "user": {"userid": "42", "title": "Dr", "firstname": "Noor", "lastname": "Haddad", "email": "open@example.org", "country": "AU"},
  "details": {"notes": "Opening benchmark."},
  "consent": {"type": "none", "consentlevels": ""}
}}
EOF
}

seal() { # draft folder, label: seals for the server's key server, prints LABEL=FILE
    local out="$work/sent/$2"
    mkdir -p "$out"
    cli seal "$1" -o "$out/" --keyserver "$base" >/dev/null || die "sealing $2 failed"
    rm -rf "$1"
    echo "$2=$(ls "$out"/*.picsafe)"
}

reports=()
photo="$SHARED/fixtures/media/photo-12mp.jpg"
photo_bytes=$(stat -c %s "$photo")
for mb in $PHOTO_MB; do
    n=$(((mb * 1000000 + photo_bytes / 2) / photo_bytes))
    ((n > 0)) || n=1
    say "$BENCH: sealing a report of $n photos (~$mb MB) (load $(cut -d' ' -f1 /proc/loadavg))"
    draft "$work/draft-$mb"
    for ((i = 1; i <= n; i++)); do cp "$photo" "$(printf '%s/p%03d.jpg' "$work/draft-$mb" "$i")"; done
    reports+=("$(seal "$work/draft-$mb" "photos-${mb}MB")")
done
if ((VIDEO_MB > 0)); then
    say "$BENCH: sealing a report of one $VIDEO_MB MB video"
    draft "$work/draft-video"
    clip="$SHARED/fixtures/media/clip.m4v"
    pad=$((VIDEO_MB * 1000000 - $(stat -c %s "$clip")))
    {
        cat "$clip"
        printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((pad >> 24 & 255)) $((pad >> 16 & 255)) \
            $((pad >> 8 & 255)) $((pad & 255)))free"
        head -c $((pad - 8)) /dev/urandom
    } >"$work/draft-video/gait.m4v"
    reports+=("$(seal "$work/draft-video" "video-${VIDEO_MB}MB")")
fi

driver() { "$JAVA" -Xmx256m -Dlogback.configurationFile="$root/server-kit/src/test/resources/logback-test.xml" -cp "$cp" \
    org.safelight.web.BrowserOpenBench "$@"; }
say "$BENCH: opening each report $RUNS times per page; load before $(cut -d' ' -f1-3 /proc/loadavg); $(chromium --version 2>/dev/null | head -1)"
for ((run = 1; run <= RUNS; run++)); do
    if [[ -n "$REFERENCE_JAR" ]]; then
        serve "$REFERENCE_JAR"
        driver open reference "$base" "$EMAIL" "$PASSWORD" "$work" "$work/results.tsv" "${reports[@]}"
        serve "$jar"
    fi
    driver open "this build" "$base" "$EMAIL" "$PASSWORD" "$work" "$work/results.tsv" "${reports[@]}"
done
say "$BENCH: load after $(cut -d' ' -f1-3 /proc/loadavg)"
driver table "$work/results.tsv"
