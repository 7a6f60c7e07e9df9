#!/bin/bash
# Builds the image's default base from this machine's own files, with no download: a jlink'ed Java
# runtime, the shared libraries it links (as ldd finds them), CA certificates, a non-root user, and
# /var/lib/safelight owned by it. Writes OUT_DIR/base-image.tar in `docker save` form (manifest.json,
# config.json, one uncompressed layer), which Jib takes as `tar://OUT_DIR/base-image.tar`.
# A site that wants its own base instead passes -Djib.from.image=... and this tarball goes unused.
#
# usage: make-base-image.sh OUT_DIR [JAVA_HOME]
set -euo pipefail

out=$(realpath -m "$1")
java_home=${2:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
uid=10001
# What the server needs (jdeps on the shaded jar), plus what no static scan sees: elliptic-curve TLS,
# the PKCS#11 provider for a master key in an HSM, zip file systems and the extra charsets.
modules=java.base,java.desktop,java.instrument,java.naming,java.net.http,java.rmi,java.security.jgss,\
java.security.sasl,java.sql,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec,\
jdk.crypto.cryptoki,jdk.zipfs,jdk.charsets

# The same script, JDK and module list make the same base: reuse it (this runs in every build).
stamp=$( { sha256sum "$0"; "$java_home/bin/java" -version 2>&1; echo "$modules"; } | sha256sum | cut -c1-64)
if [[ -f "$out/base-image.tar" && "$(cat "$out/stamp" 2>/dev/null)" == "$stamp" ]]; then
  exit 0
fi

work="$out/work"
root="$work/rootfs"
rm -rf "$out"
mkdir -p "$root"

"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$root/opt/java"
# Debian's JDK links its trust store to the system's; the image gets a real file.
if [[ -f /etc/ssl/certs/java/cacerts ]]; then
  rm -f "$root/opt/java/lib/security/cacerts"
  cp -L /etc/ssl/certs/java/cacerts "$root/opt/java/lib/security/cacerts"
fi

# Merged /usr, as on Debian 12.
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib" "$root/usr/lib64"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$root/$d"; done

# Each library the runtime's programs and libraries link, at its canonical path, with the name the
# linker looks for as a symlink to it. The X11/AWT window libraries stay out: the server is headless.
copy_library() {
  local wanted=$1 real dir
  real=$(readlink -f "$wanted")
  dir=$(readlink -f "$(dirname "$wanted")")
  [[ -e "$root$real" ]] || { mkdir -p "$root$(dirname "$real")"; cp "$real" "$root$real"; }
  if [[ "$dir/$(basename "$wanted")" != "$real" && ! -e "$root$dir/$(basename "$wanted")" ]]; then
    mkdir -p "$root$dir"
    ln -s "$real" "$root$dir/$(basename "$wanted")"
  fi
}
elves=$(find "$root/opt/java/bin" "$root/opt/java/lib" -type f \( -name '*.so' -o -perm -u+x \) \
  | grep -v -e libawt_xawt.so -e libsplashscreen.so -e libjawt.so)
# ldd fails on the odd non-ELF file among them (a script, a data file): its other answers still count
{ ldd $elves 2>/dev/null || true; } \
  | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(0x/ { print $1 }' \
  | grep -v "^$root" | sort -u \
  | while read -r lib; do copy_library "$lib"; done
# glibc's smaller libraries, which native code unpacked from the jars links (SQLite's: libpthread)
libc_dir=$(dirname "$(ldd "$root/opt/java/bin/java" | awk '/libc\.so/ { print $3 }')")
for lib in libpthread.so.0 libdl.so.2 librt.so.1 libresolv.so.2; do
  [[ -e "$libc_dir/$lib" ]] && copy_library "$libc_dir/$lib"
done

mkdir -p "$root/etc/ssl/certs" "$root/proc" "$root/tmp" "$root/var/lib/safelight" "$root/root"
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
cp -L /etc/os-release "$root/etc/os-release"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nsafelight:x:%d:%d:Safelight:/var/lib/safelight:/usr/sbin/nologin\n' \
  "$uid" "$uid" > "$root/etc/passwd"
printf 'root:x:0:\nsafelight:x:%d:\n' "$uid" > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
chmod 1777 "$root/tmp"
chmod 0700 "$root/var/lib/safelight" "$root/root"

# One layer, the same bytes for the same input: sorted names, fixed times, numeric owners.
fixed=(--format=gnu --sort=name --mtime=@1 --numeric-owner)
tar -cf "$work/layer.tar" "${fixed[@]}" --owner=0 --group=0 --exclude=./var/lib/safelight -C "$root" .
tar -rf "$work/layer.tar" "${fixed[@]}" --owner="$uid" --group="$uid" -C "$root" ./var/lib/safelight

diff_id=$(sha256sum "$work/layer.tar" | cut -c1-64)
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
cat > "$work/config.json" <<JSON
{"architecture":"$arch","os":"linux","created":"1970-01-01T00:00:01Z",
 "config":{"User":"$uid:$uid","Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:01Z","created_by":"packaging/oci/src/base/make-base-image.sh"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["safelight-base:local"],"Layers":["layer.tar"]}]' > "$work/manifest.json"
tar -cf "$out/base-image.tar" "${fixed[@]}" --owner=0 --group=0 -C "$work" manifest.json config.json layer.tar
rm -rf "$work"
echo "$stamp" > "$out/stamp"
