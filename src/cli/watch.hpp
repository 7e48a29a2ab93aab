// What 'hubtel-ai watch' runs beside its server: the context watched, the image built again and
// swapped in.
#pragma once

#include "lambda/serve.hpp"
#include "spec/image_spec.hpp"

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace hubtel::cli {

struct WatchSettings {
  spec::ImageSpec spec;                    // whose context is watched
  std::filesystem::path id_file;           // where the build records the served architecture's id
  std::string image;                       // the id served at the start
  std::vector<std::string> build_command;  // makes the image again (argv)
};

// Until a signal comes: polls the context's files; after a change (once it settles) runs the
// build command, its output on `err`; when the id file then names another image, swaps it in
// and prints "ready in <s> s from the save (build <s> s): <id>" on `out`. A build that fails,
// or that makes the same image, says so on `err` and leaves the served image as it is.
lambda::ServeLoop watch_loop(WatchSettings settings, std::ostream& out, std::ostream& err);

}  // namespace hubtel::cli
