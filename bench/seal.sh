#!/usr/bin/env bash
# Sealing phone photos (issue 14 target 1, DESIGN §8: 20 photos of 12 MP in <= 2.5 s on 2 cores,
# <= 300 MB peak, linear in the photo count).
#
# Generates realistic 12 MP phone JPEGs once (4032x3024, 4:2:0, q 0.92, about 4.3 MB each, EXIF
# with make, model, date, orientation 6/1/3 and GPS; org.safelight.bench.seal.PhonePhotos) and
# caches them in bench/target/seal-photos. For each size it builds a draft of that many photos plus
# a signed consent (the README's quick-start draft), then runs the whole process as the README tells
# users to, `./safelight seal DRAFT -o OUT/ --password KEY --keyserver-url URL` (RNCryptor password
# mode, no network), RUNS times, alternating with the same command of the reference build (REF,
# default main: its tree is exported with git archive and built once into
# bench/target/seal-ref/<commit>, so the reference is the launcher and jar of that commit). Prints
# a markdown table: median wall time and median peak RSS of each, and the ratio.
#
# CPU: user + system time of the same (median), which a busy machine disturbs less than the wall time.
# Peak RSS: getrusage(RUSAGE_CHILDREN).ru_maxrss of the launcher (bash, which execs java), taken by
# a small Python wrapper that also times the run (monotonic clock); /usr/bin/time is not needed.
# With more than PHOTOS_DISTINCT photos the files repeat (same content, other names): the work per
# photo is the same, generating 50 distinct ones would take minutes.
#
# The launcher keeps a class-data-sharing archive per command in $XDG_CACHE_HOME/safelight/cds, made by
# the command's first run: the bench points XDG_CACHE_HOME into its temporary folder, one folder per
# build (a launcher removes the archives of other jars it finds, so two builds sharing one cache would
# each find theirs gone and dump again at every run, timing the dump), so the untimed
# warm-up run makes it (its time, the first seal's, is printed apart) and the timed runs use it.
#
# Settings (environment):
#   SIZES="1 5 20 50"   photo counts
#   RUNS=3              timed runs per size and build, alternating (after one warm-up each)
#   REF=main            the reference commit or branch ("" to run this checkout only)
#   PHOTOS_DISTINCT=20  distinct generated photos
#   SAFELIGHT_JAVA_OPTS the JVM options of both launchers (default none, as users run it)
#   KEEP=1              keep the temporary folder
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${SIZES:-1 5 20 50}"
RUNS="${RUNS:-3}"
REF="${REF-main}"
PHOTOS_DISTINCT="${PHOTOS_DISTINCT:-20}"
BENCH=seal
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

command -v java >/dev/null 2>&1 || die "no java on PATH"
command -v python3 >/dev/null 2>&1 || die "missing: python3 (for the timing wrapper)"
cd "$root"

say "$BENCH: building this checkout's CLI and bench jars"
./mvnw -B -o -q -pl cli,bench -am package -DskipTests >"$work/build.log" 2>&1 \
    || die "build failed (see $work/build.log)"

photos="$root/bench/target/seal-photos"
say "$BENCH: phone photos in $photos (generated once)"
java -cp bench/target/benchmarks.jar org.safelight.bench.seal.PhonePhotos "$photos" "$PHOTOS_DISTINCT"

launchers=("$root/safelight")
names=("this checkout ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))")
if [[ -n "$REF" ]]; then
    sha="$(git rev-parse --short=12 "$REF")" || die "unknown REF '$REF'"
    ref_dir="$root/bench/target/seal-ref/$sha"
    if [[ ! -f "$ref_dir/cli/target/safelight.jar" ]]; then
        say "$BENCH: building the reference $REF ($sha) into $ref_dir (once)"
        rm -rf "$ref_dir"
        mkdir -p "$ref_dir"
        git archive "$sha" | tar -x -C "$ref_dir"
        (cd "$ref_dir" && ./mvnw -B -o -q -pl cli -am package -DskipTests) >"$work/ref-build.log" 2>&1 \
            || die "reference build failed (see $work/ref-build.log)"
        # the launcher rebuilds when a source is newer than the jar: the export's dates are the commit's
        touch "$ref_dir/cli/target/safelight.jar"
    fi
    launchers=("$ref_dir/safelight" "${launchers[@]}")
    names=("$REF ($sha)" "${names[@]}")
fi

draft() { # count: a draft folder with that many photos and a signed consent
    local n="$1" dir="$work/draft-$1" i src
    mkdir -p "$dir"
    cp format/src/test/resources/fixtures/media/signature.jpg "$dir/consent.jpg"
    cat >"$dir/metadata.json" <<'EOF'
{"report": {
  "patient": {"firstname": "Ada", "lastname": "Quill", "day": "7", "month": "3", "year": "1961", "patientid": "MRN-204817"},
  "user": {"userid": "42", "title": "Dr", "firstname": "Noor", "lastname": "Haddad", "email": "noor@example.org", "country": "AU"},
  "details": {"notes": "Pressure injury, sacrum, stage 2."},
  "consent": {"type": "signed", "consentlevels": "treatment,education"}
}}
EOF
    for ((i = 1; i <= n; i++)); do
        src="$(printf '%s/IMG_%04d.JPG' "$photos" $(((i - 1) % PHOTOS_DISTINCT + 1)))"
        cp "$src" "$(printf '%s/IMG_%04d.JPG' "$dir" "$i")"
    done
    echo "$dir"
}

# One run: prints "seconds peak_kib cpu_seconds"; fails if the seal fails.
measure() { # launcher index, draft
    local out="$work/out"
    rm -rf "$out"
    mkdir -p "$out" "$work/cache-$1"
    # a fresh CDS archive per build, made by its warm-up run (see above)
    XDG_CACHE_HOME="$work/cache-$1" python3 - "${launchers[$1]}" seal "$2" -o "$out/" --password bench-report-key --keyserver-url https://keys.example.org <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.monotonic() - start
if done.returncode != 0:
    sys.stderr.write(done.stderr.decode(errors="replace"))
    sys.exit(1)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.3f} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime:.3f}")
PY
    ls "$out"/*.picsafe >/dev/null || die "no report written"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

say "$BENCH: load before: $(uptime)"
printf '| photos | %s |\n' "$(for n in "${names[@]}"; do printf '%s wall s | %s CPU s | %s peak RSS MB | ' "$n" "$n" "$n"; done | sed 's/ | $//')"
printf '|---:|%s\n' "$(for _ in "${names[@]}"; do printf -- '---:|---:|---:|'; done)"
first=1
for size in $SIZES; do
    d="$(draft "$size")"
    if [[ "$first" == 1 ]]; then # warm the page cache and the jars once; the first seal makes the CDS archive
        for i in "${!launchers[@]}"; do
            say "$BENCH: first run (untimed in the table) of ${names[$i]}, $size photos: $(measure "$i" "$d" | cut -d' ' -f1) s"
        done
        first=0
    fi
    for ((r = 1; r <= RUNS; r++)); do
        for i in "${!launchers[@]}"; do
            measure "$i" "$d" >>"$work/times-$size-$i"
        done
    done
    row="| $size |"
    for i in "${!launchers[@]}"; do
        wall="$(cut -d' ' -f1 "$work/times-$size-$i" | median)"
        rss="$(cut -d' ' -f2 "$work/times-$size-$i" | median)"
        cpu="$(cut -d' ' -f3 "$work/times-$size-$i" | median)"
        row+=" $(printf '%.2f' "$wall") | $(printf '%.2f' "$cpu") | $(awk -v k="$rss" 'BEGIN { printf "%.0f", k / 1024 }') |"
    done
    echo "$row"
    rm -rf "$d"
done
say "$BENCH: load after: $(uptime); $(nproc) cores; $(java -version 2>&1 | head -n 1)"
