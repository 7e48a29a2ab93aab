#!/usr/bin/env bash
# Python projects as they are written today, on the plain Debian Python base: a pyproject.toml
# whose [project] dependencies come from a private wheel and whose own package is built offline
# by the builder's setuptools; byte code compiled at build time for the runtime's Python
# (checked-hash .pyc files of the handler, a dependency and the project); a requirements file
# with --hash, right and wrong; and each pyproject.toml the builder refuses, with its message.
source "$(dirname "$0")/lib.sh"
work=$1
base=hubtel-test/python:3.11-amd64
src="$work/python-project-src"
rm -rf "$src"
mkdir -p "$src/wheels" "$src/mylib"

# make_wheel <dir> <name> <version> <module source>: a pure-Python wheel of one module (a zip
# with the module, METADATA, WHEEL and RECORD), made here: no index is reachable.
make_wheel() {
  python3 - "$@" <<'PY'
import base64, hashlib, sys, zipfile
folder, name, version, source = sys.argv[1:]
dist = "%s-%s.dist-info" % (name, version)
files = {
    "%s.py" % name: source + "\n",
    dist + "/METADATA": "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version),
    dist + "/WHEEL": "Wheel-Version: 1.0\nGenerator: hubtel-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for path, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record.append("%s,sha256=%s,%d" % (path, digest, len(text.encode())))
record.append(dist + "/RECORD,,")
files[dist + "/RECORD"] = "\n".join(record) + "\n"
with zipfile.ZipFile("%s/%s-%s-py3-none-any.whl" % (folder, name, version), "w") as wheel:
    for path, text in files.items():
        wheel.writestr(path, text)
PY
}
make_wheel "$src/wheels" shout 1.0 'def shout(text):
    return text.upper() + "!"'

cat >"$src/pyproject.toml" <<'EOF'
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "mylib"
version = "0.1.0"
dependencies = ["shout==1.0"]

[tool.setuptools]
packages = ["mylib"]
EOF
cat >"$src/mylib/__init__.py" <<'EOF'
import shout


def greet(name):
    return shout.shout("hello, " + name)
EOF
# pip's options for the whole install: the private wheels, and no index.
printf '%s\n' '--no-index' '--find-links wheels' >"$src/requirements.txt"
cat >"$src/app.py" <<'EOF'
import mylib


def handler(event, context):
    return {"message": mylib.greet(event.get("name", "world"))}
EOF
echo '{"name": "project"}' >"$src/event.json"
cat >"$src/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.20)
project(python_project NONE)
find_package(HubtelAI 0.1 REQUIRED)
set(requirements pyproject.toml requirements.txt)
if(HASHED STREQUAL "1")
  set(requirements hashed.txt)
elseif(HASHED STREQUAL "2")
  set(requirements pyproject.toml hashed.txt)
endif()
hubtel_add_lambda_image(
  project
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS ${requirements}
  EVENT event.json)
EOF

configure "$src" "$work/python-project" \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$base" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$base"
build "$work/python-project" project-image >/dev/null
log=$(cat "$work/python-project/last-build.log")
out=$(build "$work/python-project" project-invoke)
expect_in "$out" '"message": "HELLO, PROJECT!"'

# The image holds byte code for the runtime's Python (3.11), hash-based and checked (flags 3: the
# .pyc files do not depend on file times), of the handler, the dependency and the project.
pyc_flags=$("$docker" run --rm --entrypoint python3 hubtel/project:x86_64 -c '
import glob, sys
for pattern in ("/var/task/__pycache__/app.cpython-311.pyc",
                "/var/task/__pycache__/shout.cpython-311.pyc",
                "/var/task/mylib/__pycache__/__init__.cpython-311.pyc"):
    found = glob.glob(pattern)
    if not found:
        sys.exit("no " + pattern)
    with open(found[0], "rb") as pyc:
        print(pattern.split("/")[-1], int.from_bytes(pyc.read(8)[4:8], "little"))
') || fail "the image lacks byte code: $pyc_flags"
expect_in "$pyc_flags" '^app.cpython-311.pyc 3$'
expect_in "$pyc_flags" '^shout.cpython-311.pyc 3$'
expect_in "$pyc_flags" '^__init__.cpython-311.pyc 3$'
expect_in "$log" "byte code compiled for the runtime's Python 3.11"
# A cold start compiles nothing: on a read-only root, Python loads each module from that byte code.
imports=$("$docker" run --rm --read-only --entrypoint python3 hubtel/project:x86_64 -v -c \
  'import sys; sys.path.insert(0, "/var/task"); import app' 2>&1)
for module in __pycache__/app __pycache__/shout mylib/__pycache__/__init__; do
  expect_in "$imports" "code object from '/var/task/$module.cpython-311.pyc'"
done
expect_not_in "$imports" "could not create|matches /var/task.*bad"

# An edit to the project's package rebuilds the project's layer, not the requirements'.
layers() { "$docker" image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$1"; }
before=$(layers hubtel/project:x86_64)
sed -i 's/hello, /hi, /' "$src/mylib/__init__.py"
build "$work/python-project" project-image >/dev/null
after=$(layers hubtel/project:x86_64)
[ "$(head -n -2 <<<"$before")" = "$(head -n -2 <<<"$after")" ] ||
  fail "an edit to the project changed the requirements layer"
[ "$(tail -n 2 <<<"$before" | head -n 1)" != "$(tail -n 2 <<<"$after" | head -n 1)" ] ||
  fail "an edit to the project did not change the project layer"
out=$(build "$work/python-project" project-invoke)
expect_in "$out" '"message": "HI, PROJECT!"'

# Hashes: pip's hash-checking mode with the wheel's own digest builds; a wrong one fails the
# build with pip's message.
digest=$(sha256sum "$src/wheels/shout-1.0-py3-none-any.whl" | cut -d' ' -f1)
printf '%s\n' '--no-index' '--find-links wheels' "shout==1.0 --hash=sha256:$digest" \
  >"$src/hashed.txt"
sed -i 's/^import mylib$/import shout as mylib; mylib.greet = lambda name: mylib.shout("hashed " + name)/' "$src/app.py"
configure "$src" "$work/python-hashed" -DHASHED=1 \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$base" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$base"
out=$(build "$work/python-hashed" project-invoke)
expect_in "$out" '"message": "HASHED PROJECT!"'
wrong=$(printf '%064d' 0)
sed -i "s/$digest/$wrong/" "$src/hashed.txt"
out=$(build_fails "$work/python-hashed" project-image "a wrong --hash built")
expect_in "$out" 'THESE PACKAGES DO NOT MATCH THE HASHES'
expect_in "$out" "Expected sha256 $wrong"
expect_in "$out" "Got +$digest"
sed -i 's/^import shout as mylib.*$/import mylib/' "$src/app.py"

# A pyproject.toml beside a requirements file that pins with hashes (pip-compile's lock): its
# dependencies are constraints on the lock, and each must be installed by it.
sed -i "s/$wrong/$digest/" "$src/hashed.txt"
configure "$src" "$work/python-hashed-project" -DHASHED=2 \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$base" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$base"
out=$(build "$work/python-hashed-project" project-invoke)
expect_in "$out" '"message": "HI, PROJECT!"'
expect_in "$out" 'hashed.txt pins with hashes: the dependencies of pyproject.toml are constraints'
cp "$src/pyproject.toml" "$work/pyproject.hashed"
sed -i 's/^dependencies = .*/dependencies = ["shout[loud]==1.0", "absent>=2"]/' "$src/pyproject.toml"
out=$(build_fails "$work/python-hashed-project" project-image "a dependency missing from the lock built")
expect_in "$out" 'hubtel: pyproject.toml: \[project\] dependencies names absent, which the requirements file does not install'
cp "$work/pyproject.hashed" "$src/pyproject.toml"

# What the builder refuses, each with the file and the key. The configure step saw a [project]
# table in each, so each fails the build.
refuse() {
  local case=$1 message=$2
  configure "$src" "$work/python-project-$case" \
    "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$base" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$base"
  out=$(build_fails "$work/python-project-$case" project-image "the pyproject.toml of $case built")
  expect_in "$out" "hubtel: pyproject.toml: $message"
  echo "--- $case refused"
}
cp "$src/pyproject.toml" "$work/pyproject.good"
sed -i 's/^build-backend = .*/build-backend = "hatchling.build"/' "$src/pyproject.toml"
refuse backend '\[build-system\] build-backend "hatchling.build" cannot run here: the builder has no module hatchling'
cp "$work/pyproject.good" "$src/pyproject.toml"
sed -i 's/^requires = .*/requires = ["setuptools>=999"]/' "$src/pyproject.toml"
refuse requires '\[build-system\] requires "setuptools>=999", but the builder has setuptools [0-9.]+'
cp "$work/pyproject.good" "$src/pyproject.toml"
sed -i 's/^dependencies = .*/dynamic = ["dependencies"]/' "$src/pyproject.toml"
sed -i 's/^set(requirements pyproject.toml requirements.txt)/set(requirements pyproject.toml)/' \
  "$src/CMakeLists.txt"
refuse dynamic '\[project\] dynamic lists "dependencies"'
cp "$work/pyproject.good" "$src/pyproject.toml"
sed -i 's/^dependencies = .*/dependencies = "shout"/' "$src/pyproject.toml"
refuse not-a-list '\[project\] dependencies is not a list of strings'
printf '[project]\nname = "x"\nversion = "1"\n[project]\n' >"$src/pyproject.toml"
refuse not-toml 'is not valid TOML'

# A runtime base whose Python is not the builder's (here: none at all): the build says so, and
# the image has no byte code.
cp "$work/pyproject.good" "$src/pyproject.toml"
sed -i 's/^set(requirements pyproject.toml)/set(requirements pyproject.toml requirements.txt)/' \
  "$src/CMakeLists.txt"
configure "$src" "$work/python-project-other" "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=hubtel-test/bookworm:amd64" \
  "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$base"
out=$(build "$work/python-project-other" project-image)
expect_in "$out" "byte code not compiled at build time: no Python found in the runtime base's files"
expect_in "$out" "warning: unless the base has its Python elsewhere, the function cannot start on it"
# ... none at all: pip compiles nothing either (its byte code would be the builder's).
container=$("$docker" create hubtel/project:x86_64)
pycs=$("$docker" export "$container" | tar -t | grep -c '\.pyc$' || true)
"$docker" rm "$container" >/dev/null
[ "$pycs" = 0 ] || fail "the image has $pycs .pyc files where none was compiled for its Python"
echo "python project test passed"
