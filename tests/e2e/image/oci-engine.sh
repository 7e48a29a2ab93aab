#!/usr/bin/env bash
# buildah or podman as the engine (named by HUBTEL_ENGINE; this script runs as buildah.sh and as
# podman.sh, and its name says which): the image builds, a second build does nothing, and the
# image, handed to dockerd, answers an invoke. Both build here with the vfs storage driver and
# chroot isolation, which their environment variables select; `podman run` does not work on these
# machines, so the image runs through dockerd.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
name=$(basename "$0" .sh)
base=hubtel-test/bookworm:amd64
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
engine=$(command -v "$name") || fail "$name is not installed (apt-get install $name)"

# The engine keeps its own images: the locally made base goes there from dockerd.
"$engine" pull --quiet "docker-daemon:$base" >/dev/null

source_dir="$work/$name-src"
rm -rf "$source_dir"
cp -r "$root/examples/cpp-lambda" "$source_dir"
configure "$source_dir" "$work/$name" "-DHUBTEL_ENGINE=$engine" \
  "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base"
expect_in "$(cat "$work/$name/build.ninja")" "--engine-kind $name"
build "$work/$name" hello-image
id=$(cat "$work/$name/hubtel/hello/image-x86_64.id")
expect_in "$id" '^(sha256:)?[0-9a-f]{64}$'
case $name in
  buildah) arch=$("$engine" inspect --type image --format '{{.OCIv1.Architecture}}' "$id") ;;
  podman) arch=$("$engine" image inspect --format '{{.Architecture}}' "$id") ;;
esac
[ "$arch" = amd64 ] || fail "$name's image is for '$arch', not amd64"

out=$(build "$work/$name" hello-image)
expect_in "$out" 'no work to do'

# answers <greeting>: the image, handed to dockerd, answers an invoke with it.
answers() {
  local id
  id=$(cat "$work/$name/hubtel/hello/image-x86_64.id")
  "$engine" push --quiet "$id" "docker-daemon:hubtel-e2e/$name-hello:latest" >/dev/null
  out=$("$HUBTEL_AI" invoke --image "hubtel-e2e/$name-hello:latest" --engine "$docker" \
    --event "$source_dir/event.json")
  expect_in "$out" "\"message\":\"$1, Lambda!\""
}
answers Hello

# An edit to the program: these engines would reuse the cached compile step, whose sources are a
# bind mount they do not hash; the image must hold the new program.
sed -i 's/std::string(HELLO_GREETING)/std::string("Hi")/' "$source_dir/main.cpp"
grep -q 'std::string("Hi")' "$source_dir/main.cpp" || fail "the test's edit did not apply"
build "$work/$name" hello-image >/dev/null
answers Hi
echo "$name test passed"
