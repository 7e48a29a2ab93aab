// The libraries loaded when first used: a symbol found, and the errors for a library that cannot
// be loaded and a symbol it lacks, each naming what to install.
#include "common/lazy_library.hpp"
#include "common/error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using hubtel::Error;
namespace lazy = hubtel::lazy;

std::string error_of(const lazy::Library& library, const char* name) {
  try {
    lazy::symbol(library, name);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(LazyLibrary, FindsASymbolOfALoadableLibrary) {
  const lazy::Library zlib{"libz.so.1", "zlib1g", "testing"};
  using Version = const char* (*)();
  const auto version = reinterpret_cast<Version>(lazy::symbol(zlib, "zlibVersion"));
  ASSERT_NE(version, nullptr);
  EXPECT_FALSE(std::string(version()).empty());
  // Asked again, the same function.
  EXPECT_EQ(reinterpret_cast<Version>(lazy::symbol(zlib, "zlibVersion")), version);
}

TEST(LazyLibrary, AMissingLibraryNamesItsPackage) {
  const lazy::Library missing{"libhubtel-none.so.7", "libhubtel-none7", "reading a test's files"};
  const auto message = error_of(missing, "anything");
  EXPECT_NE(message.find("cannot load libhubtel-none.so.7, which reading a test's files needs"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("apt-get install libhubtel-none7"), std::string::npos) << message;
}

TEST(LazyLibrary, AMissingSymbolNamesTheLibraryAndPackage) {
  const lazy::Library zlib{"libz.so.1", "zlib1g", "reading a test's files"};
  const auto message = error_of(zlib, "hubtel_no_such_function");
  EXPECT_NE(message.find("libz.so.1 has no hubtel_no_such_function"), std::string::npos) << message;
  EXPECT_NE(message.find("install zlib1g"), std::string::npos) << message;
}

}  // namespace
