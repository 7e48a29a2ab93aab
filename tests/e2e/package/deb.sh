#!/usr/bin/env bash
# deb.sh <work-dir> <HubtelAI source> <HubtelAI build tree>
#   The installable package, as the README tells a new user to make and use it: cpack makes
#   hubtel-ai_<version>_<arch>.deb and a .tar.gz from the build tree as it is (nothing built
#   again); their control fields and contents are checked; the .tar.gz, unpacked anywhere, serves
#   find_package() through CMAKE_PREFIX_PATH. Then, in a clean Debian bookworm container, apt
#   installs the .deb with its dependencies from the mirror, a project finds HubtelAI with no
#   prefix and renders its Dockerfile without any engine, builds its image with the Unix Makefiles
#   generator and the host's engine (Debian's docker client and the host's socket, lent to the
#   container), and apt-get remove leaves none of the package's files behind.
# fail, expect_in, expect_not_in, $docker and BuildKit: as the image tests have them.
source "$(dirname "$0")/../image/lib.sh"

work=${1:?usage: deb.sh <work-dir> <HubtelAI source> <HubtelAI build tree>}
root=${2:?usage: deb.sh <work-dir> <HubtelAI source> <HubtelAI build tree>}
build=${3:?usage: deb.sh <work-dir> <HubtelAI source> <HubtelAI build tree>}
base=hubtel-test/bookworm:amd64
python_base=hubtel-test/python:3.11-amd64

# One name for this run's container and image: another build tree may run this test meanwhile.
name=package-check-$$
container=hubtel-test-$name
image=hubtel/$name:x86_64
cleanup() {
  "$docker" rm -f "$container" >/dev/null 2>&1 || true
  "$docker" image rm "$image" >/dev/null 2>&1 || true
}
trap cleanup EXIT

rm -rf "$work"
mkdir -p "$work"
start=$SECONDS

# A clean Debian container, started first so that apt-get update runs while cpack does. Debian's
# docker client lies outside PATH until the image build: the first configure has no engine at all.
mkdir -p "$work/packages"
cp -r "$root/tests/e2e/projects/package" "$work/project"
rm -rf "$work/project/build"
"$docker" run -d --name "$container" \
  -v "$work/packages:/packages:ro" -v "$work/project:/project-source:ro" \
  -v /var/run/docker.sock:/var/run/docker.sock -v "$docker:/opt/engine/docker:ro" \
  -v "$build:$build:ro" -v "$root:$root:ro" \
  -e DEBIAN_FRONTEND=noninteractive -e DOCKER_BUILDKIT=1 \
  "$base" sleep infinity >/dev/null
in_container() { "$docker" exec "$container" bash -euo pipefail -c "$1"; }
# As Debian's own container images do: no fsync after each file dpkg unpacks, which the
# container, thrown away at the end, does not need.
apt_get='apt-get -q -o Dpkg::Options::=--force-unsafe-io'
in_container "apt-get update -q -o Acquire::Languages=none" >"$work/apt-update.log" 2>&1 &
update=$!

# --- cpack ---------------------------------------------------------------------------------------
version=$("$HUBTEL_AI" --version | grep -Eo '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
arch=$(dpkg --print-architecture)
"${CPACK:-cpack}" --config "$build/CPackConfig.cmake" -B "$work/packages" >"$work/cpack.log" 2>&1 ||
  fail "cpack failed: $(cat "$work/cpack.log")"
deb=$work/packages/hubtel-ai_${version}_${arch}.deb
[ -f "$deb" ] || fail "no $deb; cpack made: $(ls "$work/packages")"
tgz=$(ls "$work"/packages/hubtel-ai-"$version"-Linux-*.tar.gz) || fail "no .tar.gz; cpack made: $(ls "$work/packages")"
echo "cpack made $(basename "$deb") and $(basename "$tgz") ($((SECONDS - start)) s)"

# --- the .deb's control fields and contents ------------------------------------------------------
field() { dpkg-deb --field "$deb" "$1"; }
[ "$(field Package)" = hubtel-ai ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), not $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture), not $arch"
[ "$(field Section)" = devel ] || fail "Section: $(field Section)"
expect_in "$(field Maintainer)" '^[^<]+ <[^@>]+@[^>]+>$'
expect_in "$(field Description)" '^Minimal multi-stage AWS Lambda container images from CMake targets'
expect_in "$(field Description)" 'find_package\(HubtelAI\)'
depends=$(field Depends)
# The helper's libraries, as dpkg-shlibdeps names them, the two it loads when first used, and
# CMake for the modules.
for package in 'cmake \(>= 3\.20\)' 'libc6 \(>= ' 'libstdc\+\+6 \(>= ' libarchive13 librpm9 \
  libelf1 'libssl3 \(>= ' 'libfmt9 \(>= '; do
  expect_in "$depends" "(^|, )$package"
done
[ "$(field Recommends)" = "docker.io | podman | buildah, ninja-build" ] ||
  fail "Recommends: $(field Recommends)"
dpkg-deb --info "$deb" >/dev/null

contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
expect_not_in "$contents" '^\./(([^u]|u[^s]|us[^r])[^/]*|usr/[^bl][^/]*)/'
package_dir=./usr/lib/cmake/HubtelAI
for file in ./usr/bin/hubtel-ai "$package_dir/HubtelAIConfig.cmake" \
  "$package_dir/HubtelAIConfigVersion.cmake" "$package_dir/HubtelAITargets.cmake" \
  "$package_dir/modules/HubtelAI.cmake" "$package_dir/modules/HubtelAILambdaImage.cmake" \
  "$package_dir/templates/Dockerfile.native.mustache" "$package_dir/templates/hubtel-build.sh" \
  "$package_dir/toolchains/aarch64-linux-gnu.cmake" "$package_dir/cmake/HubtelAIBuilder.cmake"; do
  grep -qxF "$file" <<<"$contents" || fail "the .deb lacks $file:
$contents"
done
helper_type=$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./usr/bin/hubtel-ai | file -)
expect_in "$helper_type" 'ELF .*, stripped'

# --- the .tar.gz, unpacked anywhere and named in CMAKE_PREFIX_PATH -------------------------------
top=$(basename "$tgz" .tar.gz)
listing=$(tar -tzf "$tgz")
expect_not_in "$listing" "^(\./)?([^h]|h[^u])"
grep -qx "$top/bin/hubtel-ai" <<<"$listing" || fail "the .tar.gz lacks $top/bin/hubtel-ai"
grep -qx "$top/lib/cmake/HubtelAI/HubtelAIConfig.cmake" <<<"$listing" ||
  fail "the .tar.gz lacks $top/lib/cmake/HubtelAI/HubtelAIConfig.cmake"
mkdir -p "$work/unpacked"
tar -xzf "$tgz" -C "$work/unpacked"
cmake -S "$work/project" -B "$work/tgz-build" -G Ninja "-DCMAKE_PREFIX_PATH=$work/unpacked/$top" \
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF "-DTEST_NAME=$name" >"$work/tgz-configure.log" 2>&1 ||
  fail "configuring against the .tar.gz failed: $(cat "$work/tgz-configure.log")"
found=$(sed -n 's/^HubtelAI_DIR:PATH=//p' "$work/tgz-build/CMakeCache.txt")
[ "$found" = "$work/unpacked/$top/lib/cmake/HubtelAI" ] || fail "HubtelAI_DIR is $found"
cmake --build "$work/tgz-build" --target "hubtel/$name/Dockerfile" >/dev/null
grep -q "^FROM " "$work/tgz-build/hubtel/$name/Dockerfile" || fail "no Dockerfile from the .tar.gz"
grep -qF "$work/unpacked/$top/bin/hubtel-ai" "$work/tgz-build/build.ninja" ||
  fail "the build does not call the unpacked helper"
echo "the .tar.gz serves find_package() through CMAKE_PREFIX_PATH ($((SECONDS - start)) s)"

# --- a clean Debian container: apt installs the .deb ---------------------------------------------
wait "$update" || fail "apt-get update in the container failed: $(cat "$work/apt-update.log")"
# With its Recommends (apt's default): an engine and Ninja come along. Asked, not installed.
simulated=$(in_container "apt-get install -s /packages/$(basename "$deb")")
expect_in "$simulated" '^Inst docker\.io '
expect_in "$simulated" '^Inst ninja-build '
# Ninja and make for what follows come in the same transaction; CMake and the libraries come
# because the .deb depends on them.
installed=$(in_container "$apt_get install -y --no-install-recommends \
  /packages/$(basename "$deb") ninja-build make")
for package in hubtel-ai cmake libfmt9 libelf1 libarchive13 librpm9 libcpp-httplib0.11; do
  expect_in "$installed" "^Setting up $package(:$arch)? "
done
expect_in "$(in_container 'hubtel-ai --version')" "$version"
# Installed where CMake looks by itself, the helper's new projects need no prefix either.
printed=$(in_container 'hubtel-ai init /tmp/new-function --runtime python')
expect_in "$printed" '^  cmake --preset default$'
expect_not_in "$printed" 'HubtelAI_DIR'
echo "apt installed the .deb and its dependencies ($((SECONDS - start)) s)"

# cpack in a machine without dpkg-dev (the clean container, now with CMake): the .deb is refused
# before anything is installed, with what to do.
set +e
out=$(in_container "cd /tmp && cpack --config '$build/CPackConfig.cmake' -B /tmp/packages 2>&1")
code=$?
set -e
[ "$code" -ne 0 ] || fail "cpack made a .deb without dpkg-shlibdeps"
expect_in "$out" 'HubtelAI: the \.deb needs dpkg-shlibdeps and file'
expect_in "$out" 'apt-get install dpkg-dev file'
grep -A2 'HubtelAI: the .deb needs' <<<"$out"

# --- find_package() with no prefix, a preset, and the Dockerfile without an engine ---------------
in_container 'cp -r /project-source /project
  if command -v docker podman buildah; then echo "an engine is on PATH" >&2; exit 1; fi'
out=$(in_container "cd /project && cmake --preset default -DTEST_NAME=$name 2>&1")
expect_not_in "$out" 'CMake Warning'
found=$(in_container "sed -n 's/^HubtelAI_DIR:PATH=//p' /project/build/CMakeCache.txt")
[ "$found" = /usr/lib/cmake/HubtelAI ] || fail "HubtelAI_DIR is $found, not /usr/lib/cmake/HubtelAI"
in_container "ninja -C /project/build hubtel/$name/Dockerfile >/dev/null"
dockerfile=$(in_container "cat /project/build/hubtel/$name/Dockerfile")
expect_in "$dockerfile" '^FROM '
set +e
out=$(in_container "cmake --build /project/build --target $name-image 2>&1")
code=$?
set -e
[ "$code" -ne 0 ] || fail "an image built with no engine"
expect_in "$out" 'hubtel-ai: error: .*(docker|podman|buildah)'
grep -E 'hubtel-ai: error: ' <<<"$out"
echo "find_package() with no prefix; the Dockerfile renders without an engine ($((SECONDS - start)) s)"

# --- the image, with Unix Makefiles and the host's engine ----------------------------------------
in_container "cmake -S /project -B /project/build-make -G 'Unix Makefiles' -DTEST_NAME=$name \
  -DHUBTEL_ENGINE=/opt/engine/docker -DHUBTEL_DEFAULT_ARCHITECTURES=x86_64 \
  -DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$python_base -DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$python_base \
  >/dev/null"
out=$(in_container "make -C /project/build-make $name-image 2>&1") || fail "make $name-image failed:
$out"
expect_in "$out" "Building Lambda image $name \\(x86_64\\)"
id=$(in_container "cat /project/build-make/hubtel/$name/image-x86_64.id")
expect_in "$id" '^sha256:[0-9a-f]{64}$'
[ "$("$docker" image inspect --format '{{.Id}}' "$image")" = "$id" ] ||
  fail "$image is not the image the build recorded ($id)"
echo '{"from": "the package test"}' >"$work/event.json"
answer=$("$HUBTEL_AI" invoke --image "$image" --event "$work/event.json")
expect_in "$answer" '"installed": true'
expect_in "$answer" '"from": "the package test"'
echo "make $name-image built an image that answers ($((SECONDS - start)) s)"

# The installed helper loads libarchive when it first reads through it (a compressed archive),
# from the package the .deb depends on.
"$docker" save "$image" | gzip -1 >"$work/packages/image.tar.gz"
report=$(in_container "hubtel-ai size /packages/image.tar.gz --format json") ||
  fail "the installed hubtel-ai could not read a compressed archive: $report"
expect_in "$report" '"total_bytes": [1-9]'

# --- apt-get remove leaves nothing behind --------------------------------------------------------
files=$(in_container 'dpkg -L hubtel-ai')
expect_in "$files" '^/usr/lib/cmake/HubtelAI/HubtelAIConfig\.cmake$'
in_container "$apt_get remove -y hubtel-ai >/dev/null"
left=$(in_container "dpkg -L hubtel-ai 2>/dev/null || true
  for path in /usr/bin/hubtel-ai /usr/lib/cmake/HubtelAI; do
    if [ -e \$path ]; then echo \$path; fi
  done")
[ -z "$left" ] || fail "apt-get remove left behind: $left"
echo "apt-get remove left nothing behind ($((SECONDS - start)) s)"
echo "package test passed"
