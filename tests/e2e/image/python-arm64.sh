#!/usr/bin/env bash
# An arm64 Python image built on this x86_64 machine without emulation: its requirement is a
# binary wheel for manylinux2014_aarch64 (made here, with an aarch64 extension module), which pip
# installs on the build platform for the target. The runtime base is the multi-arch bookworm
# index, which has no Python: the image is checked by its contents, not invoked. Then a
# requirement with only a source distribution: the build says it falls back to emulation, and why.
source "$(dirname "$0")/lib.sh"
work=$1
runtime="$(registry)/hubtel-test/bookworm:multi"
builder=hubtel-test/python:3.11-amd64
src="$work/python-arm64-src"
rm -rf "$src"
mkdir -p "$src/wheels"

# An extension module for aarch64: one C function (nothing runs it; its ELF header is checked).
printf 'int fastmod_answer(void) { return 42; }\n' >"$src/native.c"
aarch64-linux-gnu-gcc -shared -fPIC -o "$src/_native.so" "$src/native.c"

# fastmod-1.0-cp311-cp311-manylinux2014_aarch64.whl: the package, its extension module, METADATA,
# WHEEL (not pure) and RECORD, made here: no index is reachable.
python3 - "$src/wheels" "$src/_native.so" <<'PY'
import base64, hashlib, sys, zipfile
folder, native = sys.argv[1:]
tag = "cp311-cp311-manylinux2014_aarch64"
dist = "fastmod-1.0.dist-info"
with open(native, "rb") as so:
    files = {
        "fastmod/__init__.py": b"ANSWER = 42\n",
        "fastmod/_native.cpython-311-aarch64-linux-gnu.so": so.read(),
        dist + "/METADATA": b"Metadata-Version: 2.1\nName: fastmod\nVersion: 1.0\n",
        dist + "/WHEEL": ("Wheel-Version: 1.0\nGenerator: hubtel-test\nRoot-Is-Purelib: false\nTag: %s\n" % tag).encode(),
    }
record = []
for path, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append("%s,sha256=%s,%d" % (path, digest, len(data)))
record.append(dist + "/RECORD,,")
files[dist + "/RECORD"] = ("\n".join(record) + "\n").encode()
with zipfile.ZipFile("%s/fastmod-1.0-%s.whl" % (folder, tag), "w") as wheel:
    for path, data in files.items():
        wheel.writestr(path, data)
PY

# slowmod-1.0.tar.gz: a source distribution only (its content does not matter: it is never built
# on the build platform).
mkdir -p "$src/slowmod-1.0"
printf 'from setuptools import setup\nsetup(name="slowmod", version="1.0")\n' >"$src/slowmod-1.0/setup.py"
printf 'Metadata-Version: 2.1\nName: slowmod\nVersion: 1.0\n' >"$src/slowmod-1.0/PKG-INFO"
tar -C "$src" -czf "$src/wheels/slowmod-1.0.tar.gz" slowmod-1.0

# A line of its own each run: the requirements' step runs again (never from the build cache),
# and so prints where it runs.
run_id="$(date +%s%N)-$$"
printf '%s\n' '--no-index' '--find-links wheels' 'fastmod==1.0' "# run $run_id" >"$src/requirements.txt"
printf '%s\n' '--no-index' '--find-links wheels' 'fastmod==1.0' 'slowmod==1.0' "# run $run_id" \
  >"$src/sdist.txt"
cat >"$src/app.py" <<'PYEOF'
import fastmod


def handler(event, context):
    return {"answer": fastmod.ANSWER}
PYEOF
cat >"$src/CMakeLists.txt" <<'EOF2'
cmake_minimum_required(VERSION 3.20)
project(python_arm64 NONE)
find_package(HubtelAI 0.1 REQUIRED)
set(requirements requirements.txt)
if(DEFINED SDIST)
  set(requirements sdist.txt)
endif()
hubtel_add_lambda_image(
  pyarm
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS ${requirements}
  ARCHITECTURES arm64)
EOF2

configure "$src" "$work/python-arm64" \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$runtime" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$builder"
out=$(build "$work/python-arm64" pyarm-image)
# pip ran on the build platform (uname -m of the step: x86_64), for arm64, from binary wheels;
# nothing was emulated.
expect_in "$out" 'hubtel: installing requirements for arm64 on amd64 \(x86_64, binary wheels only\)'
expect_in "$out" 'pyarm \(arm64\): every requirement has a binary wheel for arm64: installed on the build platform, nothing emulated'
expect_not_in "$out" 'requirements under emulation|aarch64, under emulation|emulating linux'
[ "$("$docker" image inspect --format '{{.Architecture}}' hubtel/pyarm:arm64)" = arm64 ] ||
  fail "the image is not arm64"
container=$("$docker" create --platform linux/arm64 hubtel/pyarm:arm64)
"$docker" cp "$container:/var/task/fastmod/_native.cpython-311-aarch64-linux-gnu.so" "$work/native-arm64.so"
"$docker" cp "$container:/var/task/app.py" "$work/app-arm64.py"
"$docker" rm "$container" >/dev/null
expect_in "$(file "$work/native-arm64.so")" 'ELF 64-bit LSB shared object, ARM aarch64'
cmp "$work/native-arm64.so" "$src/_native.so" || fail "the image's extension module is not the wheel's"

# A requirement with only a source distribution: no binary wheel for arm64, so the build says it
# installs the requirements under emulation, naming the requirement. This builder has no arm64
# variant, so the emulated step fails, saying so; python-emulated.sh runs it to its end on a
# builder that has one.
configure "$src" "$work/python-arm64-sdist" -DSDIST=1 \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$runtime" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$builder"
set +e
out=$(cmake --build "$work/python-arm64-sdist" --target pyarm-image 2>&1)
set -e
printf '%s\n' "$out" | tail -n 30
expect_in "$out" 'pyarm \(arm64\): slowmod==1.0 has no binary wheel for arm64; installing the requirements under emulation \(QEMU\)'
expect_in "$out" 'HUBTEL_PYTHON_DEPS=emulated'
expect_in "$out" 'a base image with no arm64 variant'
expect_not_in "$out" 'every requirement has a binary wheel'
echo "python arm64 image test passed"
