# End-to-end tests of push, deploy and the SAM template: a real engine and registry, and the real
# AWS CLI against moto_server on loopback. Included from tests/e2e/CMakeLists.txt.

# Each case: deploy/<case>.sh <work-dir>, with the fixtures it needs.
foreach(
  _hubtel_case IN
  ITEMS push
        deploy
        ecr
        sam
        faults-aws
        faults-registry
        faults-signal
        faults-disk
        secret-env
        alias
        rollback
        gate
        gc
        several
        size
        sbom)
  set(_hubtel_fixtures)
  if(_hubtel_case MATCHES
     "^(push|deploy|ecr|faults-.*|secret-env|alias|rollback|gate|gc|several|size|sbom)$")
    list(APPEND _hubtel_fixtures hubtel_engine)
  endif()
  if(_hubtel_case
     MATCHES
     "^(push|deploy|faults-(registry|disk|aws)|secret-env|alias|rollback|gate|gc|several|size|sbom)$"
  )
    list(APPEND _hubtel_fixtures hubtel_registry)
  endif()
  if(_hubtel_case MATCHES
     "^(deploy|ecr|faults-aws|faults-signal|secret-env|alias|rollback|gate|gc|several|size|sbom)$")
    list(APPEND _hubtel_fixtures hubtel_moto)
  endif()
  _hubtel_e2e_test(
    deploy.${_hubtel_case}
    COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/deploy/${_hubtel_case}.sh"
            "${CMAKE_CURRENT_BINARY_DIR}/deploy-work/${_hubtel_case}"
    FIXTURES ${_hubtel_fixtures}
    LABELS deploy
    TIMEOUT 600)
endforeach()
