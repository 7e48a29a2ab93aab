#!/usr/bin/env bash
# The emulated fallback of an arm64 Python image, run to its end on this x86_64 machine: the one
# requirement is a pure-Python source distribution (made here; no index, pip finds it through
# --find-links), so there is no binary wheel for arm64 and the build says it installs the
# requirements under emulation, and why. pip then builds the sdist and installs it in the arm64
# variant of the builder, through QEMU (binfmt), and the image answers an invoke (through QEMU
# too) with what the sdist's setup.py recorded while pip built it: the machine it ran on.
# The builder and the runtime base are the multi-arch Python index of the local registry
# (tests/e2e/fixtures/base-images.sh multi), whose arm64 variant is made without emulation.
source "$(dirname "$0")/lib.sh"
work=$1
python="$(registry)/hubtel-test/python:3.11-multi"
src="$work/python-emulated-src"
rm -rf "$src"
mkdir -p "$src/wheels" "$src/slowmod-1.0/slowmod"

# slowmod-1.0.tar.gz: a source distribution only. Its setup.py writes the machine it runs on into
# the package, so the image tells where pip built it.
cat >"$src/slowmod-1.0/setup.py" <<'PY'
import platform

from setuptools import setup

with open("slowmod/_built.py", "w") as built:
    built.write("MACHINE = %r\n" % platform.machine())
setup(name="slowmod", version="1.0", packages=["slowmod"])
PY
cat >"$src/slowmod-1.0/slowmod/__init__.py" <<'PY'
from ._built import MACHINE as BUILT_ON


def answer():
    return 42
PY
printf 'Metadata-Version: 2.1\nName: slowmod\nVersion: 1.0\n' >"$src/slowmod-1.0/PKG-INFO"
tar -C "$src" -czf "$src/wheels/slowmod-1.0.tar.gz" slowmod-1.0

# A line of its own each run: the requirements' step runs again (never from the build cache).
printf '%s\n' '--no-index' '--find-links wheels' 'slowmod==1.0' "# run $(date +%s%N)-$$" \
  >"$src/requirements.txt"
cat >"$src/app.py" <<'PY'
import platform

import slowmod


def handler(event, context):
    return {"answer": slowmod.answer(), "built_on": slowmod.BUILT_ON, "runs_on": platform.machine()}
PY
cat >"$src/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.20)
project(python_emulated NONE)
find_package(HubtelAI 0.1 REQUIRED)
hubtel_add_lambda_image(
  pyemu
  RUNTIME python3.11
  HANDLER app.handler
  SOURCES app.py
  REQUIREMENTS requirements.txt
  ARCHITECTURES arm64)
EOF

configure "$src" "$work/python-emulated" \
  "-DHUBTEL_RUNTIME_IMAGE_PYTHON3_11=$python" "-DHUBTEL_BUILDER_IMAGE_PYTHON3_11=$python"
started=$(date +%s)
out=$(build "$work/python-emulated" pyemu-image)
echo "python-emulated: the arm64 image built in $(($(date +%s) - started)) s"
grep -E 'hubtel: |Building wheel|Successfully installed' <<<"$out" | cut -c1-200
# The decision, and why: pip on the build platform found no binary wheel of slowmod for arm64.
expect_in "$out" 'hubtel: pyemu \(arm64\): installing the requirements on the build platform from binary wheels for linux/arm64, first'
expect_in "$out" 'pyemu \(arm64\): slowmod==1.0 has no binary wheel for arm64; installing the requirements under emulation \(QEMU\)'
expect_not_in "$out" 'every requirement has a binary wheel'
# The step that installs them ran on aarch64, where pip built the sdist into a wheel.
expect_in "$out" 'hubtel: installing requirements for arm64 on amd64 \(aarch64, under emulation\)'
expect_in "$out" 'Building wheel for slowmod \(setup.py\)'
expect_in "$out" 'Successfully installed slowmod-1.0'
[ "$("$docker" image inspect --format '{{.Architecture}}' hubtel/pyemu:arm64)" = arm64 ] ||
  fail "the image is not arm64"

# The sdist was built by pip on aarch64 (its setup.py ran there), and the function answers on
# aarch64 with its module.
started=$(date +%s)
out=$(build "$work/python-emulated" pyemu-invoke)
echo "python-emulated: invoked in $(($(date +%s) - started)) s"
printf '%s\n' "$out" | tail -n 8
expect_in "$out" '"answer": 42'
expect_in "$out" '"built_on": "aarch64"'
expect_in "$out" '"runs_on": "aarch64"'
echo "python emulated fallback test passed"
