#!/usr/bin/env bash
# FHIR filing of large media: a report with a 5 MB photo and a VIDEO_MIB video filed into the test
# FHIR server (HAPI, R4, Basic on) by a JVM with a CHILD_HEAP heap; prints time, throughput, the
# filing JVM's peak resident memory (VmHWM) and whether the server stored both byte-identical
# (issue 11: "memory stays flat for a 2 GB video"; the FlatMemoryTest proof runs 300 MB in 64 MB).
#
# The server keeps what it receives in its heap (about 1x the video; it is a test server), so this
# JVM gets SERVER_HEAP. Needs about 2 x VIDEO_MIB of free disk in $TMPDIR.
#
# Settings (environment):
#   VIDEO_MIB=1500        the video (the test server holds at most about 1,535 MiB in one Binary)
#   CHILD_HEAP=64m        the filing JVM's -Xmx
#   SERVER_HEAP=          this JVM's -Xmx (default: 6 x VIDEO_MIB + 1024 MiB: two stored copies and their base64)
#   SAFELIGHT_JAVA=java   the JVM
#   KEEP=1                keep the temporary folder
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VIDEO_MIB="${VIDEO_MIB:-1500}"
CHILD_HEAP="${CHILD_HEAP:-64m}"
SERVER_HEAP="${SERVER_HEAP:-$((6 * VIDEO_MIB + 1024))m}"
JAVA="${SAFELIGHT_JAVA:-java}"
EMAIL="" PASSWORD="" jar=""

BENCH=fhir-large-media
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

say "$BENCH: compiling the client's tests and listing their class path"
(cd "$root" && ./mvnw -q -B -o test-compile dependency:build-classpath -pl client -am \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt") >&2
cp="$root/client/target/test-classes:$root/client/target/classes:$(cat "$work/cp.txt")"

say "$BENCH: load before $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA" -version 2>&1 | sed -n 2p)"
"$JAVA" "-Xmx$SERVER_HEAP" -Dlogback.configurationFile="$root/server-kit/src/test/resources/logback-test.xml" \
    -cp "$cp" \
    org.safelight.client.fhir.FhirLargeMediaBench "$VIDEO_MIB" "$CHILD_HEAP" "$work"
say "$BENCH: load after $(cut -d' ' -f1-3 /proc/loadavg)"
