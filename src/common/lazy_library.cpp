#include "common/lazy_library.hpp"

#include "common/error.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

namespace hubtel::lazy {

void* symbol(const Library& library, const char* name) {
  // Loaded again for each symbol's first call (a few dozen in all): the loader counts the
  // references and loads the library once.
  void* handle = ::dlopen(library.soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* reason = ::dlerror();
    throw Error(fmt::format(
        "cannot load {}, which {} needs ({}): install it (apt-get install {}, "
        "or the package that holds {} on this system)",
        library.soname, library.needed_for, reason != nullptr ? reason : "no reason given",
        library.package, library.soname));
  }
  ::dlerror();
  void* found = ::dlsym(handle, name);
  if (found == nullptr) {
    const char* reason = ::dlerror();
    throw Error(fmt::format("{} has no {} ({}): {} needs a version of it that does; install {}",
                            library.soname, name, reason != nullptr ? reason : "no reason given",
                            library.needed_for, library.package));
  }
  return found;
}

}  // namespace hubtel::lazy
