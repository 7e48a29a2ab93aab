// What 'hubtel-ai watch' runs beside its server: the context watched, the image built again and
// swapped in.
#pragma once

#include "lambda/invoke.hpp"
#include "lambda/serve.hpp"

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace hubtel::cli {

struct WatchSettings {
  std::filesystem::path spec_file;  // the image's spec: its context is watched
  // The function as the options and the spec give it now (the spec and the id file read again).
  std::function<lambda::InvokeRequest()> resolve;
  lambda::InvokeRequest function;          // what is served at the start
  std::vector<std::string> build_command;  // makes the image again (argv)
};

// Until a signal comes: polls the context's files; after a change (once it settles) runs the
// build command, its output on `err`; when the function then differs (another image id, or
// other settings in the spec), swaps it in and prints "ready in <s> s from the save (build
// <s> s): <id>" on `out`. A build that fails, a new image whose containers do not start, or a
// build that changes nothing say so on `err` and leave what is served as it is.
lambda::ServeLoop watch_loop(WatchSettings settings, std::ostream& out, std::ostream& err);

}  // namespace hubtel::cli
