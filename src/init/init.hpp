// Scaffolds a new Lambda function project that builds with HubtelAI.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace hubtel::init {

struct InitRequest {
  std::filesystem::path dir;
  std::string runtime = "cpp";      // cpp or python
  std::optional<std::string> name;  // default: the folder's name
  // The installed package's config folder, printed as -DHubtelAI_DIR so the first configure
  // finds HubtelAI wherever it is installed; none when this helper is not an installed one.
  std::optional<std::filesystem::path> package_dir;
};

// Checks a function project's name, which is also its image's: a lowercase letter, then lowercase
// letters, digits, '-' and '_', ending with a letter or digit (at most 64).
void check_project_name(const std::string& name);

// Writes CMakeLists.txt, the handler, event.json and README.md into an empty (or new) folder, then
// prints the commands that build, invoke and deploy it on `out`. Refuses a folder with files.
int run_init(const InitRequest& request, std::ostream& out);

}  // namespace hubtel::init
