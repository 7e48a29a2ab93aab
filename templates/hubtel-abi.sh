#!/bin/sh
# hubtel-abi: the ABI check, run in the builder right after collecting, so a program that would
# not start on its runtime base fails the build before any image exists. Every ELF file of
# <out>/rootfs (what the runtime stage takes) must be of the image's architecture and need no
# GLIBC_ or GLIBCXX_ version above what the runtime base provides: <out>/base/libc.so.6, and the
# bundled /opt/lib/libstdc++.so.6 or else the base's own. The rules of `hubtel-ai abi-check`.
# One objdump a file; everything else is the shell's own (this runs on every edit).
# Usage: hubtel-abi <out>
set -euf
out=$1
objdump=objdump
case ${TARGETARCH:-amd64} in
  arm64) machine='aarch64 (arm64)' arch=arm64 format=elf64-littleaarch64 triple=aarch64-linux-gnu ;;
  *) machine=x86_64 arch=x86_64 format=elf64-x86-64 triple=x86_64-linux-gnu ;;
esac
if [ "${TARGETARCH:-}" != "${BUILDARCH:-${TARGETARCH:-}}" ]; then
  objdump=$triple-objdump
fi
dump=$(mktemp)
listing=$(mktemp)
trap 'rm -f "$dump" "$listing"' EXIT

# above <a> <b>: version a is above version b, compared number by number (2.10 > 2.9).
above() {
  a=$1 b=$2
  while [ -n "$a$b" ]; do
    x=${a%%.*} y=${b%%.*}
    if [ "${x:-0}" -gt "${y:-0}" ]; then return 0; fi
    if [ "${x:-0}" -lt "${y:-0}" ]; then return 1; fi
    case $a in *.*) a=${a#*.} ;; *) a= ;; esac
    case $b in *.*) b=${b#*.} ;; *) b= ;; esac
  done
  return 1
}

# read_versions <file> <def|ref>: objdump's view of the file; sets format (its ELF format, empty
# when objdump cannot read it), glibc and glibcxx (the highest GLIBC_ and GLIBCXX_ versions the
# file defines or needs, without the prefix; empty when none) and relr (yes when it needs
# GLIBC_ABI_DT_RELR).
read_versions() {
  got_format= glibc_v= glibcxx_v= relr=no
  $objdump -p "$1" >"$dump" 2>/dev/null || return 0
  section=
  while IFS= read -r line; do
    case $line in
      *"file format "*) got_format=${line##*file format } ;;
      "Version definitions:") section=def ;;
      "Version References:") section=ref ;;
      "") section= ;;
      *)
        [ "$section" = "$2" ] || continue
        # shellcheck disable=SC2086
        set -- "$1" "$2" $line
        [ $# -ge 6 ] || continue
        name=$6
        case $name in
          GLIBC_ABI_DT_RELR) relr=yes ;;
          GLIBC_[0-9]*)
            v=${name#GLIBC_}
            case $v in *[!0-9.]*) continue ;; esac
            if [ -z "$glibc_v" ] || above "$v" "$glibc_v"; then glibc_v=$v; fi ;;
          GLIBCXX_[0-9]*)
            v=${name#GLIBCXX_}
            case $v in *[!0-9.]*) continue ;; esac
            if [ -z "$glibcxx_v" ] || above "$v" "$glibcxx_v"; then glibcxx_v=$v; fi ;;
        esac ;;
    esac
  done <"$dump"
}
# older <GLIBC_|GLIBCXX_> <version>: a Debian release whose glibc or libstdc++ is not above it.
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

if [ ! -f "$out/base/libc.so.6" ]; then
  echo "hubtel: the runtime base has no libc.so.6: Lambda functions need a glibc base" >&2
  exit 1
fi
read_versions "$out/base/libc.so.6" def
base_glibc=$glibc_v
base_glibcxx=
for library in "$out/rootfs/opt/lib/libstdc++.so.6" "$out/base/libstdc++.so.6"; do
  if [ -f "$library" ]; then
    read_versions "$library" def
    base_glibcxx=$glibcxx_v
    break
  fi
done

files=0 problems= needs_glibc= needs_glibcxx=
newline='
'
find "$out/rootfs" -type f | LC_ALL=C sort >"$listing"
while IFS= read -r file; do
  shown=${file#"$out/rootfs"}
  read_versions "$file" ref
  if [ "$got_format" != "$format" ]; then
    # objdump reads ELF files of this architecture only: tell the others by their header.
    header=$(od -An -tu1 -N20 "$file" 2>/dev/null | tr -s ' \n' '  ')
    # shellcheck disable=SC2086
    set -- $header
    if [ $# -lt 20 ] || [ "$1 $2 $3 $4" != "127 69 76 70" ]; then
      continue
    fi
    files=$((files + 1))
    got=$((${19} + ${20} * 256))
    case $got in 62) got=x86_64 ;; 183) got='aarch64 (arm64)' ;; *) got="machine $got" ;; esac
    if [ "$got" = "$machine" ]; then
      problems="$problems$newline  $shown is an ELF file of the image's architecture that $objdump cannot read"
    else
      problems="$problems$newline  $shown is $got but the image is $arch"
    fi
    continue
  fi
  files=$((files + 1))
  if [ "$relr" = yes ] && { [ -z "$glibc_v" ] || above 2.36 "$glibc_v"; }; then
    glibc_v=2.36
  fi
  if [ -n "$glibc_v" ]; then
    if above "$glibc_v" "$base_glibc"; then
      problems="$problems$newline  $shown needs GLIBC_$glibc_v but the runtime base provides $base_glibc (build with an older builder, $(older GLIBC_ "$base_glibc"))"
    fi
    if [ -z "$needs_glibc" ] || above "$glibc_v" "$needs_glibc"; then needs_glibc=$glibc_v; fi
  fi
  if [ -n "$glibcxx_v" ]; then
    if [ -n "$base_glibcxx" ] && above "$glibcxx_v" "$base_glibcxx"; then
      problems="$problems$newline  $shown needs GLIBCXX_$glibcxx_v but the runtime base provides $base_glibcxx (build with an older builder, $(older GLIBCXX_ "$base_glibcxx"), or link with -static-libstdc++)"
    fi
    if [ -z "$needs_glibcxx" ] || above "$glibcxx_v" "$needs_glibcxx"; then needs_glibcxx=$glibcxx_v; fi
  fi
done <"$listing"

if [ -n "$problems" ]; then
  echo "hubtel: error: the image would not start on its runtime base (GLIBC $base_glibc, GLIBCXX ${base_glibcxx:-none}):$problems" >&2
  echo "hubtel: build with a builder whose glibc and libstdc++ are not newer than the runtime base's (for example Debian bullseye for provided.al2023)" >&2
  exit 1
fi
echo "hubtel: ABI check passed: $files ELF files for $arch, needing GLIBC ${needs_glibc:--} (base has $base_glibc) and GLIBCXX ${needs_glibcxx:--} (available ${base_glibcxx:-none})" >&2
