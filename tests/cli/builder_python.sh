#!/bin/sh
# The builder's pyproject.toml checks (templates/hubtel-python.py), run by this machine's Python
# with pip: each malformed file fails with one "hubtel: <file>: <what>" line, never a traceback,
# and a dependency is never split, joined or read as a pip option in the requirements file it
# writes. Usage: builder_python.sh <python> <script> <work>
set -eu
python=$1 script=$2 work=$3/builder-python
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
# check <name> <command> <expected exit> <regex of the whole stderr>: writes $work/<name>.toml
# from stdin and runs `hubtel-python <command> <file> ...` on it.
check() {
  name=$1 command=$2 code=$3 pattern=$4
  cat >"$work/$name.toml"
  set +e
  case $command in
    deps) "$python" "$script" deps "$work/$name.toml" 0 >"$work/$name.out" 2>"$work/$name.err" ;;
    *) "$python" "$script" "$command" "$work/$name.toml" >"$work/$name.out" 2>"$work/$name.err" ;;
  esac
  got=$?
  set -e
  err=$(cat "$work/$name.err")
  [ "$got" = "$code" ] || fail "$name: exit $got, not $code: $err"
  [ -z "$err" ] && [ "$pattern" = '^$' ] ||
    printf '%s\n' "$err" | grep -Eq "$pattern" || fail "$name: no match for '$pattern' in: $err"
  if printf '%s' "$err" | grep -q Traceback; then fail "$name: a traceback: $err"; fi
  echo "ok: $name"
}
printf '[project]\nname = "a"\ndependencies = ["six\\r--index-url=http://example.invalid/simple"]\n' |
  check carriage-return deps 1 "^hubtel: .*carriage-return.toml: \[project\] dependencies holds 'six.r--index-url=http://example.invalid/simple', which is no PEP 508 requirement$"
printf '[project]\nname = "a"\ndependencies = ["six\\u2028-e /etc"]\n' |
  check line-separator deps 1 "^hubtel: .*: \[project\] dependencies holds .*, which is no PEP 508 requirement$"
printf '[project]\nname = "a"\ndependencies = ["six\\\\", "requests"]\n' |
  check backslash deps 1 "^hubtel: .*: \[project\] dependencies holds 'six.*', which is no PEP 508 requirement$"
printf '[project]\nname = "a"\ndependencies = ["six --index-url=http://example.invalid/simple"]\n' |
  check option deps 1 "^hubtel: .*: \[project\] dependencies holds .*, which is no PEP 508 requirement$"
printf '[project]\nname = "a"\ndynamic = "dependencies"\n' |
  check dynamic-string deps 1 "^hubtel: .*: \[project\] dynamic is not a list of field names$"
printf '[project]\nname = "\377"\n' |
  check not-utf8 deps 1 "^hubtel: .*not-utf8.toml: is not UTF-8 text, as TOML must be: "
printf 'build-system = "setuptools"\n[project]\nname = "a"\n' |
  check build-system-string check-build 1 "^hubtel: .*: \[build-system\] is not a table$"
printf '[project]\nname = "a"\n[build-system]\nrequires = [{ a = 1 }]\n' |
  check requires-table check-build 1 "^hubtel: .*: \[build-system\] requires holds \{'a': 1\}, which is no PEP 508 requirement$"
# What is taken: the requirements pip reads, one a line, as written.
printf '[project]\nname = "a"\ndependencies = ["six>=1.16", "requests[socks] ; python_version >= \\"3.8\\""]\n' |
  check good deps 0 "^$"
[ "$(cat "$work/good.out")" = 'six>=1.16
requests[socks] ; python_version >= "3.8"' ] || fail "good: wrote: $(cat "$work/good.out")"
echo "ok: good (written as given)"
# Whether a requirements file pins with hashes: --hash or --require-hashes as options, not in a
# comment.
hashed() {
  printf '%b' "$2" >"$work/$1.txt"
  set +e
  "$python" "$script" hashed "$work/$1.txt"
  got=$?
  set -e
  [ "$got" = "$3" ] || fail "hashed $1: exit $got, not $3"
  echo "ok: hashed $1"
}
hashed pinned 'six==1.16.0 \\\n    --hash=sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926\n' 0
hashed required '--require-hashes\nsix==1.16.0\n' 0
hashed comment '# pin with --hash one day\nsix==1.16.0  # not --hash=sha256:00\n' 1
hashed plain 'six==1.16.0\nrequests\n' 1
hashed fragment 'pkg @ https://example.invalid/pkg.zip#--hash\n' 1
