#!/bin/sh
# hubtel-abi: the ABI check, run in the builder right after collecting, so a program that would
# not start on its runtime base fails the build before any image exists. Every ELF file of
# <out>/rootfs (what the runtime stage takes) must be of the image's architecture and need no
# GLIBC_ or GLIBCXX_ version above what the runtime base provides: <out>/base/libc.so.6, and the
# bundled /opt/lib/libstdc++.so.6 or else the base's own. The rules of `hubtel-ai abi`.
# Usage: hubtel-abi <out>
set -eu
out=$1
objdump=objdump
case ${TARGETARCH:-amd64} in
  arm64) machine=183 arch=arm64 triple=aarch64-linux-gnu ;;
  *) machine=62 arch=x86_64 triple=x86_64-linux-gnu ;;
esac
if [ "${TARGETARCH:-}" != "${BUILDARCH:-${TARGETARCH:-}}" ]; then
  objdump=$triple-objdump
fi

# The version names a file defines (def) or needs (ref), one a line.
versions() {
  if [ "$1" = def ]; then
    $objdump -p "$2" | sed -n '/^Version definitions:/,/^$/s/^[0-9][0-9]* 0x[0-9a-f]* 0x[0-9a-f]* \([^ ]*\).*/\1/p'
  else
    $objdump -p "$2" | sed -n '/^Version References:/,/^$/s/^ *0x[0-9a-f]* 0x[0-9a-f]* [0-9]* \([^ ]*\).*/\1/p'
  fi
}
# The highest <prefix><version> among the names on stdin, without the prefix (numeric, dot by dot).
highest() {
  sed -n "s/^$1\([0-9][0-9.]*\)\$/\1/p" | sort -t. -k1,1n -k2,2n -k3,3n -k4,4n | tail -n 1
}
# True when version $1 is above version $2.
above() {
  [ "$1" != "$2" ] && [ "$(printf '%s\n%s\n' "$1" "$2" | sort -t. -k1,1n -k2,2n -k3,3n -k4,4n | tail -n 1)" = "$1" ]
}
# A Debian release whose glibc (GLIBC_) or libstdc++ (GLIBCXX_) is not above $2.
older() {
  for release in trixie:2.41:3.4.33 bookworm:2.36:3.4.30 bullseye:2.31:3.4.28 buster:2.28:3.4.25 stretch:2.24:3.4.22 jessie:2.19:3.4.20; do
    name=${release%%:*} rest=${release#*:}
    if [ "$1" = GLIBC_ ]; then version=${rest%%:*}; else version=${rest#*:}; fi
    if ! above "$version" "$2"; then
      echo "e.g. Debian $name"
      return 0
    fi
  done
  echo "e.g. an older distribution"
}
is_elf() {
  [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]
}

if [ ! -f "$out/base/libc.so.6" ]; then
  echo "hubtel: the runtime base has no libc.so.6: Lambda functions need a glibc base" >&2
  exit 1
fi
glibc=$(versions def "$out/base/libc.so.6" | highest GLIBC_)
glibcxx=
for library in "$out/rootfs/opt/lib/libstdc++.so.6" "$out/base/libstdc++.so.6"; do
  if [ -f "$library" ]; then
    glibcxx=$(versions def "$library" | highest GLIBCXX_)
    break
  fi
done

files=0 problems= needs_glibc= needs_glibcxx=
newline='
'
listing=$(mktemp)
trap 'rm -f "$listing"' EXIT
find "$out/rootfs" -type f | LC_ALL=C sort >"$listing"
while IFS= read -r file; do
  is_elf "$file" || continue
  files=$((files + 1))
  shown=${file#"$out/rootfs"}
  got=$(od -An -tu2 -j18 -N2 "$file" | tr -d ' ')
  if [ "$got" != "$machine" ]; then
    case $got in 62) got=x86_64 ;; 183) got='aarch64 (arm64)' ;; *) got="machine $got" ;; esac
    problems="$problems$newline  $shown is $got but the image is $arch"
    continue
  fi
  refs=$(versions ref "$file")
  needs=$(printf '%s\n' "$refs" | highest GLIBC_)
  if printf '%s\n' "$refs" | grep -qx GLIBC_ABI_DT_RELR && { [ -z "$needs" ] || above 2.36 "$needs"; }; then
    needs=2.36
  fi
  if [ -n "$needs" ]; then
    if above "$needs" "$glibc"; then
      problems="$problems$newline  $shown needs GLIBC_$needs but the runtime base provides $glibc (build with an older builder, $(older GLIBC_ "$glibc"))"
    fi
    if [ -z "$needs_glibc" ] || above "$needs" "$needs_glibc"; then needs_glibc=$needs; fi
  fi
  needs=$(printf '%s\n' "$refs" | highest GLIBCXX_)
  if [ -n "$needs" ]; then
    if [ -n "$glibcxx" ] && above "$needs" "$glibcxx"; then
      problems="$problems$newline  $shown needs GLIBCXX_$needs but the runtime base provides $glibcxx (build with an older builder, $(older GLIBCXX_ "$glibcxx"), or link with -static-libstdc++)"
    fi
    if [ -z "$needs_glibcxx" ] || above "$needs" "$needs_glibcxx"; then needs_glibcxx=$needs; fi
  fi
done <"$listing"

if [ -n "$problems" ]; then
  echo "hubtel: error: the image would not start on its runtime base (GLIBC $glibc, GLIBCXX ${glibcxx:-none}):$problems" >&2
  echo "hubtel: build with a builder whose glibc and libstdc++ are not newer than the runtime base's (for example Debian bullseye for provided.al2023)" >&2
  exit 1
fi
echo "hubtel: ABI check passed: $files ELF files for $arch, needing GLIBC ${needs_glibc:--} (base has $glibc) and GLIBCXX ${needs_glibcxx:--} (available ${glibcxx:-none})" >&2
