#!/usr/bin/env bash
# Sealing a large video report in the browser (issue 12: "a 200 MB video report seals in the browser
# with bounded memory"): seal.js in headless Chromium (the test harness's, under the page's CSP)
# seals a report holding one VIDEO_MIB video for an institution's public key; prints the time, the
# stages, and the peak resident memory (VmRSS, summed over Chromium's processes, sampled every 50 ms
# from /proc) against the same figure idle on the page. The video is the fixture clip padded with a
# free box of random bytes (see BrowserSealBench). Needs about 2 x VIDEO_MIB of free disk in $TMPDIR.
#
# Settings (environment):
#   VIDEO_MIB=200         the video's size
#   SAFELIGHT_JAVA=java   the JVM
#   KEEP=1                keep the temporary folder
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VIDEO_MIB="${VIDEO_MIB:-200}"
JAVA="${SAFELIGHT_JAVA:-java}"
EMAIL="" PASSWORD="" jar=""

BENCH=browser-seal
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

(( VIDEO_MIB > 0 && VIDEO_MIB < 4000 )) || die "VIDEO_MIB must be between 1 and 3999"
say "$BENCH: compiling the web module's tests and listing their class path"
(cd "$root" && ./mvnw -q -B -o test-compile dependency:build-classpath -pl web -am \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt") >&2
cp="$root/web/target/test-classes:$root/web/target/classes:$(cat "$work/cp.txt")"

say "$BENCH: load before $(cut -d' ' -f1-3 /proc/loadavg); $(chromium --version 2>/dev/null | head -1)"
"$JAVA" -Xmx512m -Dlogback.configurationFile="$root/server-kit/src/test/resources/logback-test.xml" -cp "$cp" \
    org.safelight.web.BrowserSealBench "$VIDEO_MIB" "$work"
say "$BENCH: load after $(cut -d' ' -f1-3 /proc/loadavg)"
