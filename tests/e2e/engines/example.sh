#!/usr/bin/env bash
# The README's walk through examples/functions on two engines of one machine, as a user runs it:
# the example configured with the two engines of the fixture (a unix socket, tcp:// with TLS) and
# a registry on loopback, `hubtel-ai engines --check`, `ninja images push`, then the size of a
# pushed image read from the registry. Each image is found on the engine it is assigned to alone,
# pushed from there, and its size from the registry is its saved archive's.
source "$(dirname "$0")/../image/lib.sh"
work=$1
root=$2
state=${HUBTEL_TEST_ENGINES_STATE:?HUBTEL_TEST_ENGINES_STATE must name the engines fixture state}
hubtel_ai=${HUBTEL_AI:?HUBTEL_AI must name the hubtel-ai program}
prefix=${HUBTEL_TEST_PREFIX:?HUBTEL_TEST_PREFIX must name the installed HubtelAI}
reg=$(registry)
hosts=$(cat "$state/hosts")
base=hubtel-test/bookworm:amd64
names=(hello hola bonjour ciao hallo salut)

# on <address> <docker-args...>: the docker client against one of the fixture's engines.
on() {
  local address=$1
  shift
  if [[ $address == unix://* ]]; then
    DOCKER_HOST=$address DOCKER_TLS_VERIFY= DOCKER_CONTEXT= "$docker" "$@"
  else
    DOCKER_HOST=$address DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$state/certs/${address#tcp://}" \
      DOCKER_CONTEXT= "$docker" "$@"
  fi
}

# As the README says, with the installed helper first on PATH and no engine named: configure
# finds it.
export PATH="$prefix/bin:$PATH"
dir="$work/build-functions"
rm -rf "$work"
mkdir -p "$work"
cmake -S "$root/examples/functions" -B "$dir" -G Ninja "-DCMAKE_PREFIX_PATH=$prefix" \
  "-DHUBTEL_RUNTIME_IMAGE_PROVIDED_AL2023=$base" "-DHUBTEL_BUILDER_IMAGE_PROVIDED_AL2023=$base" \
  "-DHUBTEL_ENGINE_HOSTS=$hosts" "-DHUBTEL_ENGINE_CERT_PATH=$state/certs" \
  "-DFUNCTIONS_REPOSITORY=$reg/greeters" | tee "$work/configure.log"
[ "$(command -v hubtel-ai)" = "$prefix/bin/hubtel-ai" ] || fail "the installed helper is not on PATH"

assignment=$(cd "$dir" && hubtel-ai engines --check)
echo "$assignment"
for name in "${names[@]}"; do expect_in "$assignment" ": (.* )?$name( |\$)"; done
engine_of() { (cd "$dir" && hubtel-ai engines --format json) | python3 -c '
import json, sys
for engine in json.load(sys.stdin)["engines"]:
    if sys.argv[1] in engine["images"]:
        print(engine["address"])' "$1"; }

out=$(cd "$dir" && ninja images push 2>&1) || fail "ninja images push failed:
$out"
for name in "${names[@]}"; do
  engine=$(engine_of "$name")
  [ -n "$engine" ] || fail "$name has no engine in hubtel-ai engines --format json"
  id=$(cat "$dir/hubtel/$name/image-x86_64.id")
  on "$engine" image inspect "$id" >/dev/null 2>&1 || fail "$name ($id) is not on $engine"
  for other in ${hosts//;/ }; do
    if [ "$other" != "$engine" ] && on "$other" image inspect "$id" >/dev/null 2>&1; then
      fail "$name was built on $other too"
    fi
  done
  ref=$(cat "$dir/hubtel/$name/push-x86_64.ref")
  [[ $ref == "$reg/greeters/$name@sha256:"* ]] || fail "$name was pushed as '$ref'"
done
echo "built and pushed: each function on its engine"

# The size of a pushed image, read from the registry with no engine, is its saved archive's.
ref=$(cat "$dir/hubtel/hello/push-x86_64.ref")
(cd "$dir" && DOCKER_HOST=unix:///nonexistent hubtel-ai size "$ref" --format json) \
  >"$work/registry.json" || fail "hubtel-ai size $ref failed"
on "$(engine_of hello)" save "$(cat "$dir/hubtel/hello/image-x86_64.id")" >"$work/hello.tar"
hubtel-ai size "$work/hello.tar" --format json >"$work/saved.json"
python3 - "$work/registry.json" "$work/saved.json" <<'PY' || fail "the two reports differ"
import json, sys
registry, saved = (json.load(open(path)) for path in sys.argv[1:])
for key in ("total_bytes", "visible_bytes", "wasted_bytes", "efficiency", "architecture",
            "largest_paths"):
    assert registry[key] == saved[key], (key, registry[key], saved[key])
assert [(l["bytes"], l["files"]) for l in registry["layers"]] == \
       [(l["bytes"], l["files"]) for l in saved["layers"]], "layers differ"
assert registry["total_bytes"] > 0
PY
echo "example on two engines passed"
