# Adds an image whose builder asks for a package that does not exist (loaded with
# CMAKE_PROJECT_INCLUDE by the error test).
cmake_language(DEFER CALL _hubtel_test_bad_package)
function(_hubtel_test_bad_package)
  hubtel_add_lambda_image(
    bad
    RUNTIME provided.al2023
    TARGET one
    RUNTIME_IMAGE ${TEST_BASE}
    BUILDER_IMAGE ${TEST_BASE}
    BUILDER_PACKAGES no-such-package-hubtel)
endfunction()
