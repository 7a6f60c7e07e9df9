#!/usr/bin/env bash
# `safelight encrypt` / `safelight decrypt` of large files against OpenSSL doing the same work, whole
# processes, side by side in one run (issue 14, target 2; DESIGN §8):
#   encrypt: safelight encrypt IN OUT
#            vs openssl enc -aes-256-cbc < IN | tee OUT | openssl dgst -sha256 -hmac (the MAC over the ciphertext)
#   decrypt: safelight decrypt IN OUT (verifies the HMAC before the output appears)
#            vs openssl dgst -sha256 -hmac IN, then openssl enc -d (verify, then decrypt)
# safelight's output is durable and atomic: written under a temporary name, synced (fdatasyncs every
# 64 MiB on a helper thread, a last one at the end), renamed into place and its folder synced, so the
# file that appears survives a crash. A bare OpenSSL pipeline leaves its output in the page cache, to
# be written out after it has exited. So OpenSSL runs twice per round:
#   "OpenSSL, durable": the same pipeline into a temporary name, then `sync --data` of that file,
#                       `mv` onto OUT and `sync` of the folder: the same work as safelight's (the target);
#   "OpenSSL, page cache": the bare pipeline, as the issue first measured it (for reference).
# Before every timed command, untimed, `sync` writes out what the previous command left dirty, so that
# no command pays for another's writeback (without it, whichever command followed a bare OpenSSL run
# had a GiB of someone else's dirty pages between it and the disk), and the command's input is read
# once, so that every command starts with its input in the page cache. (safelight writes its output
# around the page cache where the file system allows it, so its decrypt would otherwise read from the
# disk what OpenSSL's decrypt reads from memory: the same start for both.)
# For each size the six commands run in turn, RUNS rounds, and the table gives the median wall time,
# the median user+sys CPU (children included) and safelight/OpenSSL.
# Same key material: one random 256-bit key, as hex, is safelight's password (PBKDF2 then derives
# its two keys, 2 x 10,000 iterations, a few ms) and OpenSSL's AES and HMAC key.
# To see where one run's time goes: SAFELIGHT_TRACE=1 ./safelight decrypt --password-file K IN OUT
# prints, on stderr, ms since the JVM started and each thread's CPU time per phase and per 64 MiB.
#
# Environment:
#   SIZES_MIB      sizes in MiB (default "256 1024 2048")
#   RUNS           rounds per size (default 3)
#   SAFELIGHT      the command to time (default: this checkout's ./safelight launcher, which builds
#                  the CLI if needed); e.g. SAFELIGHT="java -jar /tmp/old.jar" for an A/B run
#   KEEP=1         keep the work folder
# Run from the repository root: bench/cli-crypto.sh
set -euo pipefail
BENCH=cli-crypto
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
JAVA="${JAVA:-java}"
jar="$root/cli/target/safelight.jar"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

SIZES_MIB="${SIZES_MIB:-256 1024 2048}"
RUNS="${RUNS:-3}"
SAFELIGHT="${SAFELIGHT:-$root/safelight}"
command -v openssl >/dev/null || die "openssl is needed"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is needed (apt-get install -y time)"

# Build (or check) once, outside the timings: the launcher rebuilds only when sources changed.
$SAFELIGHT --version >/dev/null 2>&1 || $SAFELIGHT --help >/dev/null

largest=0
for s in $SIZES_MIB; do ((s > largest)) && largest=$s; done
need_kib=$((largest * 1024 * 7 + 1024 * 1024))
free_kib="$(df -Pk "$work" | awk 'NR == 2 {print $4}')"
((free_kib > need_kib)) || die "needs about $((need_kib / 1024 / 1024)) GiB free in $work, has $((free_kib / 1024 / 1024))"

key="$(openssl rand -hex 32)"
iv="$(openssl rand -hex 16)"
printf '%s\n' "$key" >"$work/key.txt"
chmod 600 "$work/key.txt"

timed() { # label, input file, then a shell command: appends "label wall cpu" to $work/times
    local label="$1" input="$2"
    shift 2
    sync # untimed: nothing the previous command left dirty is written out during this one
    cat "$input" >/dev/null # untimed: every command starts with its input in the page cache
    /usr/bin/time -o "$work/time.txt" -f '%e %U %S' bash -c "$*" >/dev/null 2>"$work/err.txt" \
        || die "$label failed: $(cat "$work/err.txt")"
    awk -v l="$label" '{printf "%s %s %.2f\n", l, $1, $2 + $3}' "$work/time.txt" >>"$work/times"
}

median() { # label, field (2 wall, 3 cpu)
    awk -v l="$1" -v f="$2" '$1 == l {print $f}' "$work/times" | sort -g \
        | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# The OpenSSL pipelines, as shell text: encrypt IN to OUT with the MAC in $work/os.mac; verify OUT's MAC,
# then decrypt it to a file.
os_enc() { # out
    echo "openssl enc -aes-256-cbc -K $key -iv $iv -in '$in' | tee '$1' \
        | openssl dgst -sha256 -mac HMAC -macopt hexkey:$key > '$work/os.mac'"
}
os_dec() { # in, out
    echo "openssl dgst -sha256 -mac HMAC -macopt hexkey:$key < '$1' > '$work/os.check' \
        && cmp -s '$work/os.check' '$work/os.mac' \
        && openssl enc -d -aes-256-cbc -K $key -iv $iv -in '$1' -out '$2'"
}
durable() { # temporary file, target: what safelight does after its last write
    echo "sync --data '$1' && mv -f '$1' '$2' && sync '$work'"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
rows=()
for size in $SIZES_MIB; do
    say "$BENCH: $size MiB: writing the input"
    in="$work/in-$size.bin"
    head -c "$((size * 1024 * 1024))" /dev/urandom >"$in"
    sl="$SAFELIGHT"
    pw="--password-file $work/key.txt"
    for ((r = 1; r <= RUNS; r++)); do
        say "$BENCH: $size MiB: round $r of $RUNS"
        timed "sl-enc-$size" "$in" "$sl encrypt $pw '$in' '$work/sl.enc'"
        timed "od-enc-$size" "$in" "$(os_enc "$work/od.enc.tmp") && $(durable "$work/od.enc.tmp" "$work/od.enc")"
        timed "os-enc-$size" "$in" "$(os_enc "$work/os.enc")"
        timed "sl-dec-$size" "$work/sl.enc" "$sl decrypt $pw '$work/sl.enc' '$work/sl.dec'"
        timed "od-dec-$size" "$work/od.enc" "$(os_dec "$work/od.enc" "$work/od.dec.tmp") && $(durable "$work/od.dec.tmp" "$work/od.dec")"
        timed "os-dec-$size" "$work/os.enc" "$(os_dec "$work/os.enc" "$work/os.dec")"
    done
    # Correctness, untimed: both round trips give the input back.
    cmp -s "$in" "$work/sl.dec" || die "safelight's round trip of $size MiB differs from the input"
    cmp -s "$in" "$work/os.dec" || die "OpenSSL's round trip of $size MiB differs from the input"
    cmp -s "$in" "$work/od.dec" || die "OpenSSL's durable round trip of $size MiB differs from the input"
    rm -f "$in" "$work"/sl.enc "$work"/sl.dec "$work"/os.enc "$work"/os.dec "$work"/od.enc "$work"/od.dec
    for op in enc dec; do
        slw="$(median "sl-$op-$size" 2)" odw="$(median "od-$op-$size" 2)" osw="$(median "os-$op-$size" 2)"
        slc="$(median "sl-$op-$size" 3)" odc="$(median "od-$op-$size" 3)" osc="$(median "os-$op-$size" 3)"
        name="encrypt"
        [[ "$op" == dec ]] && name="decrypt"
        rows+=("| $size MiB | $name | $slw | $odw | **$(ratio "$slw" "$odw")** | $osw | $(ratio "$slw" "$osw") | $slc / $odc / $osc |")
    done
done
load_after="$(cut -d ' ' -f 1-3 /proc/loadavg)"

echo "## CLI encrypt/decrypt against the OpenSSL pipeline ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores)"
echo
echo "Medians of $RUNS alternating runs, each after an untimed sync; wall and user+sys CPU in seconds;"
echo "ratio = safelight / OpenSSL (≤ 1 meets the target against the durable pipeline, which does the same work)."
echo
echo "| size | operation | safelight wall | OpenSSL durable | ratio | OpenSSL page cache | ratio | CPU safelight / durable / page cache |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Load average (1, 5, 15 min): $load_before before, $load_after after. $($JAVA -version 2>&1 | head -n 1); $(openssl version)."
