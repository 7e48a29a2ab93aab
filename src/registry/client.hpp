// The registry client: every registry operation (ECR login, tag and push, pushed digests) through
// one private engine configuration, for pushes and for the registry reads of a build alike.
#pragma once

#include "common/temporary_dir.hpp"
#include "engine/build.hpp"
#include "registry/reference.hpp"
#include "spec/image_spec.hpp"

#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hubtel::registry {

// The ECR repositories a build of `spec` reads from: its builder and runtime images (each once)
// and, with a registry cache, its repository. A build logs in to their registries before the engine
// reads them.
std::vector<std::string> ecr_reads_of(const spec::ImageSpec& spec);

// Logs in to ECR registries into a private engine configuration that lives as long as the client
// (and no longer than the process, even when a signal ends it), never in the user's configuration
// (which parallel pushes would race on) nor in the build tree. Registries other than ECR are
// reached with the user's own configuration.
class Client {
 public:
  // `step` names what the client works for in its errors ("push hello").
  Client(engine::Engine engine, std::string aws, std::string step);

  // Logs in to the registry of `repository` when it is ECR and not logged in yet; first creates
  // the repository when `create` is set and it is missing.
  void log_in(const std::string& repository, bool create, std::ostream& err);

  // The engine, with the private configuration once a login happened: every engine command that
  // reaches a registry runs through it.
  [[nodiscard]] const engine::Engine& engine() const { return engine_; }

  // Tags `image` as `target` (when they differ) and pushes it; returns what the push printed.
  std::string push(const std::string& image, const std::string& target, const std::string& step);

  // The digest `repository` gave `image`, from its RepoDigests (for engines that print none).
  std::string recorded_digest(const std::string& image, const std::string& repository);

 private:
  void create_repository(const EcrRegistry& ecr, const std::string& repository, std::ostream& err);
  void write_private_config();

  engine::Engine engine_;
  std::string aws_;
  std::string step_;
  std::optional<TemporaryDir> config_;
  std::set<std::string> logged_in_;
};

}  // namespace hubtel::registry
