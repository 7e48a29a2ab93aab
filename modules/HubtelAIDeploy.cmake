#[=======================================================================[.rst:
HubtelAIDeploy
--------------

The registry and AWS Lambda side of an image: ``<name>-push``, ``<name>-deploy``, the SAM
template, and the aggregate targets ``push`` and ``deploy``. Used by
:command:`hubtel_add_lambda_image`.

.. variable:: HUBTEL_CREATE_REPOSITORIES

  Create a missing ECR repository before pushing to it (default ``OFF``).

.. variable:: HUBTEL_REGISTRY_CACHE

  Share build caches through each image's ``REPOSITORY`` (default ``OFF``), for teams whose CI
  runs on many machines: image builds read ``--cache-from`` the repository, and
  ``<name>-push`` also pushes ``<repository>:hubtel-cache-<arch>`` (the final stage, inline
  cache) and ``<repository>:hubtel-cache-build-<arch>`` (the builder stage, which inline cache
  leaves out), so a fresh machine reuses the compile another one did.
#]=======================================================================]
include_guard(GLOBAL)
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/HubtelAIEngine.cmake")

option(HUBTEL_CREATE_REPOSITORIES "Create missing ECR repositories before pushing" OFF)

# _hubtel_add_deploy_targets(<name>) adds <name>-push, <name>-deploy and <name>-sam from the
# image's record (the HUBTEL_* properties of <name>-image).
function(_hubtel_add_deploy_targets name)
  get_property(repository TARGET ${name}-image PROPERTY HUBTEL_REPOSITORY)
  # Read whether or not there is a repository: an unset variable in if() reads as its own name.
  get_property(function_name TARGET ${name}-image PROPERTY HUBTEL_FUNCTION_NAME)
  if(NOT "${repository}" STREQUAL "")
    get_property(spec TARGET ${name}-image PROPERTY HUBTEL_SPEC_FILE)
    get_property(sam_file TARGET ${name}-image PROPERTY HUBTEL_SAM_FILE)
    set(helper HubtelAI::hubtel-ai)
    get_property(id_files TARGET ${name}-image PROPERTY HUBTEL_ID_FILES)
    get_property(push_refs TARGET ${name}-image PROPERTY HUBTEL_PUSH_REFS)
    get_property(sbom_files TARGET ${name}-image PROPERTY HUBTEL_SBOM_FILES)
    _hubtel_engine_arguments()
    get_property(engine GLOBAL PROPERTY _HUBTEL_ENGINE_OPTION)
    if(engine)
      get_property(engine_kind GLOBAL PROPERTY _HUBTEL_ENGINE_KIND)
      list(APPEND engine --engine-kind ${engine_kind})
    endif()
    get_property(host_options TARGET ${name}-image PROPERTY HUBTEL_ENGINE_HOST_OPTIONS)
    list(APPEND engine ${host_options})
    set(create)
    if(HUBTEL_CREATE_REPOSITORIES)
      set(create --create-repository)
    endif()
    add_custom_command(
      OUTPUT ${push_refs}
      COMMAND "${helper}" push --spec "${spec}" ${engine} ${create}
      DEPENDS ${id_files} ${sbom_files} "${spec}"
      COMMENT "Pushing Lambda image ${name} to ${repository}"
      VERBATIM)
    add_custom_target(${name}-push DEPENDS ${push_refs})
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_PUSH_TARGETS ${name}-push)
    add_custom_command(
      OUTPUT "${sam_file}"
      COMMAND "${helper}" sam --spec "${spec}" --output "${sam_file}"
      DEPENDS ${push_refs} "${spec}"
      COMMENT "Writing the SAM template of Lambda image ${name}"
      VERBATIM)
    add_custom_target(${name}-sam DEPENDS "${sam_file}")
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_SAM_SPECS "${spec}")
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_SAM_DEPENDS ${push_refs})
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_SAM_TARGETS ${name}-sam)
    get_property(deferred GLOBAL PROPERTY _HUBTEL_SAM_DEFERRED)
    if(NOT deferred)
      set_property(GLOBAL PROPERTY _HUBTEL_SAM_DEFERRED ON)
      # Once every image is known: the project's own template, at the end of the top directory.
      cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _hubtel_add_project_sam)
    endif()
  else()
    add_custom_target(
      ${name}-push
      COMMAND
        ${CMAKE_COMMAND} -E echo
        "hubtel_add_lambda_image(${name}): no REPOSITORY to push to; add REPOSITORY <registry/repository>"
      COMMAND ${CMAKE_COMMAND} -E false
      VERBATIM)
  endif()

  # The aggregates exist in every project that has an image, once every image is known: push
  # pushes those with a repository, deploy deploys those with a function, in one command that
  # deploys each on its own.
  get_property(deferred GLOBAL PROPERTY _HUBTEL_DEPLOY_DEFERRED)
  if(NOT deferred)
    set_property(GLOBAL PROPERTY _HUBTEL_DEPLOY_DEFERRED ON)
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _hubtel_add_project_push)
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _hubtel_add_project_deploy)
  endif()
  if(NOT "${repository}" STREQUAL "" AND NOT "${function_name}" STREQUAL "")
    get_property(deploy_file TARGET ${name}-image PROPERTY HUBTEL_DEPLOY_FILE)
    add_custom_command(
      OUTPUT "${deploy_file}"
      COMMAND "${helper}" deploy --spec "${spec}"
      DEPENDS ${push_refs} "${spec}"
      COMMENT "Deploying Lambda function ${function_name}"
      VERBATIM)
    add_custom_target(${name}-deploy DEPENDS "${deploy_file}")
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_DEPLOY_SPECS "${spec}")
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_DEPLOY_DEPENDS ${push_refs})
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_DEPLOY_TARGETS ${name}-push)
    # What Lambda holds, read from Lambda each time: nothing in the build tree stands for it.
    add_custom_target(
      ${name}-versions
      COMMAND "${helper}" versions --spec "${spec}"
      COMMENT "Listing the versions of Lambda function ${function_name}"
      USES_TERMINAL VERBATIM)
    add_custom_target(
      ${name}-rollback
      COMMAND "${helper}" rollback --spec "${spec}"
      COMMENT "Rolling Lambda function ${function_name} back to its previous version"
      USES_TERMINAL VERBATIM)
    add_custom_target(
      ${name}-gc
      COMMAND "${helper}" gc --spec "${spec}"
      COMMENT "Cleaning up the versions of ${function_name} and the images of ${repository}"
      USES_TERMINAL VERBATIM)
  else()
    add_custom_target(
      ${name}-deploy
      COMMAND
        ${CMAKE_COMMAND} -E echo
        "hubtel_add_lambda_image(${name}): no FUNCTION_NAME to deploy; add FUNCTION_NAME <name> and REPOSITORY <registry/repository>"
      COMMAND ${CMAKE_COMMAND} -E false
      COMMENT "hubtel_add_lambda_image(${name}) has no function to deploy"
      VERBATIM)
    # The function's other targets say what is missing.
    set(missing "")
    if("${function_name}" STREQUAL "")
      list(APPEND missing "FUNCTION_NAME <name>")
    endif()
    if("${repository}" STREQUAL "")
      list(APPEND missing "REPOSITORY <registry/repository>")
    endif()
    string(JOIN " and " missing ${missing})
    set(targets versions rollback gc)
    set(words "whose versions to list" "to roll back" "to clean up after")
    foreach(target what IN ZIP_LISTS targets words)
      add_custom_target(
        ${name}-${target}
        COMMAND ${CMAKE_COMMAND} -E echo
                "hubtel_add_lambda_image(${name}): no function ${what}; add ${missing}"
        COMMAND ${CMAKE_COMMAND} -E false
        COMMENT "hubtel_add_lambda_image(${name}) has no function ${what}"
        VERBATIM)
    endforeach()
  endif()
endfunction()

# _hubtel_aggregate_taken(<out> <target> <instead>) sets <out> to whether the project has a target
# <target> of its own, which HubtelAI's aggregate of that name then leaves alone, saying so with
# what builds the same (<instead>).
function(_hubtel_aggregate_taken out target instead)
  if(TARGET ${target})
    message(STATUS "HubtelAI: the project has a target named ${target} of its own, left as it is; "
                   "${instead}")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# _hubtel_aggregate(<target> <member>...) adds the targets <member> to the project's aggregate
# <target>, which is made once every image is known (at the end of the top directory), so a
# target of that name the project adds before or after is its own.
function(_hubtel_aggregate target)
  set_property(GLOBAL APPEND PROPERTY _HUBTEL_AGGREGATE_${target} ${ARGN})
  get_property(deferred GLOBAL PROPERTY _HUBTEL_AGGREGATE_DEFERRED_${target})
  if(NOT deferred)
    set_property(GLOBAL PROPERTY _HUBTEL_AGGREGATE_DEFERRED_${target} ON)
    # A deferred call's arguments are read when it runs: the name goes in as text now.
    cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL "
                   "_hubtel_make_aggregate ${target})")
  endif()
endfunction()

function(_hubtel_make_aggregate target)
  get_property(members GLOBAL PROPERTY _HUBTEL_AGGREGATE_${target})
  list(JOIN members ", " listed)
  _hubtel_aggregate_taken(taken ${target} "build ${listed}")
  if(NOT taken)
    add_custom_target(${target})
    add_dependencies(${target} ${members})
  endif()
endfunction()

# _hubtel_add_project_push() adds the target push: every image of the project that has a
# REPOSITORY pushed, each from the engine that built it. Where none has one it says so and fails,
# as <name>-push does; a target push of the project's own is left alone (<name>-push still works).
function(_hubtel_add_project_push)
  get_property(targets GLOBAL PROPERTY _HUBTEL_PUSH_TARGETS)
  _hubtel_aggregate_taken(taken push "push each image with its <name>-push")
  if(taken)
    return()
  endif()
  if(NOT targets)
    add_custom_target(
      push
      COMMAND
        ${CMAKE_COMMAND} -E echo
        "hubtel: no image of this project has a REPOSITORY to push to; add REPOSITORY <registry/repository> to hubtel_add_lambda_image()"
      COMMAND ${CMAKE_COMMAND} -E false
      VERBATIM)
    return()
  endif()
  add_custom_target(push)
  add_dependencies(push ${targets})
endfunction()

# _hubtel_add_project_deploy() adds the target deploy: one command that deploys every image of the
# project with a function, each on its own (a failure leaves the others deployed), and names each
# one's outcome. It runs again when a pushed image or a spec changes.
function(_hubtel_add_project_deploy)
  _hubtel_aggregate_taken(taken deploy "deploy each function with its <name>-deploy")
  if(taken)
    return()
  endif()
  get_property(specs GLOBAL PROPERTY _HUBTEL_DEPLOY_SPECS)
  if(NOT specs)
    add_custom_target(deploy)
    return()
  endif()
  get_property(targets GLOBAL PROPERTY _HUBTEL_DEPLOY_TARGETS)
  get_property(depends GLOBAL PROPERTY _HUBTEL_DEPLOY_DEPENDS)
  set(spec_args)
  foreach(spec IN LISTS specs)
    list(APPEND spec_args --spec "${spec}")
  endforeach()
  _hubtel_config_dir(config_dir)
  set(stamp "${CMAKE_BINARY_DIR}/hubtel${config_dir}/deploy.stamp")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND HubtelAI::hubtel-ai deploy ${spec_args}
    COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
    DEPENDS ${depends} ${specs}
    COMMENT "Deploying the project's Lambda functions"
    VERBATIM)
  add_custom_target(deploy DEPENDS "${stamp}")
  add_dependencies(deploy ${targets})
endfunction()

# _hubtel_add_project_sam() adds the target sam: hubtel/template.yaml, one SAM template for every
# image of the project that has a REPOSITORY, and each image's own template.
function(_hubtel_add_project_sam)
  _hubtel_aggregate_taken(taken sam "write each image's template with its <name>-sam")
  if(taken)
    return()
  endif()
  get_property(targets GLOBAL PROPERTY _HUBTEL_SAM_TARGETS)
  get_property(specs GLOBAL PROPERTY _HUBTEL_SAM_SPECS)
  get_property(depends GLOBAL PROPERTY _HUBTEL_SAM_DEPENDS)
  set(spec_args)
  foreach(spec IN LISTS specs)
    list(APPEND spec_args --spec "${spec}")
  endforeach()
  _hubtel_config_dir(config_dir)
  set(output "${CMAKE_BINARY_DIR}/hubtel${config_dir}/template.yaml")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND HubtelAI::hubtel-ai sam ${spec_args} --output "${output}"
    DEPENDS ${depends} ${specs}
    COMMENT "Writing the project's SAM template"
    VERBATIM)
  add_custom_target(sam DEPENDS "${output}")
  add_dependencies(sam ${targets})
endfunction()

# _hubtel_config_dir(<out>) gives the folder of the project's files below hubtel/: none, or
# /<configuration> with a multi-config generator, which deploys each configuration's images.
function(_hubtel_config_dir out)
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    set(${out} "/$<CONFIG>" PARENT_SCOPE)
  else()
    set(${out} "" PARENT_SCOPE)
  endif()
endfunction()

cmake_policy(POP)
