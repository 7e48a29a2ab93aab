#!/usr/bin/env bash
# buildah as the engine (named by HUBTEL_ENGINE): the image builds, a second build does nothing,
# and the image, handed to dockerd, answers an invoke. buildah runs here with the vfs storage
# driver and chroot isolation, which its environment variables select.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
export STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot
buildah=$(command -v buildah) || fail "buildah is not installed (apt-get install buildah)"

# buildah keeps its own images: the locally made base goes there from dockerd.
"$buildah" pull --quiet "docker-daemon:$base" >/dev/null

source_dir="$work/buildah-src"
rm -rf "$source_dir"
cp -r "$root/examples/cpp-lambda" "$source_dir"
configure "$source_dir" "$work/buildah" "-DHUBTEL_ENGINE=$buildah" \
  "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base"
expect_in "$(cat "$work/buildah/build.ninja")" "--engine-kind buildah"
build "$work/buildah" hello-image
id=$(cat "$work/buildah/hubtel/hello/image-x86_64.id")
expect_in "$id" '^(sha256:)?[0-9a-f]{64}$'
arch=$("$buildah" inspect --type image --format '{{.OCIv1.Architecture}}' "$id")
[ "$arch" = amd64 ] || fail "buildah's image is for '$arch', not amd64"

out=$(build "$work/buildah" hello-image)
expect_in "$out" 'no work to do'

"$buildah" push --quiet "$id" docker-daemon:hubtel-e2e/buildah-hello:latest >/dev/null
out=$("$HUBTEL_AI" invoke --image hubtel-e2e/buildah-hello:latest --engine "$docker" \
  --event "$source_dir/event.json")
expect_in "$out" '"message":"Hello, Lambda!"'
echo "buildah test passed"
