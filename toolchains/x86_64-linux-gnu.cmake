# Cross toolchain for x86_64 Linux with GNU libc, from Debian package g++-x86_64-linux-gnu.
# Also usable for a host build: -DCMAKE_TOOLCHAIN_FILE=<this file>.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(HUBTEL_TARGET_TRIPLE x86_64-linux-gnu)
set(CMAKE_C_COMPILER ${HUBTEL_TARGET_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${HUBTEL_TARGET_TRIPLE}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${HUBTEL_TARGET_TRIPLE})
# Debian multiarch keeps the target libraries in /usr/lib/<triple> of the build root.
set(CMAKE_FIND_ROOT_PATH /usr/${HUBTEL_TARGET_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/${HUBTEL_TARGET_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
