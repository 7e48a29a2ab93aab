#!/usr/bin/env bash
# Six images over two more engines (engines.sh: one on a unix socket, one on tcp:// with TLS):
# each built on the engine it is assigned to and nowhere else, pushed from there straight to the
# registry, deployed by digest; the same assignment on the next configure; an engine wiped and its
# images built again from the registry cache without compiling; an invoke on this machine's engine
# pulling its image from the registry; an engine that does not answer named with its images while
# the other engine's images still build; something that is no engine named as such.
source "$(dirname "$0")/../image/lib.sh"
work=$1
root=$2
state=${HUBTEL_TEST_ENGINES_STATE:?HUBTEL_TEST_ENGINES_STATE must name the engines fixture state}
fixture="$root/tests/e2e/fixtures/engines.sh"
hubtel_ai=${HUBTEL_AI:?HUBTEL_AI must name the hubtel-ai program}
a=$(cat "$state/a.host")
b=$(cat "$state/b.host")
certs="$state/certs"
reg=$(registry)

on() { # on <address> <docker-args...>: the docker client against one of the engines
  local address=$1
  shift
  if [ "$address" = "$a" ]; then
    DOCKER_HOST=$a DOCKER_TLS_VERIFY= DOCKER_CONTEXT= "$docker" "$@"
  else
    DOCKER_HOST=$b DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$certs/${b#tcp://}" DOCKER_CONTEXT= \
      "$docker" "$@"
  fi
}

# Six names, three an engine, as rendezvous hashing assigns them (the addresses differ from run
# to run: the engines' socket folder and port).
names=()
count_a=0
count_b=0
for i in $(seq 1 40); do
  name="f$i-$RANDOM"
  engine=$("$hubtel_ai" engines --host "$a" --host "$b" --cert-path "$certs" --image "$name" |
    grep -E ": $name\$" | sed -E 's/: [^:]*$//')
  if [ "$engine" = "$a" ] && [ "$count_a" -lt 3 ]; then
    names+=("$name")
    count_a=$((count_a + 1))
  elif [ "$engine" = "$b" ] && [ "$count_b" -lt 3 ]; then
    names+=("$name")
    count_b=$((count_b + 1))
  fi
  [ "${#names[@]}" -lt 6 ] || break
done
[ "${#names[@]}" = 6 ] || fail "could not pick three names an engine: ${names[*]}"

# moto for the deploy, with fake credentials.
port_file=${HUBTEL_TEST_MOTO_PORT_FILE:?HUBTEL_TEST_MOTO_PORT_FILE must name the moto port file}
export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$port_file")"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
aws iam create-role --role-name e2e-lambda --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
  >/dev/null 2>&1 || true
suffix=$$

# The runtime base under a name only the two engines have, not this machine's engine: each image's
# bases are locked on the engine that builds it.
runtime_base=hubtel-spread/runtime:$suffix
tag_base() { on "$1" tag hubtel-test/bookworm:amd64 "$runtime_base"; }
tag_base "$a"
tag_base "$b"
"$docker" image inspect "$runtime_base" >/dev/null 2>&1 &&
  fail "this machine's engine has $runtime_base: the test cannot tell where the lock looked"

project="$work/spread-src"
dir="$work/spread"
rm -rf "$project"
cp -r "$root/tests/e2e/projects/spread" "$project"
printf '%s\n' "${names[@]}" >"$project/names.txt"
configure "$project" "$dir" "-DTEST_REGISTRY=$reg" \
  "-DTEST_ROLE=arn:aws:iam::123456789012:role/e2e-lambda" "-DTEST_SUFFIX=$suffix" \
  "-DHUBTEL_ENGINE_HOSTS=$a;$b" "-DHUBTEL_ENGINE_CERT_PATH=$certs" -DHUBTEL_REGISTRY_CACHE=ON \
  -DHUBTEL_ENGINE_JOBS=1 "-DTEST_RUNTIME_IMAGE=$runtime_base" | tee "$work/configure.log"
expect_in "$(cat "$work/configure.log")" "HubtelAI engine $a: "
expect_in "$(cat "$work/configure.log")" "HubtelAI engine $b: "
assignment=$(cd "$dir" && "$hubtel_ai" engines --check)
echo "$assignment"
expect_in "$assignment" "^$a \\(Docker [0-9.]+[^)]*\\): "
expect_in "$assignment" "^${b//./\\.} \\(Docker [0-9.]+[^)]*\\): "
engine_of() { (cd "$dir" && "$hubtel_ai" engines) | grep -E "(: | )$1( |\$)" | sed -E 's/: [^:]*$//'; }

# Built: each image on its engine, not on the other one.
build "$dir" images >/dev/null
for name in "${names[@]}"; do
  engine=$(engine_of "$name")
  other=$a
  [ "$engine" = "$a" ] && other=$b
  id=$(cat "$dir/hubtel/$name/image-x86_64.id")
  on "$engine" image ls --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' |
    grep -qx "hubtel/$name:x86_64 $id" || fail "$name ($id) is not in the image list of $engine"
  if on "$other" image inspect "$id" >/dev/null 2>&1; then
    fail "$name was built on $other too"
  fi
  if "$docker" image inspect "$id" >/dev/null 2>&1; then
    fail "$name ($id) reached this machine's engine"
  fi
done
echo "built: each image on its engine"

# The size of an image not pushed yet: saved by its engine.
first=${names[0]}
summary() { grep -E '^(image |  (total|visible|wasted|efficiency|base|added) )' || true; }
out=$(build "$dir" "$first-size")
expect_not_in "$out" "from the registry"
saved_summary=$(summary <<<"$out")
[ -n "$saved_summary" ] || fail "no size report of $first in:
$out"

# Pushed from its engine straight to the registry, and deployed by the digest recorded.
push_targets=()
for name in "${names[@]}"; do push_targets+=("$name-push"); done
out=$(build "$dir" "${push_targets[@]}")
for name in "${names[@]}"; do
  ref=$(cat "$dir/hubtel/$name/push-x86_64.ref")
  [[ $ref == "$reg/spread-$name@sha256:"* ]] || fail "$name was pushed as '$ref'"
  digest=${ref#*@}
  curl -fsS -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$reg/v2/spread-$name/manifests/$digest" || fail "the registry has no $ref"
  id=$(cat "$dir/hubtel/$name/image-x86_64.id")
  if "$docker" image inspect "$id" >/dev/null 2>&1; then
    fail "the push of $name went through this machine's engine"
  fi
done
expect_in "$out" "pushed the build cache of"
echo "pushed: from each engine to $reg"
# Pushed: its size read from the registry by the pushed digest, the same report.
out=$(build "$dir" "$first-size")
expect_in "$out" "hubtel: $first \\(x86_64\\) was built on engine [^ ]+ and pushed: reading $reg/spread-$first@sha256:[0-9a-f]{64} from the registry"
[ "$(summary <<<"$out")" = "$saved_summary" ] || fail "the size of $first read from the registry:
$(summary <<<"$out")
differs from its saved archive's:
$saved_summary"
echo "size: $first read from the registry"
out=$(build "$dir" deploy)
for name in "${names[@]}"; do
  uri=$(aws lambda get-function --function-name "spread-$name-$suffix" --query Code.ImageUri \
    --output text)
  [ "$uri" = "$(cat "$dir/hubtel/$name/push-x86_64.ref")" ] || fail "spread-$name runs $uri"
done
echo "deployed: each function by its pushed digest"

# The same assignment on the next configure.
before=$(cd "$dir" && "$hubtel_ai" engines)
cmake "$dir" >/dev/null
[ "$(cd "$dir" && "$hubtel_ai" engines)" = "$before" ] || fail "a configure changed the assignment"
out=$(build "$dir" images)
expect_in "$out" "no work to do"

# Invoke on this machine's engine: the image comes from the registry by its digest.
out=$(build "$dir" "$first-invoke")
expect_in "$out" "was built on engine .*: pulling $reg/spread-$first@sha256:[0-9a-f]{64} from the registry"
expect_in "$out" "\\{\"function\": \"$first\"\\}"
pulled_id=$(cat "$dir/hubtel/$first/image-x86_64.id")
echo "invoked: $first pulled from the registry"

# Engine a wiped: its images built again from the registry cache, nothing compiled.
"$fixture" wipe "$state" a
tag_base "$a"
a_names=()
for name in "${names[@]}"; do
  [ "$(engine_of "$name")" = "$a" ] && a_names+=("$name") && rm "$dir/hubtel/$name/image-x86_64.id"
done
out=$(build "$dir" images)
expect_not_in "$out" "Building CXX object"
for name in "${a_names[@]}"; do
  on "$a" image inspect "hubtel/$name:x86_64" >/dev/null || fail "$name is not on $a again"
done
steps=$(grep -cE '^#[0-9]+ \[build 1/1\] RUN' <<<"$out" || true)
[ "$steps" -gt 0 ] || fail "no compile step in the rebuild's output"
for step in $(grep -E '^#[0-9]+ \[build 1/1\] RUN' <<<"$out" | cut -d' ' -f1 | sort -u); do
  grep -Eq "^$step (CACHED|CANCELED)" <<<"$out" || fail "compile step $step ran again on the wiped engine"
done
echo "wiped: ${a_names[*]} built again on $a from the registry cache"

# Engine b down: its images fail naming it and them; engine a's images still build (-k 0).
"$fixture" down "$state" b
trap '"$fixture" up "$state" b >/dev/null 2>&1 || true' EXIT
for name in "${names[@]}"; do rm -f "$dir/hubtel/$name/image-x86_64.id"; done
set +e
out=$(cmake --build "$dir" --target images -- -k 0 2>&1)
code=$?
set -e
[ "$code" -ne 0 ] || fail "a build with engine b down succeeded"
expect_in "$out" "engine ${b//./\\.} does not answer: nothing accepts a connection there \\(127\\.0\\.0\\.1:[0-9]+: Connection refused\\)"
expect_in "$out" "the images HUBTEL_ENGINE_HOSTS gives it: "
for name in "${names[@]}"; do
  if [ "$(engine_of "$name")" = "$a" ]; then
    [ -s "$dir/hubtel/$name/image-x86_64.id" ] || fail "$name (on engine a) did not build with b down"
  else
    expect_in "$out" "gives it: ([^ ]+, )*$name"
  fi
done
set +e
out=$(cd "$dir" && "$hubtel_ai" engines --check 2>&1)
code=$?
set -e
[ "$code" = 1 ] || fail "engines --check with b down exited $code"
expect_in "$out" "^hubtel-ai: error: engine ${b//./\\.} does not answer: .*; the images it builds: "
"$fixture" up "$state" b
trap - EXIT
echo "unreachable: engine b named with its images, engine a's images built"

# A local base the image's engine lacks: named with that engine and the image, and how to load it.
for name in "${names[@]}"; do
  [ "$(engine_of "$name")" = "$b" ] && break
done
on "$b" image rm "$runtime_base" >/dev/null
set +e
out=$(cmake --build "$dir" --target "$name-image" 2>&1)
code=$?
set -e
tag_base "$b"
[ "$code" -ne 0 ] || fail "$name built on $b without its runtime base"
expect_in "$out" "locks the base image $runtime_base \\(a local image, id sha256:[0-9a-f]{64}\\), which the engine ${b//./\\.} that builds $name does not have: every engine of HUBTEL_ENGINE_HOSTS needs the local bases of the images it builds \\(docker save $runtime_base \\| docker -H ${b//./\\.} load keeps its id\\)"
echo "missing base: named with engine $b and $name"

# Something that is no engine: the registry's port, over TLS.
set +e
out=$("$hubtel_ai" engines --check --host "tcp://$reg" --cert-path "$state/tls" 2>&1)
code=$?
set -e
[ "$code" = 1 ] || fail "engines --check of the registry exited $code"
expect_in "$out" "^hubtel-ai: error: engine tcp://${reg//./\\.} is not a Docker engine: something answers there, but not the Docker API over TLS"

# What this test made on this machine's engine: the pulled image.
"$docker" image rm --force "$pulled_id" >/dev/null 2>&1 || true
echo "engines test passed"
