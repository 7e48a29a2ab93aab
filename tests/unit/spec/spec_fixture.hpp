// What the helper's unit tests share: a fresh folder per test, valid version 2 specs, and the
// message an action fails with.
#pragma once

#include "common/error.hpp"
#include "common/files.hpp"
#include "spec/image_spec.hpp"

#include <nlohmann/json.hpp>

#include <stdlib.h>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

namespace hubtel::test {

// A fresh folder, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "hubtel-unit-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A valid spec of the kind `fixture` names (tests/spec/<fixture>.json, the one copy that every
// test which writes a whole spec starts from) whose context is `dir`, its templates there.
inline nlohmann::json fixture_spec(const std::filesystem::path& dir, const char* fixture,
                                   const char* template_name) {
  auto spec = nlohmann::json::parse(
      read_file(std::filesystem::path(HUBTEL_AI_SPEC_FIXTURES) / (std::string(fixture) + ".json")));
  spec["context"] = dir.string();
  spec["template"] = (dir / "templates" / template_name).string();
  spec["partials"] = {(dir / "templates").string()};
  return spec;
}

inline nlohmann::json native_spec(const std::filesystem::path& dir) {
  return fixture_spec(dir, "native", "Dockerfile.native.mustache");
}

inline nlohmann::json python_spec(const std::filesystem::path& dir) {
  return fixture_spec(dir, "python", "Dockerfile.python.mustache");
}

// Writes `spec` as <dir>/spec.json; returns its path.
inline std::filesystem::path write_spec(const std::filesystem::path& dir,
                                        const nlohmann::json& spec) {
  const auto path = dir / "spec.json";
  write_file_atomically(path, spec.dump());
  return path;
}

// The native fixture spec with `document` merged into it, written in `temp` and read back.
inline spec::ImageSpec read_native(const TempDir& temp, nlohmann::json document = {}) {
  auto spec = native_spec(temp.path());
  if (!document.is_null()) {
    spec.update(document);
  }
  return spec::read(write_spec(temp.path(), spec));
}

// The message `action` fails with, or "(no error)".
inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace hubtel::test
