// Shared libraries loaded when first used, not when the helper starts: libarchive (with libxml2,
// ICU, nettle and five compressors) and librpm (with its own ten) cost every start of hubtel-ai
// several milliseconds of loading and relocation, and most commands never call them. The helper
// calls them by their usual names; the definitions in lazy_archive.cpp and lazy_rpm.cpp forward
// each call to the library, loaded by its soname on the first one.
#pragma once

namespace hubtel::lazy {

// A library loaded on first use: its soname, the Debian package holding it, and what needs it
// (for the error when it cannot be loaded).
struct Library {
  const char* soname;
  const char* package;
  const char* needed_for;
};

// The address of `symbol` in `library`, loading the library on first use. Throws Error naming
// the library, why it could not be loaded and the package to install.
void* symbol(const Library& library, const char* name);

}  // namespace hubtel::lazy

// Defines `name` with the signature its library's header declares (the compiler holds the two to
// each other): the library's own function, found once, is called with the same arguments.
// HUBTEL_LAZY(library, struct archive*, archive_read_new, (), ())
#define HUBTEL_LAZY(library, result, name, parameters, arguments)                    \
  extern "C" result name parameters {                                                \
    static const auto real =                                                         \
        reinterpret_cast<decltype(&::name)>(::hubtel::lazy::symbol(library, #name)); \
    return real arguments;                                                           \
  }
