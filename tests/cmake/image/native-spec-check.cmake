set(spec_file "${RunCMake_TEST_BINARY_DIR}/hubtel/hello/spec.json")
if(NOT EXISTS "${spec_file}")
  set(RunCMake_TEST_FAILED "no spec at ${spec_file}")
  return()
endif()
file(READ "${spec_file}" spec)
# The kind (native) is no member: the runtime tells it.
string(JSON runtime GET "${spec}" runtime)
string(JSON arch1 GET "${spec}" architectures 1)
string(JSON greeting GET "${spec}" build_args GREETING)
string(JSON max GET "${spec}" max_size_bytes)
string(JSON mode GET "${spec}" environment MODE)
string(JSON memory GET "${spec}" memory)
string(JSON lambda_base GET "${spec}" lambda_base)
string(JSON cross GET "${spec}" cross)
# Version 2 lists the extra stages (version 1 had a flag a stage, stage_debug).
string(JSON stages GET "${spec}" stages 0)
string(JSON version GET "${spec}" spec_version)
set(expected "provided.al2023|arm64|say \"hi\" \\o/|1572864|it's fine|256|ON|ON|debug|2")
set(actual
    "${runtime}|${arch1}|${greeting}|${max}|${mode}|${memory}|${lambda_base}|${cross}|${stages}|${version}"
)
if(NOT actual STREQUAL expected)
  set(RunCMake_TEST_FAILED "spec values: ${actual}\nexpected:    ${expected}")
endif()
file(READ "${RunCMake_TEST_BINARY_DIR}/build.ninja" ninja)
foreach(
  target IN
  ITEMS hello-image
        hello-image-debug
        hello-size
        hello-invoke
        hello-invoke-arm64
        hello-push
        hello-deploy
        hello-sam
        hello-versions
        hello-rollback
        hello-gc
        sam
        images
        deploy)
  if(NOT ninja MATCHES "build ${target}:")
    string(APPEND RunCMake_TEST_FAILED "no target ${target}\n")
  endif()
endforeach()
# The project's template is written by the helper with every image's spec (a deferred call that
# once lost its helper wrote nothing).
if(NOT
   ninja
   MATCHES
   "hubtel-ai[^\n]* sam --spec [^\n]*/hubtel/hello/spec.json --spec [^\n]*/hubtel/second/spec.json --output [^\n]*/hubtel/template.yaml"
)
  string(APPEND RunCMake_TEST_FAILED "the sam target does not run hubtel-ai sam\n")
endif()
# The aggregate deploy is one command over every image with a function; KEEP_IMAGES is written.
if(NOT
   ninja
   MATCHES
   "hubtel-ai[^\n]* deploy --spec [^\n]*/hubtel/hello/spec.json --spec [^\n]*/hubtel/second/spec.json"
)
  string(APPEND RunCMake_TEST_FAILED
         "the deploy target does not deploy both images in one command\n")
endif()
file(READ "${RunCMake_TEST_BINARY_DIR}/hubtel/second/spec.json" second)
string(JSON keep GET "${second}" keep_images)
if(NOT keep EQUAL 3)
  string(APPEND RunCMake_TEST_FAILED "keep_images is ${keep}, expected 3\n")
endif()
