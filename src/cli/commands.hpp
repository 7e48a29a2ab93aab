// The subcommands of hubtel-ai: each adds its options to the app and runs its library call.
#pragma once

#include <iosfwd>

namespace CLI {
class App;
}

namespace hubtel::cli {

// What a subcommand reads and writes; the exit code it chose lands here.
struct Context {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  int exit_code = 0;
};

void add_render_command(CLI::App& app, Context& context);
void add_size_command(CLI::App& app, Context& context);
void add_abi_check_command(CLI::App& app, Context& context);
void add_invoke_command(CLI::App& app, Context& context);
void add_serve_command(CLI::App& app, Context& context);
void add_watch_command(CLI::App& app, Context& context);
void add_event_command(CLI::App& app, Context& context);
void add_prepare_command(CLI::App& app, Context& context);
void add_build_command(CLI::App& app, Context& context);
void add_bases_command(CLI::App& app, Context& context);
void add_push_command(CLI::App& app, Context& context);
void add_deploy_command(CLI::App& app, Context& context);
void add_versions_command(CLI::App& app, Context& context);
void add_rollback_command(CLI::App& app, Context& context);
void add_gc_command(CLI::App& app, Context& context);
void add_sam_command(CLI::App& app, Context& context);
void add_init_command(CLI::App& app, Context& context);
void add_engines_command(CLI::App& app, Context& context);
void add_sbom_command(CLI::App& app, Context& context);

}  // namespace hubtel::cli
