#!/bin/sh
# hubtel-abi: the ABI check, run in the builder right after collecting, so a program that would
# not start on its runtime base fails the build before any image exists. Every ELF file of
# <out>/rootfs and <out>/libs (what the runtime stage takes) must be of the image's architecture
# and need no GLIBC_ or GLIBCXX_ version above what the runtime base provides:
# <out>/base/libc.so.6, and the bundled /opt/lib/libstdc++.so.6 or else the base's own. The rules of `hubtel-ai abi-check`.
# One objdump for all files; everything else is the shell's own (this runs on every edit). With a
# folder kept between builds, what objdump said of each file is kept there by its path, size and
# time: after an edit only the program is read again (collecting keeps the times of the libraries
# and of the base's C and C++ libraries, and a library taken afresh has a time of its own).
# Usage: hubtel-abi <out> [cache-folder]
set -euf
default_ifs=$IFS
out=$1
cache=${2:-}
objdump=objdump
case ${TARGETARCH:-amd64} in
  arm64) machine='aarch64 (arm64)' arch=arm64 format=elf64-littleaarch64 triple=aarch64-linux-gnu ;;
  *) machine=x86_64 arch=x86_64 format=elf64-x86-64 triple=x86_64-linux-gnu ;;
esac
if [ "${TARGETARCH:-}" != "${BUILDARCH:-${TARGETARCH:-}}" ]; then
  objdump=$triple-objdump
fi
# in_trees <find-argument>...: find over the trees the runtime stage takes: the program's and,
# when there is one, the bundled libraries'.
in_trees() {
  if [ -d "$out/libs" ]; then
    find "$out/rootfs" "$out/libs" "$@"
  else
    find "$out/rootfs" "$@"
  fi
}
dump=$(mktemp)
listing=$(mktemp)
trap 'rm -f "$dump" "$listing" "$listing.read"' EXIT
newline='
'
# With a cache folder: the size and time of every file checked, and the records kept last time.
ids= known=$newline seen=$newline
if [ -n "$cache" ]; then
  ids=$newline$(in_trees "$out/base" -type f -printf '%s:%T@|%p\n')$newline
  if [ -f "$cache/records" ]; then
    while IFS= read -r record; do known="$known$record$newline"; done <"$cache/records"
  fi
fi

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

# versions <def|ref> <file>...: objdump's view of the files, one run for all; writes, for each file
# it can read, one line "<file>|<format>|<glibc>|<glibcxx>|<relr>|<dynamic>" to $listing.read: its
# ELF format, the highest GLIBC_ and GLIBCXX_ versions it defines (def) or needs (ref), without the
# prefix (empty when none), yes when it needs GLIBC_ABI_DT_RELR, and yes when it has a dynamic
# segment.
versions() {
  kind=$1
  shift
  if [ -n "$cache" ]; then
    versions_kept "$@"
    return
  fi
  versions_read "$@"
}
versions_read() {
  # Only the lines read below: the shell reads its input a byte at a time.
  { $objdump -p "$@" 2>/dev/null || true; } | sed -n -e '/:     file format /p' -e '/^ *DYNAMIC off /p' \
    -e '/^Version definitions:$/,/^$/p' -e '/^Version References:$/,/^$/p' >"$dump"
  current= section= got_format= glibc_v= glibcxx_v= relr=no dynamic=no
  : >"$listing.read"
  while IFS= read -r line; do
    case $line in
      *":     file format "*)
        [ -z "$current" ] || echo "$current|$got_format|$glibc_v|$glibcxx_v|$relr|$dynamic" >>"$listing.read"
        current=${line%%:     file format *} got_format=${line##*file format }
        section= glibc_v= glibcxx_v= relr=no dynamic=no ;;
      *"DYNAMIC off "*) dynamic=yes ;;
      "Version definitions:") section=def ;;
      "Version References:") section=ref ;;
      "") section= ;;
      *)
        [ "$section" = "$kind" ] || continue
        # shellcheck disable=SC2086
        set -- $line
        [ $# -ge 4 ] || continue
        name=$4
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
  [ -z "$current" ] || echo "$current|$got_format|$glibc_v|$glibcxx_v|$relr|$dynamic" >>"$listing.read"
}
# versions_kept <file>...: versions, reading again only the files the cache folder holds no
# record of at their size and time ($ids, one find for them all). $known holds the records kept
# there, $seen the ones of this run, each a line "<kind>|<size>:<time>|<file>|<record>", where
# <record> is what versions writes after "<file>|", or empty for a file objdump cannot read.
versions_kept() {
  given= unread= got=$newline
  for file in "$@"; do
    given="$given$newline$file"
    before=${ids%%"|$file$newline"*}
    case $before in
      "$ids") unread="$unread$newline$file" ;;
      *)
        case $known in
          *"$newline$kind|${before##*"$newline"}|$file|"*) ;;
          *) unread="$unread$newline$file" ;;
        esac ;;
    esac
  done
  if [ -n "$unread" ]; then
    IFS=$newline
    # shellcheck disable=SC2086
    set -- ${unread#"$newline"}
    IFS=$default_ifs
    versions_read "$@"
    while IFS= read -r record; do got="$got$record$newline"; done <"$listing.read"
  fi
  # In the order of the files given, one record for each file objdump can read: the kept one, or
  # the one just read (kept for the next run when the file's size and time are known).
  : >"$listing.read"
  IFS=$newline
  # shellcheck disable=SC2086
  set -- ${given#"$newline"}
  IFS=$default_ifs
  for file in "$@"; do
    before=${ids%%"|$file$newline"*}
    key="$kind|${before##*"$newline"}|$file|"
    case $got in
      *"$newline$file|"*) rest=${got#*"$newline$file|"} rest=${rest%%"$newline"*} ;;
      *)
        case $known in
          *"$newline$key"*) rest=${known#*"$newline$key"} rest=${rest%%"$newline"*} ;;
          *) rest= ;;
        esac ;;
    esac
    [ "$before" = "$ids" ] || seen="$seen$key$rest$newline"
    [ -z "$rest" ] || echo "$file|$rest" >>"$listing.read"
  done
}
# next_record: reads the next line of $listing.read (on descriptor 3) into rec_file, rec_format,
# rec_glibc, rec_glibcxx, rec_relr and rec_dynamic; rec_file is empty at its end.
next_record() {
  IFS='|' read -r rec_file rec_format rec_glibc rec_glibcxx rec_relr rec_dynamic <&3 || rec_file=
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
versions def "$out/base/libc.so.6"
exec 3<"$listing.read"
next_record
exec 3<&-
base_glibc=$rec_glibc
base_glibcxx=
for library in "$out/libs/opt/lib/libstdc++.so.6" "$out/rootfs/opt/lib/libstdc++.so.6" \
  "$out/base/libstdc++.so.6"; do
  if [ -f "$library" ]; then
    versions def "$library"
    exec 3<"$listing.read"
    next_record
    exec 3<&-
    base_glibcxx=$rec_glibcxx
    break
  fi
done

files=0 problems= needs_glibc= needs_glibcxx=
in_trees -type f | LC_ALL=C sort >"$listing"
# One objdump for every file, in the listing's order: its records come in that order, for the
# files it can read.
IFS=$newline
# shellcheck disable=SC2046
set -- $(cat "$listing")
IFS=$default_ifs
[ $# -eq 0 ] || versions ref "$@"
exec 3<"$listing.read"
next_record
while IFS= read -r file; do
  shown=${file#"$out/rootfs"}
  shown=${shown#"$out/libs"}
  got_format= glibc_v= glibcxx_v= relr=no dynamic=no
  if [ -n "$rec_file" ] && [ "$rec_file" = "$file" ]; then
    got_format=$rec_format glibc_v=$rec_glibc glibcxx_v=$rec_glibcxx relr=$rec_relr dynamic=$rec_dynamic
    next_record
  fi
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
    case $got in 62) got=x86_64 ;; 183) got='aarch64 (arm64)' ;; 3) got=i386 ;; 40) got=arm ;; *) got="machine $got" ;; esac
    if [ "$got" = "$machine" ]; then
      problems="$problems$newline  $shown is an ELF file of the image's architecture that $objdump cannot read"
    else
      problems="$problems$newline  $shown is $got but the image is $arch"
    fi
    continue
  fi
  files=$((files + 1))
  # A dynamic file that seems to need no version may have lost its section headers (sstrip),
  # and with them the versions it needs: e_shnum, at byte 60 of a 64-bit ELF header, says.
  if [ "$dynamic" = yes ] && [ -z "$glibc_v$glibcxx_v" ] && [ "$relr" = no ]; then
    shnum=$(od -An -tu2 -j60 -N2 "$file" | tr -d ' ')
    if [ "$shnum" = 0 ]; then
      problems="$problems$newline  $shown is dynamically linked but has no section headers (stripped with sstrip?), so the versions it needs cannot be read; keep its section headers"
      continue
    fi
  fi
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
exec 3<&-

if [ -n "$cache" ]; then
  mkdir -p "$cache"
  printf '%s' "${seen#"$newline"}" >"$cache/records.new"
  mv "$cache/records.new" "$cache/records"
fi

if [ -n "$problems" ]; then
  echo "hubtel: error: the image would not start on its runtime base (GLIBC $base_glibc, GLIBCXX ${base_glibcxx:-none}):$problems" >&2
  echo "hubtel: build with a builder whose glibc and libstdc++ are not newer than the runtime base's (for example Debian bullseye for provided.al2023)" >&2
  exit 1
fi
echo "hubtel: ABI check passed: $files ELF files for $arch, needing GLIBC ${needs_glibc:--} (base has $base_glibc) and GLIBCXX ${needs_glibcxx:--} (available ${base_glibcxx:-none})" >&2
