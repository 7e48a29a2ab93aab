#!/bin/sh
# hubtel-collect: copies a program and the shared libraries it needs that the runtime base
# lacks into <out>/rootfs (program at /var/runtime/bootstrap, libraries in /opt/lib), keeps an
# unstripped program in <out>/debug, and the base's C and C++ libraries in <out>/base for the
# ABI check. libc and the loader always come from the runtime base, never from the builder.
# Usage: hubtel-collect <program> <out> <runtime-base-root> <build-dir>
set -eu
program=$1 out=$2 base=$3 build=$4
say() { echo "hubtel: $*" >&2; }

case ${TARGETARCH:-amd64} in
  arm64) triple=aarch64-linux-gnu ;;
  *) triple=x86_64-linux-gnu ;;
esac
strip=strip
cross=
if [ "${TARGETARCH:-}" != "${BUILDARCH:-${TARGETARCH:-}}" ]; then
  strip=$triple-strip
  cross=/usr/$triple/lib
fi
base_dirs="/lib64 /usr/lib64 /lib/$triple /usr/lib/$triple /lib /usr/lib /var/lang/lib /var/runtime/lib /opt/lib"
builder_dirs="$cross /lib/$triple /usr/lib/$triple /lib64 /usr/lib64 /lib /usr/lib /usr/local/lib64 /usr/local/lib"

needed() {
  readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
# in_base <name>: true when the runtime base has the library; its path in $found.
in_base() {
  for dir in $base_dirs; do
    if [ -e "$base$dir/$1" ] || [ -L "$base$dir/$1" ]; then
      found=$base$dir/$1
      return 0
    fi
  done
  return 1
}
# in_builder <name>: true when the builder (or the build folder) has the library; its path in
# $found.
in_builder() {
  for dir in $builder_dirs; do
    if [ -e "$dir/$1" ]; then
      found=$dir/$1
      return 0
    fi
  done
  found=$(find "$build" -name "$1" \( -type f -o -type l \) 2>/dev/null | head -n 1)
  [ -n "$found" ]
}
# take <name> <path>: the library, stripped, into /opt/lib, and the libraries it needs into
# $needs. A stripped copy and its needs are kept beside the build folder (outside it, where the
# search above never finds them), which persists between builds, so the next build (an edit of
# the program) copies it instead of reading and stripping it again, for as long as the file it
# came from is the same: same path, device, inode, size and time (a package upgrade keeps the
# package's old file times, but not the inode).
cache=$build.libs
take() {
  kept=$cache/$1
  identity="$2 $(stat -L -c '%d:%i:%s:%Y' "$2")"
  from=
  if [ -f "$kept" ] && [ -f "$kept.from" ] && [ -f "$kept.needs" ]; then
    IFS= read -r from <"$kept.from" || from=
  fi
  if [ "$from" != "$identity" ]; then
    # .from is written last: a copy cut short is never taken for a good one.
    : >"$kept.from"
    $strip --strip-unneeded -o "$kept" "$2" 2>/dev/null || cp -L "$2" "$kept"
    needed "$2" >"$kept.needs"
    printf '%s\n' "$identity" >"$kept.from"
  fi
  cp "$kept" "$out/rootfs/opt/lib/$1"
  needs=
  while IFS= read -r lib; do needs="$needs $lib"; done <"$kept.needs"
}

mkdir -p "$out/rootfs/var/runtime" "$out/rootfs/opt/lib" "$out/debug" "$out/base" "$cache"
cp "$program" "$out/debug/bootstrap"
cp "$program" "$out/rootfs/var/runtime/bootstrap"
$strip --strip-unneeded "$out/rootfs/var/runtime/bootstrap"
chmod 0755 "$out/rootfs/var/runtime/bootstrap"

queue=$(needed "$program")
seen=" "
while [ -n "$queue" ]; do
  set -- $queue
  name=$1
  shift
  queue=$*
  case $seen in *" $name "*) continue ;; esac
  seen="$seen$name "
  case $name in
    ld-linux*|libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|libutil.so.*|libresolv.so.*|libanl.so.*|libnss_*|libBrokenLocale.so.*|libmvec.so.*)
      if ! in_base "$name"; then
        say "the runtime base has no $name, which comes with its C library; pick a glibc runtime base"
        exit 1
      fi
      continue ;;
  esac
  if in_base "$name"; then
    continue
  fi
  if ! in_builder "$name"; then
    say "cannot find $name, which $(basename "$program") needs, in the builder; add its package to BUILDER_PACKAGES"
    exit 1
  fi
  take "$name" "$found"
  queue="$queue$needs"
done

for name in libc.so.6 libstdc++.so.6; do
  if in_base "$name"; then
    cp -L "$found" "$out/base/$name" 2>/dev/null || true
  fi
done
