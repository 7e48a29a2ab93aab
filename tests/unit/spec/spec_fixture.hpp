// What the helper's unit tests share: a fresh folder per test, valid version 2 specs, and the
// message an action fails with.
#pragma once

#include "common/error.hpp"
#include "common/files.hpp"

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

// A valid spec of a native image whose folder and context are `dir`, as the CMake side writes it.
inline nlohmann::json native_spec(const std::filesystem::path& dir) {
  return {{"spec_version", 2},
          {"hubtel_version", "0.1.0"},
          {"name", "hello"},
          {"runtime", "provided.al2023"},
          {"architectures", {"x86_64"}},
          {"context", dir.string()},
          {"template", (dir / "templates" / "Dockerfile.native.mustache").string()},
          {"partials", {(dir / "templates").string()}},
          {"runtime_image", "public.ecr.aws/lambda/provided:al2023"},
          {"builder_image", "public.ecr.aws/docker/library/debian:bullseye"},
          {"cross", true},
          {"lambda_base", true},
          {"event", nullptr},
          {"builder_packages", nlohmann::json::array()},
          {"stages", nlohmann::json::array()},
          {"build_args", nlohmann::json::object()},
          {"secrets", nlohmann::json::array()},
          {"max_size_bytes", nullptr},
          {"target", "hello"},
          {"project_dir", "."},
          {"build_type", "Release"},
          {"cmake_args", nlohmann::json::array()},
          {"hubtel_stubs", nlohmann::json::array()},
          {"ignore_paths", nlohmann::json::array()},
          {"repository", nullptr},
          {"tag", nullptr},
          {"registry_cache", false},
          {"function_name", nullptr},
          {"role", nullptr},
          {"memory", nullptr},
          {"timeout", nullptr},
          {"environment", nlohmann::json::object()},
          {"secret_environment", nlohmann::json::object()}};
}

// A valid spec of a python image.
inline nlohmann::json python_spec(const std::filesystem::path& dir) {
  auto spec = native_spec(dir);
  for (const char* key :
       {"target", "project_dir", "build_type", "cmake_args", "hubtel_stubs", "ignore_paths"}) {
    spec.erase(key);
  }
  spec["runtime"] = "python3.12";
  spec["template"] = (dir / "templates" / "Dockerfile.python.mustache").string();
  spec["runtime_image"] = "public.ecr.aws/lambda/python:3.12";
  spec["builder_image"] = "public.ecr.aws/lambda/python:3.12";
  spec["cross"] = false;
  spec["handler"] = "app.handler";
  spec["sources"] = {{{"path", "app.py"}, {"dir", false}}};
  spec["requirements"] = nullptr;
  spec["find_links"] = nlohmann::json::array();
  return spec;
}

// Writes `spec` as <dir>/spec.json; returns its path.
inline std::filesystem::path write_spec(const std::filesystem::path& dir,
                                        const nlohmann::json& spec) {
  const auto path = dir / "spec.json";
  write_file_atomically(path, spec.dump());
  return path;
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
