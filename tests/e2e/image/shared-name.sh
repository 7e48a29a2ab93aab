#!/usr/bin/env bash
# Two checkouts that name an image alike do not share the builder's object files: checkout B,
# whose source is older than the object checkout A compiled, still gets its own program.
source "$(dirname "$0")/lib.sh"
work=$1
root=$2
base=hubtel-test/bookworm:amd64
for checkout in alpha beta; do
  rm -rf "$work/$checkout-src"
  cp -r "$root/examples/cpp-lambda" "$work/$checkout-src"
  sed -i "s/std::string(HELLO_GREETING)/std::string(\"$checkout\")/" "$work/$checkout-src/main.cpp"
  grep -q "std::string(\"$checkout\")" "$work/$checkout-src/main.cpp" || fail "the test's edit did not apply"
done
touch -d '2001-01-01' "$work/beta-src/main.cpp"

for checkout in alpha beta; do
  configure "$work/$checkout-src" "$work/$checkout" \
    "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base" \
    >/dev/null
  build "$work/$checkout" hello-image >/dev/null
  out=$("$HUBTEL_AI" invoke --image-file "$work/$checkout/hubtel/hello/image-x86_64.id" \
    --event "$work/$checkout-src/event.json")
  expect_in "$out" "\"message\":\"$checkout, Lambda!\""
done
echo "shared-name test passed"
