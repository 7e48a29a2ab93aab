#!/bin/sh
# hubtel-deps: installs what a builder or debug stage needs with the image's own package
# manager. Usage: [HUBTEL_TESTS=1] hubtel-deps native|python|debug [package...]; on a Debian
# cross builder the packages are installed for the target architecture (and QEMU with
# HUBTEL_TESTS=1, to run the project's tests).
set -eu
purpose=$1
shift
say() { echo "hubtel: $*" >&2; }

# missing <query> <package>...: the packages the query does not find installed. The package
# manager, its index update included, runs only for these: a builder that has everything
# already costs one database look-up.
missing() {
  query=$1
  shift
  absent=""
  for package in "$@"; do
    $query "$package" >/dev/null 2>&1 || absent="$absent $package"
  done
  echo "$absent"
}
dpkg_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
rpm_installed() { rpm -q --whatprovides "$1"; }
apk_installed() { apk info -e "$1"; }

cross=no
if [ "${TARGETARCH:-}" != "" ] && [ "${BUILDARCH:-}" != "" ] && [ "$TARGETARCH" != "$BUILDARCH" ]; then
  cross=yes
fi

if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  case $purpose in
    native) tools="cmake ninja-build make binutils file ca-certificates" ;;
    python) tools="" ;;
    debug) tools="gdb" ;;
  esac
  libs=""
  if [ "$purpose" = native ] && [ "$cross" = yes ]; then
    case $TARGETARCH in
      arm64) tools="$tools g++-aarch64-linux-gnu" ;;
      amd64) tools="$tools g++-x86-64-linux-gnu" ;;
      *) say "no cross toolchain for $TARGETARCH"; exit 1 ;;
    esac
    # The project's tests (TESTS ON) are cross-built too: they run under QEMU.
    if [ "${HUBTEL_TESTS:-}" = 1 ]; then tools="$tools qemu-user-static"; fi
    dpkg --add-architecture "$TARGETARCH"
    for package in "$@"; do
      case $package in
        *:*) libs="$libs $package" ;;
        *) libs="$libs $package:$TARGETARCH" ;;
      esac
    done
    say "cross-compiling for $TARGETARCH on $BUILDARCH"
  else
    [ "$purpose" = native ] && tools="$tools g++"
    libs="$*"
  fi
  # shellcheck disable=SC2086
  wanted=$(missing dpkg_installed $tools $libs)
  if [ -z "$wanted" ]; then
    [ -n "$tools$libs" ] && say "every package is installed already; apt-get is not run"
  else
    say "installing$wanted"
    if [ "${HUBTEL_PACKAGE_CACHE:-}" = 1 ]; then
      # The package lists and downloads live in cache mounts: keep them for the next build.
      rm -f /etc/apt/apt.conf.d/docker-clean
      echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >/etc/apt/apt.conf.d/90hubtel-keep
    fi
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $wanted
    if [ "${HUBTEL_PACKAGE_CACHE:-}" != 1 ]; then
      rm -rf /var/lib/apt/lists/*
    fi
  fi
elif command -v dnf >/dev/null 2>&1 || command -v microdnf >/dev/null 2>&1 || command -v yum >/dev/null 2>&1; then
  manager=yum
  command -v dnf >/dev/null 2>&1 && manager=dnf
  command -v microdnf >/dev/null 2>&1 && ! command -v dnf >/dev/null 2>&1 && manager=microdnf
  case $purpose in
    native) tools="gcc-c++ make binutils file findutils tar" ;;
    python) tools="" ;;
    debug) tools="gdb" ;;
  esac
  if [ "$purpose" = native ]; then
    # Amazon Linux 2 names CMake 3 cmake3; newer ones name it cmake.
    if [ "$manager" = yum ]; then tools="$tools cmake3"; else tools="$tools cmake ninja-build"; fi
  fi
  # shellcheck disable=SC2086
  wanted=$(missing rpm_installed $tools "$@")
  if [ -z "$wanted" ]; then
    [ -n "$tools$*" ] && say "every package is installed already; $manager is not run"
  else
    say "installing$wanted"
    # shellcheck disable=SC2086
    $manager install -y $wanted
    if [ "${HUBTEL_PACKAGE_CACHE:-}" != 1 ]; then
      $manager clean all >/dev/null 2>&1 || true
    fi
  fi
  if command -v cmake3 >/dev/null 2>&1 && ! command -v cmake >/dev/null 2>&1; then
    ln -s "$(command -v cmake3)" /usr/local/bin/cmake
  fi
elif command -v apk >/dev/null 2>&1; then
  case $purpose in
    native) tools="g++ cmake ninja make binutils file" ;;
    python) tools="" ;;
    debug) tools="gdb" ;;
  esac
  # shellcheck disable=SC2086
  wanted=$(missing apk_installed $tools "$@")
  if [ -z "$wanted" ]; then
    [ -n "$tools$*" ] && say "every package is installed already; apk is not run"
  else
    say "installing$wanted"
    # shellcheck disable=SC2086
    apk add --no-cache $wanted
  fi
else
  say "the image has none of apt-get, dnf, microdnf, yum or apk: pass a BUILDER_IMAGE with a package manager"
  exit 1
fi
