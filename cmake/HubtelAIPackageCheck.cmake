# Read by cpack before each generator runs: a .deb whose shared library dependencies were left
# out (CPack only says so when dpkg-shlibdeps is missing) would install a helper that cannot run.
if(CPACK_GENERATOR STREQUAL "DEB")
  find_program(_hubtel_shlibdeps dpkg-shlibdeps)
  find_program(_hubtel_file file)
  if(NOT _hubtel_shlibdeps OR NOT _hubtel_file)
    message(
      FATAL_ERROR
        "HubtelAI: the .deb needs dpkg-shlibdeps and file to find the helper's "
        "shared library dependencies: apt-get install dpkg-dev file "
        "(or make only the archive: cpack -G TGZ)")
  endif()
endif()
