// The loop of 'hubtel-ai watch': see watch.hpp.
#include "cli/watch.hpp"

#include "common/error.hpp"
#include "engine/context_inputs.hpp"
#include "lambda/container.hpp"
#include "process/process.hpp"
#include "spec/image_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ostream>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>

namespace hubtel::cli {
namespace {

using namespace std::chrono_literals;

// How often the context is looked at (less often when reading it takes long: at most a twentieth
// of the time goes to reading it), and how long it must stay still after a change before the
// build starts (an editor may save in several writes).
constexpr auto poll_interval = 200ms;
constexpr int poll_share = 20;
constexpr auto settle_time = 100ms;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

bool same_function(const lambda::InvokeRequest& a, const lambda::InvokeRequest& b) {
  return a.image == b.image && a.platform == b.platform && a.environment == b.environment &&
         a.secret_environment == b.secret_environment && a.timeout_seconds == b.timeout_seconds &&
         a.memory_mib == b.memory_mib && a.function_name == b.function_name && a.engine == b.engine;
}

bool stop_asked() {
  return lambda::received_signal_number() != 0;
}

class Watcher {
 public:
  Watcher(WatchSettings settings, std::ostream& out, std::ostream& err)
      : settings_(std::move(settings)), out_(out), err_(err) {}

  void run(lambda::Serving& serving) {
    spec_ = spec::read(settings_.spec_file);
    auto state = read_state();
    while (!stop_asked()) {
      std::this_thread::sleep_for(
          std::max<std::chrono::steady_clock::duration>(poll_interval, poll_share * last_read_));
      auto current = read_state();
      auto changed = engine::newest_change(state, current);
      if (!changed) {
        continue;
      }
      const auto seen = now_ns();
      // Wait for the saves to stop.
      while (!stop_asked()) {
        std::this_thread::sleep_for(settle_time);
        auto again = read_state();
        const auto more = engine::newest_change(current, again);
        if (!more) {
          break;
        }
        changed = std::max(*changed, *more);
        current = std::move(again);
      }
      if (stop_asked()) {
        break;
      }
      state = std::move(current);
      // A time from another clock (a copy that kept its time, a checkout) is not when it was
      // saved: the change was seen within a look or two of it.
      auto saved = *changed;
      const auto window = 2 * std::chrono::nanoseconds(poll_interval + poll_share * last_read_);
      if (saved > now_ns() || saved < seen - window.count()) {
        saved = seen;
      }
      rebuild(serving, saved);
    }
  }

 private:
  std::vector<engine::InputState> read_state() {
    const auto start = std::chrono::steady_clock::now();
    try {
      last_state_ = engine::context_state(spec_);
    } catch (const Error& error) {
      // A file removed while the folder was read: the next look sees the context settled.
      say(fmt::format("cannot read the context now ({}); looking again", error.what()));
    }
    last_read_ = std::chrono::steady_clock::now() - start;
    return last_state_;
  }

  // A file saved while the build ran may be older than what the build wrote, so the build tool
  // would take it as built: it gets the time of now, and the next look builds it.
  void renew_saved_during(std::int64_t build_start) {
    for (const auto& input : read_state()) {
      if (input.modified_ns >= build_start) {
        ::utimensat(AT_FDCWD, input.path.c_str(), nullptr, 0);
      }
    }
  }

  void rebuild(lambda::Serving& serving, std::int64_t saved) {
    say(fmt::format("the context of '{}' changed: building it again", spec_.name));
    const auto start = now_ns();
    process::Options options;
    options.echo = true;
    options.capture = false;
    process::Result result;
    try {
      result = process::run(process::Step{settings_.build_command, {}}, options);
    } catch (const Error& error) {
      say(fmt::format("{}; still serving the previous image", error.what()));
      return;
    }
    if (stop_asked()) {
      return;
    }
    const auto built = now_ns();
    renew_saved_during(start);
    if (!result.ok()) {
      say(fmt::format("the build failed (`{}` exited with {}); still serving the previous image",
                      process::shown_command(settings_.build_command), result.exit_code()));
      return;
    }
    lambda::InvokeRequest function;
    try {
      spec_ = spec::read(settings_.spec_file);
      function = settings_.resolve();
    } catch (const Error& error) {
      say(fmt::format("{}; still serving the previous image", error.what()));
      return;
    }
    if (same_function(function, settings_.function)) {
      say("the build changed neither the image nor the function's settings; still serving it");
      return;
    }
    bool swapped = false;
    try {
      swapped = serving.swap(function, [&] {
        out_ << fmt::format("ready in {:.2f} s from the save (build {:.2f} s): {}\n",
                            seconds(now_ns() - saved), seconds(built - start), function.image);
        out_.flush();
      });
    } catch (const Error& error) {
      say(fmt::format("{}; still serving the previous image", error.what()));
      return;
    }
    if (swapped) {
      settings_.function = function;
    } else if (!stop_asked()) {
      say("the new image did not start (see above); still serving the previous image");
    }
  }

  void say(const std::string& line) {
    err_ << "hubtel-ai: " + line + "\n";
    err_.flush();
  }

  WatchSettings settings_;
  std::ostream& out_;
  std::ostream& err_;
  spec::ImageSpec spec_;
  std::vector<engine::InputState> last_state_;
  std::chrono::steady_clock::duration last_read_{};
};

}  // namespace

lambda::ServeLoop watch_loop(WatchSettings settings, std::ostream& out, std::ostream& err) {
  auto watcher = std::make_shared<Watcher>(std::move(settings), out, err);
  return [watcher](lambda::Serving& serving) { watcher->run(serving); };
}

}  // namespace hubtel::cli
