#!/bin/sh
# Writes the saved images the `hubtel-ai sbom` CLI tests read, as docker-save archives: a base
# layer with a dpkg status file (or a real rpm database, made with Debian's rpm) under a layer of
# added files (a bundled library and its record, a Python distribution, the program); and broken
# variants. Usage: sbom_fixtures.sh <folder>
set -eu
work=$1
rm -rf "$work"
mkdir -p "$work"

# layer <folder> <tar>: the folder as a layer tar, with fixed owners, times and order.
layer() {
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf "$2" .
}
# image <archive> <labels JSON> <folder>...: a docker-save archive of the folders as layers.
image() {
  out=$1 labels=$2
  shift 2
  stage=$(mktemp -d "$work/stage.XXXXXX")
  layers= i=0
  for dir in "$@"; do
    i=$((i + 1))
    mkdir -p "$stage/l$i"
    layer "$dir" "$stage/l$i/layer.tar"
    layers="$layers${layers:+,}\"l$i/layer.tar\""
  done
  printf '{"architecture":"amd64","os":"linux","created":"2026-01-02T03:04:05.123456Z","config":{"Labels":%s}}' \
    "$labels" >"$stage/config.json"
  printf '[{"Config":"config.json","RepoTags":null,"Layers":[%s]}]' "$layers" >"$stage/manifest.json"
  tar -C "$stage" -cf "$out" manifest.json config.json $(cd "$stage" && ls -d l*)
  rm -rf "$stage"
}

labels='{"org.opencontainers.image.base.name":"registry.example.com/team/base:12","org.opencontainers.image.base.digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111"}'

# The base: two installed packages, one removed with its configuration kept, and os-release.
base=$work/base
mkdir -p "$base/var/lib/dpkg" "$base/etc" "$base/usr/lib"
cat >"$base/var/lib/dpkg/status" <<'EOF'
Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Maintainer: Santiago Vila <sanvila@debian.org>
Version: 12.4+deb12u5
Description: Debian base system miscellaneous files
 This package contains the basic filesystem hierarchy.

Package: libc6
Status: install ok installed
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Description: GNU C Library: Shared libraries

Package: removed-tool
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
Description: removed, its configuration kept
EOF
printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' \
  >"$base/usr/lib/os-release"

# What HubtelAI adds: a bundled library and its record, a Python distribution, the program.
added=$work/added
mkdir -p "$added/opt/lib" "$added/opt/hubtel" "$added/var/runtime" \
  "$added/var/task/greeting-1.0.0.dist-info"
printf 'libfmt' >"$added/opt/lib/libfmt.so.9"
printf 'libown' >"$added/opt/lib/libown.so.1"
printf '/opt/lib/libfmt.so.9\t/usr/lib/x86_64-linux-gnu/libfmt.so.9\tlibfmt9\t9.1.0+ds1-2\tamd64\tdpkg\n/opt/lib/libown.so.1\t/build/libown.so.1\t\t\t\t\n' \
  >"$added/opt/hubtel/libraries.tsv"
printf 'program' >"$added/var/runtime/bootstrap"
cat >"$added/var/task/greeting-1.0.0.dist-info/METADATA" <<'EOF'
Metadata-Version: 2.1
Name: greeting
Version: 1.0.0
Summary: A greeting
License-Expression: MIT OR Apache-2.0

The body.
EOF
image "$work/good.tar" "$labels" "$base" "$added"

# A status file whose third line is neither a field nor a continuation.
corrupt=$work/corrupt
mkdir -p "$corrupt/var/lib/dpkg"
printf 'Package: base-files\nVersion: 1\n\001\002garbage\n' >"$corrupt/var/lib/dpkg/status"
image "$work/corrupt-status.tar" '{}' "$corrupt" "$added"

# An entry without its Package field.
nameless=$work/nameless
mkdir -p "$nameless/var/lib/dpkg"
printf 'Package: base-files\nVersion: 1\n\nStatus: install ok installed\nVersion: 2\n' \
  >"$nameless/var/lib/dpkg/status"
image "$work/nameless-status.tar" '{}' "$nameless" "$added"

# A status "file" that is a folder.
folder=$work/folder
mkdir -p "$folder/var/lib/dpkg/status/x"
image "$work/status-folder.tar" '{}' "$folder" "$added"

# A record of bundled libraries cut short.
record=$work/record
mkdir -p "$record/opt/hubtel"
printf '/opt/lib/libfmt.so.9\tcut short\n' >"$record/opt/hubtel/libraries.tsv"
image "$work/bad-record.tar" '{}' "$base" "$record"

# An Amazon Linux-like base: a real rpm database (sqlite, as AL2023 has) with one package.
rpmwork=$work/rpmbuild
mkdir -p "$rpmwork/top" "$work/rpmbase/var/lib/rpm" "$work/rpmbase/etc"
cat >"$rpmwork/hello.spec" <<'EOF'
Name: hubtel-hello
Version: 1.2
Release: 3.amzn2023
Summary: A package of the SBOM tests
License: MIT AND BSD-3-Clause
Vendor: HubtelAI tests
BuildArch: noarch
%description
A package of the SBOM tests.
%files
EOF
rpmbuild --quiet --define "_topdir $rpmwork/top" -bb "$rpmwork/hello.spec"
rpm --dbpath "$work/rpmbase/var/lib/rpm" --initdb
rpm --dbpath "$work/rpmbase/var/lib/rpm" -i --justdb --nodeps --noscripts \
  "$rpmwork"/top/RPMS/noarch/*.rpm 2>/dev/null
rm -f "$work/rpmbase/var/lib/rpm/.rpm.lock"
printf 'NAME="Amazon Linux"\nID="amzn"\nVERSION_ID="2023"\n' >"$work/rpmbase/etc/os-release"
image "$work/rpm.tar" '{}' "$work/rpmbase" "$added"

# The same database, overwritten with bytes that are no sqlite database.
mkdir -p "$work/rpmbad/var/lib/rpm"
head -c 8192 /dev/zero | tr '\0' 'x' >"$work/rpmbad/var/lib/rpm/rpmdb.sqlite"
image "$work/rpm-corrupt.tar" '{}' "$work/rpmbad" "$added"
rm -rf "$rpmwork"
