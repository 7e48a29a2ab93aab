#!/bin/sh
# The builder's ABI check (templates/hubtel-abi.sh) on the programs cli.abi-check.setup compiled:
# it must judge as `hubtel-ai abi-check` does. Usage: builder_abi.sh <script> <work>
set -eu
script=$1 work=$2
out=$work/builder-abi
fail() { echo "FAIL: $*" >&2; exit 1; }
# check <name> <expected exit> <regex of stderr> [TARGETARCH]: runs the script on $out, without a
# cache folder, then twice with one (the records it keeps must judge alike, and a file changed
# since must be read again).
check() {
  for kept in none "$out.cache" "$out.cache"; do
    set +e
    if [ "$kept" = none ]; then
      got=$(TARGETARCH=${4:-amd64} BUILDARCH=amd64 sh "$script" "$out" 2>&1)
    else
      got=$(TARGETARCH=${4:-amd64} BUILDARCH=amd64 sh "$script" "$out" "$kept" 2>&1)
    fi
    code=$?
    set -e
    [ "$code" = "$2" ] || fail "$1 (cache: $kept): exit $code, not $2: $got"
    printf '%s\n' "$got" | grep -Eq "$3" || fail "$1 (cache: $kept): no match for '$3' in: $got"
  done
  echo "ok: $1"
}
rm -rf "$out" "$out.cache"
# As hubtel-collect lays it out: the program in rootfs, bundled libraries in libs (a file a
# template's build_extra put in rootfs is checked too).
mkdir -p "$out/rootfs/var/runtime" "$out/rootfs/opt/lib" "$out/libs/opt/lib" "$out/base"
cp "$work/payload/x86_64/hello" "$out/rootfs/var/runtime/bootstrap"
cp "$work/payload/x86_64/notes.txt" "$out/rootfs/opt/lib/notes.txt"
# A runtime base's C library that provides GLIBC_2.34 at most.
printf 'GLIBC_2.2.5 { global: hubtel_a; local: *; };\nGLIBC_2.34 { global: hubtel_b; } GLIBC_2.2.5;\n' >"$work/old-libc.map"
printf 'int hubtel_a(void) { return 1; }\nint hubtel_b(void) { return 2; }\n' >"$work/old-libc.c"
gcc -shared -fPIC -Wl,--version-script="$work/old-libc.map" -o "$out/base/libc.so.6" "$work/old-libc.c"

check "DT_RELR needs 2.36, the base has 2.34" 1 \
  "^hubtel: error: the image would not start on its runtime base \(GLIBC 2\.34, GLIBCXX none\):
  /var/runtime/bootstrap needs GLIBC_2\.36 but the runtime base provides 2\.34 \(build with an older builder, e\.g\. Debian bullseye\)"
cp -L "$(gcc -print-file-name=libc.so.6)" "$out/base/libc.so.6"
check "the host's C library is enough; a text file is no ELF file" 0 \
  "^hubtel: ABI check passed: 1 ELF files for x86_64, needing GLIBC 2\.36 \(base has 2\.[0-9]+\) and GLIBCXX - \(available none\)$"
cp "$work/payload/arm64/hello" "$out/libs/opt/lib/libarm.so"
check "an arm64 library in an x86_64 image" 1 "  /opt/lib/libarm\.so is aarch64 \(arm64\) but the image is x86_64"
rm "$out/libs/opt/lib/libarm.so"
check "an x86_64 file in an arm64 image" 1 "  /var/runtime/bootstrap is x86_64 but the image is arm64" arm64
# The same program with its section headers gone (as sstrip leaves it): its needs cannot be read.
cp "$work/payload/x86_64/hello" "$out/rootfs/opt/lib/sstripped"
printf '\0\0\0\0\0\0\0\0' | dd of="$out/rootfs/opt/lib/sstripped" bs=1 seek=40 conv=notrunc 2>/dev/null
printf '\0\0\0\0' | dd of="$out/rootfs/opt/lib/sstripped" bs=1 seek=60 conv=notrunc 2>/dev/null
check "a dynamic file without section headers" 1 \
  "  /opt/lib/sstripped is dynamically linked but has no section headers \(stripped with sstrip\?\), so the versions it needs cannot be read; keep its section headers"
rm "$out/rootfs/opt/lib/sstripped"
rm "$out/base/libc.so.6"
check "a base without libc" 1 "^hubtel: the runtime base has no libc\.so\.6: Lambda functions need a glibc base$"
