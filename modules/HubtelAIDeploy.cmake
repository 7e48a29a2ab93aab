#[=======================================================================[.rst:
HubtelAIDeploy
--------------

The registry and AWS Lambda side of an image: ``<name>-push``, ``<name>-deploy``, the SAM
template, and the aggregate ``deploy`` target. Used by :command:`hubtel_add_lambda_image`.

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
include(HubtelAIValidate)

option(HUBTEL_CREATE_REPOSITORIES "Create missing ECR repositories before pushing" OFF)
option(HUBTEL_REGISTRY_CACHE "Share image build caches through each image's REPOSITORY" OFF)

# Variables Lambda sets itself, which a function may not set.
set(_HUBTEL_RESERVED_ENVIRONMENT
    _HANDLER
    _X_AMZN_TRACE_ID
    AWS_DEFAULT_REGION
    AWS_REGION
    AWS_EXECUTION_ENV
    AWS_LAMBDA_FUNCTION_NAME
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE
    AWS_LAMBDA_FUNCTION_VERSION
    AWS_LAMBDA_INITIALIZATION_TYPE
    AWS_LAMBDA_LOG_GROUP_NAME
    AWS_LAMBDA_LOG_STREAM_NAME
    AWS_ACCESS_KEY
    AWS_ACCESS_KEY_ID
    AWS_SECRET_ACCESS_KEY
    AWS_SESSION_TOKEN
    AWS_LAMBDA_RUNTIME_API
    LAMBDA_TASK_ROOT
    LAMBDA_RUNTIME_DIR
    CACHE INTERNAL "")
string(JOIN "|" _hubtel_reserved ${_HUBTEL_RESERVED_ENVIRONMENT})
set(_HUBTEL_RESERVED_ENVIRONMENT_REGEX "^(${_hubtel_reserved})$" CACHE INTERNAL "")
unset(_hubtel_reserved)

# _hubtel_deploy_arguments(<out> <fn> <name>) checks the registry and function arguments of its
# caller (arg_REPOSITORY, arg_TAG, arg_FUNCTION_NAME, arg_ROLE, arg_MEMORY, arg_TIMEOUT,
# arg_ENVIRONMENT) and gives the spec's JSON members for them.
function(_hubtel_deploy_arguments out fn name)
  if(NOT DEFINED arg_REPOSITORY
     AND NOT DEFINED arg_TAG
     AND NOT DEFINED arg_FUNCTION_NAME
     AND NOT DEFINED arg_ROLE
     AND NOT DEFINED arg_MEMORY
     AND NOT DEFINED arg_TIMEOUT
     AND NOT DEFINED arg_ENVIRONMENT)
    set(${out}
        [=[  "repository": null,
  "tag": null,
  "function_name": null,
  "role": null,
  "memory": null,
  "timeout": null,
  "environment": {},
  "environment_list": []]=]
        PARENT_SCOPE)
    return()
  endif()
  set(function_keywords)
  foreach(keyword IN ITEMS ROLE MEMORY TIMEOUT ENVIRONMENT)
    if(DEFINED arg_${keyword})
      list(APPEND function_keywords ${keyword})
    endif()
  endforeach()
  if(function_keywords AND NOT DEFINED arg_FUNCTION_NAME)
    list(GET function_keywords 0 keyword)
    _hubtel_fail(${fn} ${name} "${keyword} configures a Lambda function, but no FUNCTION_NAME "
                 "is given; add FUNCTION_NAME <name> (the function to create or update)")
  endif()
  if(DEFINED arg_FUNCTION_NAME AND NOT DEFINED arg_REPOSITORY)
    _hubtel_fail(
      ${fn} ${name} "FUNCTION_NAME \"${arg_FUNCTION_NAME}\" is deployed from a "
      "registry, but no REPOSITORY is given; add REPOSITORY <registry/repository> "
      "(e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/${name})")
  endif()
  if(DEFINED arg_TAG AND NOT DEFINED arg_REPOSITORY)
    _hubtel_fail(${fn} ${name}
                 "TAG is given without REPOSITORY; add REPOSITORY <registry/repository>")
  endif()

  set(members)
  if(DEFINED arg_REPOSITORY)
    _hubtel_check_match(
      ${fn}
      ${name}
      REPOSITORY
      "^([A-Za-z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$"
      "registry/repository, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/hello"
      "${arg_REPOSITORY}")
    # ECR names a repository with 2 to 256 characters.
    if(arg_REPOSITORY MATCHES "^[0-9]+\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/(.*)$")
      string(LENGTH "${CMAKE_MATCH_2}" length)
      if(length LESS 2 OR length GREATER 256)
        _hubtel_fail(${fn} ${name} "REPOSITORY \"${arg_REPOSITORY}\" is not valid: an ECR "
                     "repository name has 2 to 256 characters")
      endif()
    endif()
    list(APPEND members "\"repository\": \"${arg_REPOSITORY}\"")
    if(HUBTEL_REGISTRY_CACHE)
      list(APPEND members "\"registry_cache\": true")
    endif()
  else()
    list(APPEND members "\"repository\": null")
  endif()
  if(DEFINED arg_TAG)
    _hubtel_check_match(${fn} ${name} TAG "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"
                        "letters, digits, '_', '.' and '-'" "${arg_TAG}")
    string(LENGTH "${arg_TAG}" length)
    if(length GREATER 120)
      _hubtel_fail(${fn} ${name} "TAG is longer than 120 characters")
    endif()
    list(APPEND members "\"tag\": \"${arg_TAG}\"")
  else()
    list(APPEND members "\"tag\": null")
  endif()
  if(DEFINED arg_FUNCTION_NAME)
    _hubtel_check_match(${fn} ${name} FUNCTION_NAME "^[A-Za-z0-9_-]+$"
                        "letters, digits, '-' and '_' (at most 64)" "${arg_FUNCTION_NAME}")
    string(LENGTH "${arg_FUNCTION_NAME}" length)
    if(length GREATER 64)
      _hubtel_fail(${fn} ${name} "FUNCTION_NAME is longer than 64 characters")
    endif()
    list(APPEND members "\"function_name\": \"${arg_FUNCTION_NAME}\"")
  else()
    list(APPEND members "\"function_name\": null")
  endif()
  if(DEFINED arg_ROLE)
    _hubtel_check_match(
      ${fn}
      ${name}
      ROLE
      "^arn:aws[a-z-]*:iam::[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]:role/[A-Za-z0-9+=,.@_/-]+$"
      "an IAM role ARN, arn:aws:iam::<account>:role/<name>"
      "${arg_ROLE}")
    list(APPEND members "\"role\": \"${arg_ROLE}\"")
  else()
    list(APPEND members "\"role\": null")
  endif()
  if(DEFINED arg_MEMORY)
    _hubtel_check_integer(${fn} ${name} MEMORY "${arg_MEMORY}" 128 10240)
    list(APPEND members "\"memory\": ${arg_MEMORY}")
  else()
    list(APPEND members "\"memory\": null")
  endif()
  if(DEFINED arg_TIMEOUT)
    _hubtel_check_integer(${fn} ${name} TIMEOUT "${arg_TIMEOUT}" 1 900)
    list(APPEND members "\"timeout\": ${arg_TIMEOUT}")
  else()
    list(APPEND members "\"timeout\": null")
  endif()
  _hubtel_check_match(${fn} ${name} ENVIRONMENT "^[A-Za-z][A-Za-z0-9_]*=" "KEY=value"
                      ${arg_ENVIRONMENT})
  _hubtel_check_keys(${fn} ${name} ENVIRONMENT "${_HUBTEL_RESERVED_ENVIRONMENT_REGEX}"
                     "is reserved by Lambda" ${arg_ENVIRONMENT})
  _hubtel_key_value_json(environment_json environment_list ${arg_ENVIRONMENT})
  list(APPEND members "\"environment\": ${environment_json}"
       "\"environment_list\": ${environment_list}")
  list(TRANSFORM members PREPEND "  ")
  string(JOIN ",\n" json ${members})
  set(${out} "${json}" PARENT_SCOPE)
endfunction()

# _hubtel_add_deploy_targets() adds <name>-push, <name>-deploy and <name>-sam; it reads the
# variables of its caller.
function(_hubtel_add_deploy_targets)
  set(push_refs)
  foreach(arch IN LISTS arg_ARCHITECTURES)
    list(APPEND push_refs "${dir}/push-${arch}.ref")
  endforeach()
  if(DEFINED arg_REPOSITORY)
    set(create)
    if(HUBTEL_CREATE_REPOSITORIES)
      set(create --create-repository)
    endif()
    set(cache_commands)
    if(HUBTEL_REGISTRY_CACHE)
      foreach(arch IN LISTS arg_ARCHITECTURES)
        list(
          APPEND
          cache_commands
          COMMAND
          ${build_command}
          --arch
          ${arch}
          --push-cache)
      endforeach()
    endif()
    add_custom_command(
      OUTPUT ${push_refs}
      COMMAND "${helper}" push --spec "${dir}/spec.json" ${engine_option} ${create}
              ${cache_commands}
      DEPENDS ${id_files} "${dir}/spec.json"
      COMMENT "Pushing Lambda image ${name} to ${arg_REPOSITORY}"
      VERBATIM)
    add_custom_target(${name}-push DEPENDS ${push_refs})
    add_custom_command(
      OUTPUT "${dir}/template.yaml"
      COMMAND "${helper}" sam --spec "${dir}/spec.json" --output "${dir}/template.yaml"
      DEPENDS ${push_refs} "${dir}/spec.json"
      COMMENT "Writing the SAM template of Lambda image ${name}"
      VERBATIM)
    add_custom_target(${name}-sam DEPENDS "${dir}/template.yaml")
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_SAM_SPECS "${dir}/spec.json")
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_SAM_DEPENDS ${push_refs})
    set_property(GLOBAL APPEND PROPERTY _HUBTEL_SAM_TARGETS ${name}-sam)
    # A deferred call reads variables when it runs, not now: the helper travels as a property.
    set_property(GLOBAL PROPERTY _HUBTEL_SAM_HELPER "${helper}")
    get_property(deferred GLOBAL PROPERTY _HUBTEL_SAM_DEFERRED)
    if(NOT deferred AND NOT CMAKE_VERSION VERSION_LESS 3.19)
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

  # The aggregate exists in every project that has an image; it deploys those with a function.
  if(NOT TARGET deploy)
    add_custom_target(deploy)
  endif()
  if(DEFINED arg_FUNCTION_NAME)
    add_custom_command(
      OUTPUT "${dir}/deploy.json"
      COMMAND "${helper}" deploy --spec "${dir}/spec.json"
      DEPENDS ${push_refs} "${dir}/spec.json"
      COMMENT "Deploying Lambda function ${arg_FUNCTION_NAME}"
      VERBATIM)
    add_custom_target(${name}-deploy DEPENDS "${dir}/deploy.json")
    add_dependencies(deploy ${name}-deploy)
  else()
    add_custom_target(
      ${name}-deploy
      COMMAND
        ${CMAKE_COMMAND} -E echo
        "hubtel_add_lambda_image(${name}): no FUNCTION_NAME to deploy; add FUNCTION_NAME <name> and REPOSITORY <registry/repository>"
      COMMAND ${CMAKE_COMMAND} -E false
      VERBATIM)
  endif()
endfunction()

# _hubtel_add_project_sam() adds the target sam: hubtel/template.yaml, one SAM template for every
# image of the project that has a REPOSITORY, and each image's own template.
function(_hubtel_add_project_sam)
  get_property(helper GLOBAL PROPERTY _HUBTEL_SAM_HELPER)
  get_property(targets GLOBAL PROPERTY _HUBTEL_SAM_TARGETS)
  get_property(specs GLOBAL PROPERTY _HUBTEL_SAM_SPECS)
  get_property(depends GLOBAL PROPERTY _HUBTEL_SAM_DEPENDS)
  set(spec_args)
  foreach(spec IN LISTS specs)
    list(APPEND spec_args --spec "${spec}")
  endforeach()
  set(output "${CMAKE_BINARY_DIR}/hubtel/template.yaml")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${helper}" sam ${spec_args} --output "${output}"
    DEPENDS ${depends} ${specs}
    COMMENT "Writing the project's SAM template"
    VERBATIM)
  add_custom_target(sam DEPENDS "${output}")
  add_dependencies(sam ${targets})
endfunction()
