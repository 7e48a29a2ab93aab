# Version check of HubtelAI inside a builder stage: the host's version, passed in by
# hubtel-build as HUBTEL_AI_VERSION; another major version is refused, as outside.
set(PACKAGE_VERSION "${HUBTEL_AI_VERSION}")
string(REGEX MATCH "^[0-9]+" _hubtel_major "${PACKAGE_VERSION}")
if(PACKAGE_FIND_VERSION AND (PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION
                             OR NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL _hubtel_major))
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
unset(_hubtel_major)
