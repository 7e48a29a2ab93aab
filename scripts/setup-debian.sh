#!/usr/bin/env bash
# Installs, with apt, what HubtelAI's build, tests and examples need on Debian bookworm (as root).
# Idempotent: packages already installed are left alone, and apt is not called when none is missing.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config git
  # cpack's .deb (dpkg-shlibdeps finds the helper's library packages)
  dpkg-dev file
  # libraries of hubtel-ai
  nlohmann-json3-dev libcli11-dev libarchive-dev libelf-dev libcpp-httplib-dev libssl-dev
  libfmt-dev libzstd-dev zlib1g-dev librpm-dev
  # tests, benchmarks, format checks
  libgtest-dev libgmock-dev libbenchmark-dev cmake-format clang-format clang
  libclang-rt-14-dev chromium time python3-pip
  # examples (the C++ example links libcurl)
  libcurl4-openssl-dev
  # the real parts of the end-to-end tests
  docker.io docker-registry buildah podman debootstrap qemu-user-static binfmt-support g++-aarch64-linux-gnu
  iproute2 ca-certificates curl apache2-utils
  # the SBOM tests: an rpm database to read (rpm: rpmbuild and rpm)
  rpm
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "setup-debian: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup-debian: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
