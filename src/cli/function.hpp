// The options invoke and serve share: which image runs (an image, an id file, or a spec and an
// architecture) and the function's settings, with the spec filling in what is not given.
#pragma once

#include "lambda/invoke.hpp"

#include <iosfwd>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace hubtel::cli {

struct FunctionOptions {
  lambda::InvokeRequest request;
  std::string platform;
  std::string image_file;
  std::string spec_file;
  std::string arch;
};

// Adds --image, --image-file, --spec, --arch, --platform, --env, --timeout, --memory,
// --function-name and --engine to `command`, and --event with `with_event`.
std::shared_ptr<FunctionOptions> add_function_options(CLI::App& command, bool with_event);

// The image id a build recorded (hubtel/<name>/image-<arch>.id): a tag may have moved on to
// another build tree's image since, the id has not. Throws Error when the file holds no id.
std::string read_image_id(const std::string& path);

// The request the options given make, the spec (if any) filling in the rest: its build's image,
// and the function's name, timeout, memory, environment and (with `with_event`) event. Throws
// Error for a missing image, a spec without --arch, an image not built.
lambda::InvokeRequest resolve_function(const CLI::App& command, const FunctionOptions& options,
                                       bool with_event, std::ostream& err);

}  // namespace hubtel::cli
