# Install rules: the helper, and the package (config, version, modules, templates, toolchains)
# laid out under one folder as in the source tree, so the modules find their files the same way.
include(CMakePackageConfigHelpers)

set(_hubtel_package_dir "${HUBTEL_AI_INSTALL_CMAKEDIR}")

if(TARGET hubtel-ai)
  install(TARGETS hubtel-ai EXPORT HubtelAITargets RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
  install(EXPORT HubtelAITargets NAMESPACE HubtelAI:: DESTINATION "${_hubtel_package_dir}")
endif()

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/HubtelAIConfig.cmake.in" "${PROJECT_BINARY_DIR}/HubtelAIConfig.cmake"
  INSTALL_DESTINATION "${_hubtel_package_dir}")
# Before 1.0 a minor version may break what the last one offered: 0.1 does not stand in for 0.2.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_hubtel_compatibility SameMinorVersion)
else()
  set(_hubtel_compatibility SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/HubtelAIConfigVersion.cmake"
                                 COMPATIBILITY ${_hubtel_compatibility})
install(FILES "${PROJECT_BINARY_DIR}/HubtelAIConfig.cmake"
              "${PROJECT_BINARY_DIR}/HubtelAIConfigVersion.cmake"
        DESTINATION "${_hubtel_package_dir}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/modules" "${PROJECT_SOURCE_DIR}/templates"
                  "${PROJECT_SOURCE_DIR}/toolchains" DESTINATION "${_hubtel_package_dir}")
install(FILES "${PROJECT_SOURCE_DIR}/cmake/HubtelAIBuilder.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/HubtelAIBuilderVersion.cmake"
        DESTINATION "${_hubtel_package_dir}/cmake")
