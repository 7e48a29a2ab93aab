# CPack settings: `cpack` in the build tree makes hubtel-ai_<version>_<arch>.deb, installed under
# /usr where find_package(HubtelAI) looks with no prefix given, and a .tar.gz of the same files to
# unpack anywhere and name in CMAKE_PREFIX_PATH. Both hold what `cmake --install` installs.
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_NAME hubtel-ai)
set(CPACK_PACKAGE_VENDOR HubtelAI)
set(CPACK_PACKAGE_CONTACT "HubtelAI maintainers <maintainers@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_FILE_NAME
    "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
# Binaries as a distribution ships them: without their debugging information.
set(CPACK_STRIP_FILES ON)

# CPACK_PACKAGING_INSTALL_PREFIX stays CPack's default: /usr for the .deb, none for the .tar.gz.
# Every install destination is relative, so this holds whatever CMAKE_INSTALL_PREFIX the build
# tree was configured with.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Its first line, the summary above, CPack puts in front.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "HubtelAI is a CMake module suite, loaded with find_package(HubtelAI), that turns
targets of a CMake project into minimal multi-stage AWS Lambda container images
(hubtel_add_lambda_image()) with targets that build, measure, invoke, push and
deploy them. This package holds the modules, their templates and toolchain
files, and the hubtel-ai helper they call. Images build with docker (with
BuildKit), podman or buildah.")
# Depends: the helper's shared libraries, as dpkg-shlibdeps finds them, the two it loads when first
# used (libarchive, librpm: src/CMakeLists.txt), and CMake for the modules.
# The engine and Ninja are only recommended: docker may come from elsewhere than Debian's docker.io
# (Docker's own packages, a remote engine), and Dockerfiles render without any engine.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
get_property(_hubtel_loaded GLOBAL PROPERTY HUBTEL_AI_LOADED_PACKAGES)
list(JOIN _hubtel_loaded ", " _hubtel_loaded)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "cmake (>= 3.20), ${_hubtel_loaded}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "docker.io | podman | buildah, ninja-build")
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/HubtelAIPackageCheck.cmake")

include(CPack)
