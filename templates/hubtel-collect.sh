#!/bin/sh
# hubtel-collect: copies a program into <out>/rootfs (at /var/runtime/bootstrap) and the shared
# libraries it needs that the runtime base lacks into <out>/libs (in /opt/lib): the runtime stage
# takes each tree as a layer of its own, so an edit of the program changes only the program's
# layer, and the engine exports and a push sends only that one. It keeps an unstripped program
# in <out>/debug, and the base's C and C++ libraries in <out>/base for the ABI check. libc and the loader always come from the runtime base, never from the builder.
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
# came from is the same: same path, inode, size, and modification and change times (a package
# upgrade keeps the package's old file times, but not the inode or the change time). Not the
# device: each build step mounts the builder afresh, and the mount's device number changes.
cache=$build.libs
identity() {
  stat -L -c '%n %i:%s:%Y:%Z' "$@"
}
# origin <path>: the builder's package that has the file, as "<package>\t<version>\t<arch>\t<manager>"
# (for the image's SBOM), or three tabs when none has it (a library the project built).
tab=$(printf '\t')
origin() {
  for path in "$1" "$(readlink -f "$1")"; do
    if command -v dpkg-query >/dev/null 2>&1; then
      # usrmerge: a file found below /lib may be packaged below /usr/lib, or the reverse.
      for candidate in "$path" "/usr${path#/usr}" "${path#/usr}"; do
        package=$(dpkg-query -S "$candidate" 2>/dev/null | sed -n '1{s/: .*//;s/,.*//;p;}') || package=
        case $package in "" | "diversion by"*) continue ;; esac
        dpkg-query -W -f "\${Package}$tab\${Version}$tab\${Architecture}${tab}dpkg" "$package" 2>/dev/null &&
          return 0
      done
    elif command -v rpm >/dev/null 2>&1; then
      if rpm -qf --qf "%{NAME}$tab%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}$tab%{ARCH}${tab}rpm" "$path" 2>/dev/null; then
        return 0
      fi
    fi
  done
  printf '%s' "$tab$tab$tab"
}
take() {
  kept=$cache/$1
  identity="$(identity "$2")"
  from=
  if [ -f "$kept" ] && [ -f "$kept.from" ] && [ -f "$kept.needs" ] && [ -f "$kept.origin" ]; then
    IFS= read -r from <"$kept.from" || from=
  fi
  if [ "$from" != "$identity" ]; then
    # .from is written last: a copy cut short is never taken for a good one.
    : >"$kept.from"
    $strip --strip-unneeded -o "$kept" "$2" 2>/dev/null || cp -L "$2" "$kept"
    needed "$2" >"$kept.needs"
    { printf '/opt/lib/%s\t%s\t' "$1" "$2"; origin "$2"; echo; } >"$kept.origin"
    printf '%s\n' "$identity" >"$kept.from"
  fi
  cp -p "$kept" "$out/libs/opt/lib/$1"
  needs=
  while IFS= read -r lib; do needs="$needs $lib"; done <"$kept.needs"
}
# recall <name> <path>: take without reading or copying anything: the kept copy's needs into
# $needs, the library and the kept copy's .from line appended to $recalled, $sources and
# $identities. False when nothing is kept for it.
recall() {
  kept=$cache/$1
  [ -f "$kept" ] && [ -f "$kept.from" ] && [ -f "$kept.needs" ] && [ -f "$kept.origin" ] || return 1
  IFS= read -r from <"$kept.from" || return 1
  [ -n "$from" ] || return 1
  recalled="$recalled$newline$kept"
  sources="$sources$newline$2"
  identities="$identities$newline$from"
  needs=
  while IFS= read -r lib; do needs="$needs $lib"; done <"$kept.needs"
}
newline='
'

mkdir -p "$out/rootfs/var/runtime" "$out/libs/opt/lib" "$out/debug" "$out/base" "$cache"
cp "$program" "$out/debug/bootstrap"
cp "$program" "$out/rootfs/var/runtime/bootstrap"
$strip --strip-unneeded "$out/rootfs/var/runtime/bootstrap"
chmod 0755 "$out/rootfs/var/runtime/bootstrap"

# closure <take|recall>: walks the libraries the program needs, and theirs, skipping what the
# runtime base has, and takes (or recalls) each one the builder has.
closure() {
  mode=$1
  queue=$program_needs
  seen=" "
  while [ -n "$queue" ]; do
    # shellcheck disable=SC2086
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
    "${mode}_library" "$name" "$found" || return 1
    queue="$queue$needs"
  done
}
take_library() { take "$@"; }
recall_library() { recall "$@"; }

program_needs=$(needed "$program")
# copy_recalled: true when every recalled library's file is the same as when it was kept, having
# copied the kept copies into /opt/lib.
copy_recalled() {
  [ -n "$recalled" ] || return 0
  (
    set -f
    IFS=$newline
    # shellcheck disable=SC2086
    [ "$(identity ${sources#"$newline"} 2>/dev/null)" = "${identities#"$newline"}" ] &&
      cp -p ${recalled#"$newline"} "$out/libs/opt/lib/"
  )
}
# After an edit of the program, every library usually is as the last build kept it: the walk
# recalls them (the shell's own tests, no process), one stat says whether each file they came from
# is still the same, and one cp copies them all. Anything else walks again and takes each one.
recalled= sources= identities=
if ! { closure recall && copy_recalled; }; then
  rm -rf "$out/libs/opt/lib"
  mkdir -p "$out/libs/opt/lib"
  closure take
fi

# The record of the bundled libraries and the builder's packages they came from, which the image's
# SBOM reads (hubtel-ai sbom): a line per library, in the order of their names.
rm -rf "$out/libs/opt/hubtel"
set -- "$out/libs/opt/lib/"*
if [ -e "$1" ]; then
  mkdir -p "$out/libs/opt/hubtel"
  for library in "$@"; do
    cat "$cache/${library##*/}.origin"
  done | LC_ALL=C sort >"$out/libs/opt/hubtel/libraries.tsv"
  chmod 0644 "$out/libs/opt/hubtel/libraries.tsv"
fi

for name in libc.so.6 libstdc++.so.6; do
  if in_base "$name"; then
    cp -pL "$found" "$out/base/$name" 2>/dev/null || true
  fi
done
