# CLI tests of `hubtel-ai abi-check`: machine and GLIBC_/GLIBCXX_ gates, bad input, output.

# Programs compiled at test time: payload/x86_64/hello (needs GLIBC_2.36 through DT_RELR),
# payload/arm64/hello (cross compiled), payload/x86_64/notes.txt (skipped inside a directory)
# and broken/truncated. A missing cross compiler fails this setup:
# apt-get install -y g++-aarch64-linux-gnu.
set(_abi_data "${CMAKE_CURRENT_SOURCE_DIR}/data/abi_check")
set(_abi_work "${CMAKE_CURRENT_BINARY_DIR}/abi_check")
add_test(
  NAME cli.abi-check.setup
  COMMAND
    sh -ec
    "rm -rf '${_abi_work}'; mkdir -p '${_abi_work}/payload/x86_64' '${_abi_work}/payload/arm64' '${_abi_work}/broken'
      gcc -O1 -Wl,-z,pack-relative-relocs -o '${_abi_work}/payload/x86_64/hello' '${_abi_data}/hello.c'
      aarch64-linux-gnu-gcc -O1 -o '${_abi_work}/payload/arm64/hello' '${_abi_data}/hello.c'
      cp '${_abi_data}/not-elf.txt' '${_abi_work}/payload/x86_64/notes.txt'
      head -c 1000 '${_abi_work}/payload/x86_64/hello' > '${_abi_work}/broken/truncated'")
set_tests_properties(cli.abi-check.setup PROPERTIES FIXTURES_SETUP hubtel_abi_check LABELS cli)

_hubtel_cli_test(
  abi-check.wrong-arch
  COMMAND abi-check "${_abi_work}/payload/arm64/hello" --arch x86_64
  RESULT 1
  STDOUT "^[^\n]*/arm64/hello machine=aarch64 glibc=2.34 glibcxx=- cxxabi=- needed=libc.so.6\n$"
  STDERR "^hubtel-ai: error: [^\n]*/arm64/hello is aarch64 \\(arm64\\) but the image is x86_64\n$")
_hubtel_cli_test(
  abi-check.x86_64-for-arm64
  COMMAND abi-check "${_abi_work}/payload/x86_64/hello" --arch arm64
  RESULT 1
  STDERR "^hubtel-ai: error: [^\n]*/x86_64/hello is x86_64 but the image is arm64\n$")
_hubtel_cli_test(
  abi-check.glibc-too-new
  COMMAND abi-check "${_abi_work}/payload/x86_64/hello" --arch x86_64 --glibc 2.34
  RESULT 1
  STDERR
    "^hubtel-ai: error: [^\n]*/x86_64/hello needs GLIBC_2.36 but the runtime base provides 2.34 \\(build with an older builder, e.g. Debian bullseye\\)\n$"
)
_hubtel_cli_test(
  abi-check.glibc-enough
  COMMAND abi-check "${_abi_work}/payload/x86_64/hello" --arch x86_64 --glibc 2.36 --glibcxx 3.4.1
  RESULT 0
  STDOUT "machine=x86_64 glibc=2.36 "
  STDERR "^$")
_hubtel_cli_test(
  abi-check.glibcxx-too-new
  COMMAND abi-check $<TARGET_FILE:hubtel-ai> --arch x86_64 --glibcxx 3.4.20
  RESULT 1
  STDERR
    "^hubtel-ai: error: [^\n]*hubtel-ai needs GLIBCXX_3\\.4\\.[0-9]+ but the runtime base provides 3\\.4\\.20 \\(build with an older builder, e\\.g\\. Debian jessie, or link with -static-libstdc\\+\\+\\)\n$"
)
_hubtel_cli_test(
  abi-check.directory
  COMMAND abi-check "${_abi_work}/payload" --arch x86_64 --format json
  RESULT 1
  STDOUT
    "^{\n  \"files\": .\n    {\n      \"path\": \"[^\"]*/arm64/hello\",\n      \"machine\": \"aarch64\",.*\"path\": \"[^\"]*/x86_64/hello\",.*\"interpreter\": \"/lib64/ld-linux-x86-64.so.2\",.*\"ok\": false\n}\n$"
  STDERR "^hubtel-ai: error: [^\n]*/arm64/hello is aarch64 \\(arm64\\) but the image is x86_64\n$")
_hubtel_cli_test(
  abi-check.directory-pass
  COMMAND abi-check "${_abi_work}/payload/x86_64" --arch x86_64
  RESULT 0
  STDOUT "^[^\n]*/x86_64/hello machine=x86_64 glibc=2.36 glibcxx=- cxxabi=- needed=libc.so.6\n$"
  STDERR "^$")
_hubtel_cli_test(
  abi-check.truncated
  COMMAND abi-check "${_abi_work}/broken/truncated" --arch x86_64
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/truncated is a truncated or corrupt ELF file \\(.*\\); rebuild or replace it\n$"
)
_hubtel_cli_test(
  abi-check.not-elf
  COMMAND abi-check "${_abi_data}/not-elf.txt" --arch x86_64
  RESULT 1
  STDOUT "^$"
  STDERR
    "^hubtel-ai: error: [^\n]*/not-elf.txt is not an ELF file \\(no .x7fELF magic\\); name the compiled program or library\n$"
)
_hubtel_cli_test(
  abi-check.missing
  COMMAND abi-check "${_abi_data}/missing" --arch x86_64
  RESULT 1
  STDOUT "^$"
  STDERR "^hubtel-ai: error: cannot read [^\n]*/missing: No such file or directory\n$")
_hubtel_cli_test(
  abi-check.bad-arch
  COMMAND abi-check /bin/true --arch riscv
  RESULT 2
  STDOUT "^$"
  STDERR "^hubtel-ai: error: --arch: riscv not in {x86_64,arm64}")
_hubtel_cli_test(
  abi-check.no-arch
  COMMAND abi-check /bin/true
  RESULT 2
  STDERR "^hubtel-ai: error: .*--arch.* required")
_hubtel_cli_test(
  abi-check.bad-glibc
  COMMAND abi-check /bin/true --arch x86_64 --glibc 2.x
  RESULT 2
  STDERR "^hubtel-ai: error: --glibc: \"2.x\" is not a version \\(expected e.g. 2.34\\)")
_hubtel_cli_test(
  abi-check.bad-format
  COMMAND abi-check /bin/true --arch x86_64 --format yaml
  RESULT 2
  STDERR "^hubtel-ai: error: --format: yaml not in {text,json}")
_hubtel_cli_test(
  abi-check.no-files
  COMMAND abi-check --arch x86_64
  RESULT 2
  STDERR "^hubtel-ai: error: files is required")
_hubtel_cli_test(
  abi-check.true
  COMMAND abi-check /bin/true --arch x86_64 --glibc 2.36
  RESULT 0
  STDOUT "^/bin/true machine=x86_64 glibc=2\\.[0-9]+ glibcxx=- cxxabi=- needed=libc.so.6\n$"
  STDERR "^$")
_hubtel_cli_test(
  abi-check.self-json
  COMMAND abi-check $<TARGET_FILE:hubtel-ai> --arch x86_64 --format json
  RESULT 0
  STDOUT "\"glibcxx\": \"3\\.4\\.[0-9]+\",\n      \"cxxabi\": \"1\\.3[.0-9]*\",.*\"ok\": true\n}\n$"
  STDERR "^$")

# These read the programs that cli.abi-check.setup compiles.
set_tests_properties(
  cli.abi-check.wrong-arch
  cli.abi-check.x86_64-for-arm64
  cli.abi-check.glibc-too-new
  cli.abi-check.glibc-enough
  cli.abi-check.directory
  cli.abi-check.directory-pass
  cli.abi-check.truncated
  PROPERTIES FIXTURES_REQUIRED hubtel_abi_check)

# The builder's own ABI check (templates/hubtel-abi.sh) judges the same programs alike.
add_test(NAME cli.abi-check.builder-script
         COMMAND sh "${CMAKE_CURRENT_SOURCE_DIR}/builder_abi.sh"
                 "${PROJECT_SOURCE_DIR}/templates/hubtel-abi.sh" "${_abi_work}")
set_tests_properties(cli.abi-check.builder-script PROPERTIES FIXTURES_REQUIRED hubtel_abi_check
                                                             LABELS cli)
