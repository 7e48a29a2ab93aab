// hubtel-ai's entry point: parses the command line and reports errors, once, at the edge.
#include "cli/commands.hpp"
#include "common/error.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

#ifndef HUBTEL_AI_VERSION
#error "HUBTEL_AI_VERSION must be defined by the build"
#endif

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  CLI::App app{"hubtel-ai: the helper behind HubtelAI's CMake modules", "hubtel-ai"};
  app.set_version_flag("--version", "hubtel-ai " HUBTEL_AI_VERSION);
  app.require_subcommand(1);

  hubtel::cli::Context context{std::cin, std::cout, std::cerr};
  hubtel::cli::add_render_command(app, context);
  hubtel::cli::add_size_command(app, context);
  hubtel::cli::add_abi_check_command(app, context);
  hubtel::cli::add_invoke_command(app, context);
  hubtel::cli::add_serve_command(app, context);
  hubtel::cli::add_watch_command(app, context);
  hubtel::cli::add_event_command(app, context);
  hubtel::cli::add_prepare_command(app, context);
  hubtel::cli::add_build_command(app, context);
  hubtel::cli::add_bases_command(app, context);
  hubtel::cli::add_push_command(app, context);
  hubtel::cli::add_deploy_command(app, context);
  hubtel::cli::add_versions_command(app, context);
  hubtel::cli::add_rollback_command(app, context);
  hubtel::cli::add_gc_command(app, context);
  hubtel::cli::add_sam_command(app, context);
  hubtel::cli::add_init_command(app, context);
  hubtel::cli::add_engines_command(app, context);
  hubtel::cli::add_sbom_command(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      return app.exit(e);  // --help and --version
    }
    std::cout.flush();
    std::cerr << "hubtel-ai: error: " << e.what() << "\nRun 'hubtel-ai --help' for usage.\n";
    return static_cast<int>(hubtel::ExitCode::usage);
  } catch (const hubtel::Error& e) {
    std::cout.flush();
    std::cerr << "hubtel-ai: error: " << e.what() << '\n';
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "hubtel-ai: error: " << e.what() << '\n';
    return static_cast<int>(hubtel::ExitCode::failure);
  }
  std::cout.flush();
  return context.exit_code;
}
