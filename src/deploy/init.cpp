// The files of a new function project, kept here so an installed hubtel-ai needs nothing beside it.
#include "deploy/init.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "engine/command.hpp"

#include <fmt/format.h>

#include <ostream>
#include <regex>
#include <system_error>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace hubtel::deploy {
namespace {

// Text with @NAME@ replaced; the name is checked first, so it is plain letters, digits, - and _.
std::string with_name(std::string text, const std::string& name) {
  for (auto at = text.find("@NAME@"); at != std::string::npos; at = text.find("@NAME@", at)) {
    text.replace(at, 6, name);
    at += name.size();
  }
  return text;
}

constexpr const char* deploy_block = R"hubtel(
# Deploying: configure with -DLAMBDA_REPOSITORY=<account>.dkr.ecr.<region>.amazonaws.com/@NAME@
# (and -DLAMBDA_ROLE=arn:aws:iam::<account>:role/<role> to create the function), then build
# @NAME@-deploy.
set(LAMBDA_REPOSITORY "" CACHE STRING "Registry/repository that @NAME@'s image is pushed to")
set(LAMBDA_ROLE "" CACHE STRING "IAM role ARN the @NAME@ function runs as (to create it)")
set(deploy_arguments)
if(LAMBDA_REPOSITORY)
  list(APPEND deploy_arguments REPOSITORY "${LAMBDA_REPOSITORY}" FUNCTION_NAME @NAME@ MEMORY 256
       TIMEOUT 10)
  if(LAMBDA_ROLE)
    list(APPEND deploy_arguments ROLE "${LAMBDA_ROLE}")
  endif()
endif()
)hubtel";

constexpr const char* cpp_cmake =
    R"hubtel(# @NAME@: a C++ AWS Lambda function on the Runtime API, built into a container image by HubtelAI.
cmake_minimum_required(VERSION 3.16)
project(@NAME@ LANGUAGES CXX)

find_package(HubtelAI 0.1 REQUIRED)
find_package(CURL REQUIRED)

add_executable(@NAME@ main.cpp)
target_link_libraries(@NAME@ PRIVATE CURL::libcurl)
target_compile_features(@NAME@ PRIVATE cxx_std_17)
@DEPLOY@
hubtel_add_lambda_image(
  @NAME@
  RUNTIME provided.al2023
  TARGET @NAME@
  BUILDER_PACKAGES libcurl4-openssl-dev
  EVENT event.json
  ${deploy_arguments})
)hubtel";

constexpr const char* cpp_handler =
    R"hubtel(// @NAME@: an AWS Lambda function speaking the Runtime API (2018-06-01) over libcurl, without the
// AWS SDK. It answers each event with a greeting; put your work in handle().
#include <curl/curl.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct Response {
  long status = 0;
  std::string body;
  std::string request_id;
};

size_t keep_body(char* data, size_t size, size_t count, void* response) {
  static_cast<Response*>(response)->body.append(data, size * count);
  return size * count;
}

size_t keep_request_id(char* data, size_t size, size_t count, void* response) {
  const std::string header(data, size * count);
  const std::string name = "lambda-runtime-aws-request-id:";
  if (header.size() > name.size() && curl_strnequal(header.c_str(), name.c_str(), name.size())) {
    std::string value = header.substr(name.size());
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n") + 1);
    static_cast<Response*>(response)->request_id = value;
  }
  return size * count;
}

Response http(CURL* curl, const std::string& url, const std::string* body) {
  Response response;
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, keep_request_id);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
  curl_slist* headers = nullptr;
  if (body != nullptr) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  }
  curl_slist_free_all(headers);
  return response;
}

// The function itself: the event's JSON in, the response's JSON out.
std::string handle(const std::string& event) {
  return "{\"message\":\"Hello from @NAME@\",\"event_bytes\":" + std::to_string(event.size()) + "}";
}

}  // namespace

int main() {
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (api == nullptr) {
    std::fprintf(stderr, "AWS_LAMBDA_RUNTIME_API is not set: run this in Lambda\n");
    return 1;
  }
  const std::string base = std::string("http://") + api + "/2018-06-01/runtime/invocation/";
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* curl = curl_easy_init();
  for (;;) {
    const Response next = http(curl, base + "next", nullptr);
    if (next.status != 200 || next.request_id.empty()) {
      std::fprintf(stderr, "the Runtime API answered %ld to /next\n", next.status);
      return 1;
    }
    const std::string result = handle(next.body);
    http(curl, base + next.request_id + "/response", &result);
  }
}
)hubtel";

constexpr const char* python_cmake =
    R"hubtel(# @NAME@: a Python AWS Lambda function, built into a container image by HubtelAI.
cmake_minimum_required(VERSION 3.16)
project(@NAME@ NONE)

find_package(HubtelAI 0.1 REQUIRED)
@DEPLOY@
hubtel_add_lambda_image(
  @NAME@
  RUNTIME python3.12
  HANDLER app.handler
  SOURCES app.py
  EVENT event.json
  ${deploy_arguments})
)hubtel";

constexpr const char* python_handler =
    R"hubtel("""@NAME@: an AWS Lambda function; Lambda calls handler(event, context) once an event."""


def handler(event, context):
    return {
        "message": "Hello from @NAME@",
        "name": event.get("name", "world"),
        "request_id": context.aws_request_id,
    }
)hubtel";

constexpr const char* event_json = R"hubtel({"name": "world"}
)hubtel";

constexpr const char* readme = R"hubtel(# @NAME@

An AWS Lambda function (@RUNTIME@) built into a minimal container image with HubtelAI.

Build the image and invoke it locally with the event in `event.json`:

```sh
cmake -S . -B build -G Ninja  # add -DHubtelAI_DIR=<prefix>/lib/cmake/HubtelAI if CMake cannot find it
cmake --build build --target @NAME@-image
cmake --build build --target @NAME@-invoke
```

Push and deploy it (the AWS CLI's credentials and region are used as they are):

```sh
cmake -S . -B build -DLAMBDA_REPOSITORY=<account>.dkr.ecr.<region>.amazonaws.com/@NAME@ \
  -DLAMBDA_ROLE=arn:aws:iam::<account>:role/<role> -DHUBTEL_CREATE_REPOSITORIES=ON
cmake --build build --target @NAME@-deploy
```

`cmake --build build --target @NAME@-sam` writes `build/hubtel/@NAME@/template.yaml`, an AWS SAM
template of the function pinned to the pushed image's digest, for `sam deploy`.
)hubtel";

}  // namespace

void check_project_name(const std::string& name) {
  static const std::regex pattern("[A-Za-z][A-Za-z0-9_-]{0,63}");
  if (!std::regex_match(name, pattern)) {
    std::string shown;
    for (const char c : name) {
      const auto u = static_cast<unsigned char>(c);
      shown += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
    }
    throw Error(
        fmt::format("init: \"{}\" is not a valid function name: use a letter, then "
                    "letters, digits, '-' and '_' (at most 64); pass --name <name>",
                    shown));
  }
}

int run_init(const InitRequest& request, std::ostream& out) {
  if (request.runtime != "cpp" && request.runtime != "python") {
    throw Error(fmt::format("init: runtime \"{}\" is not supported (supported: cpp, python)",
                            request.runtime));
  }
  const fs::path dir = fs::absolute(request.dir).lexically_normal();
  auto name = request.name ? *request.name : dir.filename().string();
  if (name.empty()) {
    name = dir.parent_path().filename().string();
  }
  check_project_name(name);

  std::error_code error;
  if (fs::exists(dir, error)) {
    if (!fs::is_directory(dir, error)) {
      throw Error(
          fmt::format("init: '{}' exists and is not a folder; choose a new folder", dir.string()));
    }
    if (!fs::is_empty(dir, error) || error) {
      throw Error(
          fmt::format("init: '{}' is not empty; choose a new or empty folder, so no file "
                      "of yours is overwritten",
                      dir.string()));
    }
  } else if (!fs::create_directories(dir, error) && error) {
    throw Error(fmt::format("init: cannot create '{}': {}", dir.string(), error.message()));
  }

  const bool cpp = request.runtime == "cpp";
  std::string cmake = cpp ? cpp_cmake : python_cmake;
  cmake.replace(cmake.find("@DEPLOY@"), 8, deploy_block);
  std::string readme_text = readme;
  readme_text.replace(readme_text.find("@RUNTIME@"), 9,
                      cpp ? "C++, provided.al2023" : "Python 3.12");
  const std::vector<std::pair<std::string, std::string>> files{
      {"CMakeLists.txt", cmake},
      {cpp ? "main.cpp" : "app.py", cpp ? cpp_handler : python_handler},
      {"event.json", event_json},
      {"README.md", readme_text},
      {".gitignore", "/build/\n"}};
  for (const auto& [file, text] : files) {
    write_file_atomically(dir / file, with_name(text, name));
  }

  // Paths are printed as the shell must read them.
  const auto quoted = [](const std::string& text) { return engine::shown_command({text}); };
  const auto source = quoted(dir.string());
  const auto build = quoted((dir / "build").string());
  const auto package =
      request.package_dir ? " " + quoted("-DHubtelAI_DIR=" + request.package_dir->string()) : "";
  out << fmt::format(
      "Created {} function project '{}' in {}\n\n"
      "Build the image and invoke it with event.json:\n"
      "  cmake -S {} -B {} -G Ninja{}\n"
      "  cmake --build {} --target {}-image\n"
      "  cmake --build {} --target {}-invoke\n\n"
      "Push and deploy it:\n"
      "  cmake -S {} -B {} -DLAMBDA_REPOSITORY=<account>.dkr.ecr.<region>.amazonaws.com/{} "
      "-DLAMBDA_ROLE=arn:aws:iam::<account>:role/<role> -DHUBTEL_CREATE_REPOSITORIES=ON\n"
      "  cmake --build {} --target {}-deploy\n",
      cpp ? "C++" : "Python", name, dir.string(), source, build, package, build, name, build, name,
      source, build, name, build, name);
  return 0;
}

}  // namespace hubtel::deploy
