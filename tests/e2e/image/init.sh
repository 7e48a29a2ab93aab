#!/usr/bin/env bash
# `hubtel-ai init` is the front door: each scaffold it makes builds, answers an invoke and deploys
# (to the local registry and moto_server) with exactly the commands it prints.
source "$(dirname "$0")/lib.sh"
work=$1
base=hubtel-test/bookworm:amd64
python_base=hubtel-test/python:3.11-amd64
rm -rf "$work/init"
mkdir -p "$work/init"

# The AWS CLI against moto, with throwaway credentials in the environment only.
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$HUBTEL_TEST_MOTO_PORT_FILE")"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
aws iam create-role --role-name init-lambda --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
  >/dev/null 2>&1 || true
role=arn:aws:iam::123456789012:role/init-lambda

# scaffold <runtime> <name> <base cache variables...>: init, then every printed command in turn.
scaffold() {
  local runtime=$1 name=$2
  shift 2
  local dir="$work/init/$name" printed
  # The installed helper, as users run it: it names its own package in the configure command.
  printed=$("$HUBTEL_TEST_PREFIX/bin/hubtel-ai" init "$dir" --runtime "$runtime")
  echo "$printed"
  expect_in "$printed" "^  cd $dir\$"
  expect_in "$printed" "^  cmake --build --preset invoke\$"
  expect_in "$printed" "^  cmake --build --preset deploy\$"
  expect_in "$printed" "^  cmake --preset default -DHubtelAI_DIR=$HUBTEL_TEST_PREFIX/lib[^ ]*/cmake/HubtelAI\$"
  # The commands as printed, in the folder printed, with this machine's base images and engine
  # added to the configure.
  local configure
  configure=$(grep -m1 -E '^  cmake --preset default' <<<"$printed")
  eval "configure=(${configure})"
  (
    cd "$dir"
    "${configure[@]}" -DHUBTEL_ENGINE=/usr/bin/docker "$@" >/dev/null
    cmake --build --preset image >/dev/null
  ) || fail "the printed commands did not build $name's image"
  local out
  out=$(cd "$dir" && cmake --build --preset invoke 2>&1) || fail "the invoke preset failed: $out"
  expect_in "$out" "Hello from $name"

  # A preset sets its cache variables on each use: the engine is named again.
  out=$(cd "$dir" && cmake --preset default "-DLAMBDA_REPOSITORY=$(registry)/init/$name" \
    "-DLAMBDA_ROLE=$role" -DHUBTEL_ENGINE=/usr/bin/docker 2>&1) ||
    fail "configuring $name for deploying failed: $out"
  out=$(cd "$dir" && cmake --build --preset deploy 2>&1) || fail "the deploy preset failed: $out"
  local pushed uri
  pushed=$(cat "$dir/build/hubtel/$name/push-x86_64.ref")
  uri=$(aws lambda get-function --function-name "$name" --query Code.ImageUri --output text)
  [ "$uri" = "$pushed" ] || fail "$name runs $uri, not the pushed $pushed"
  out=$(build "$dir/build" "$name-deploy")
  expect_in "$out" "no work to do"
  # The SAM templates, the project's and the function's, pinned to what was pushed.
  build "$dir/build" sam >/dev/null
  for template in "$dir/build/hubtel/template.yaml" "$dir/build/hubtel/$name/template.yaml"; do
    [ -s "$template" ] || fail "ninja sam wrote no $template"
    cfn-lint "$template" || fail "cfn-lint rejected $template"
    expect_in "$(cat "$template")" "ImageUri: \"$pushed\""
  done
}

scaffold cpp init-cpp "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" \
  "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base"
scaffold python init-py "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_12=$python_base" \
  "-DHUBTEL_BUILDER_IMAGE_PYTHON3_12=$python_base"
echo "init scaffolds build, invoke and deploy"
