// The loop of 'hubtel-ai watch': see watch.hpp.
#include "cli/watch.hpp"

#include "cli/function.hpp"
#include "common/error.hpp"
#include "engine/context_inputs.hpp"
#include "lambda/container.hpp"
#include "process/process.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ostream>
#include <thread>

namespace hubtel::cli {
namespace {

using namespace std::chrono_literals;

// How often the context is looked at, and how long it must stay still after a change before the
// build starts (an editor may save in several writes).
constexpr auto poll_interval = 200ms;
constexpr auto settle_time = 100ms;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

class Watcher {
 public:
  Watcher(WatchSettings settings, std::ostream& out, std::ostream& err)
      : settings_(std::move(settings)), out_(out), err_(err) {}

  void run(lambda::Serving& serving) {
    auto state = read_state();
    while (lambda::received_signal_number() == 0) {
      std::this_thread::sleep_for(poll_interval);
      auto current = read_state();
      auto changed = engine::newest_change(state, current);
      if (!changed) {
        continue;
      }
      const auto seen = now_ns();
      // Wait for the saves to stop.
      for (;;) {
        std::this_thread::sleep_for(settle_time);
        auto again = read_state();
        const auto more = engine::newest_change(current, again);
        if (!more) {
          break;
        }
        changed = std::max(*changed, *more);
        current = std::move(again);
      }
      state = std::move(current);
      // A time from another clock (a copy that kept its time, a checkout) is not when it was
      // saved: the change was seen within a poll of it.
      auto saved = *changed;
      if (saved > now_ns() || saved < seen - 2 * std::chrono::nanoseconds(poll_interval).count()) {
        saved = seen;
      }
      rebuild(serving, saved);
    }
  }

 private:
  std::vector<engine::InputState> read_state() {
    try {
      last_state_ = engine::context_state(settings_.spec);
      return last_state_;
    } catch (const Error& error) {
      // A file removed while the folder was read: the next look sees the context settled.
      say(fmt::format("cannot read the context now ({}); looking again", error.what()));
      return last_state_;
    }
  }

  void rebuild(lambda::Serving& serving, std::int64_t saved) {
    say(fmt::format("the context of '{}' changed: building it again", settings_.spec.name));
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
    if (lambda::received_signal_number() != 0) {
      return;
    }
    const auto built = now_ns();
    if (!result.ok()) {
      say(fmt::format("the build failed (`{}` exited with {}); still serving the previous image",
                      process::shown_command(settings_.build_command), result.exit_code()));
      return;
    }
    std::string image;
    try {
      image = read_image_id(settings_.id_file.string());
    } catch (const Error& error) {
      say(fmt::format("{}; still serving the previous image", error.what()));
      return;
    }
    if (image == settings_.image) {
      say("the build made the same image; still serving it");
      return;
    }
    const auto started = serving.swap_image(image, [&] {
      out_ << fmt::format("ready in {:.2f} s from the save (build {:.2f} s): {}\n",
                          seconds(now_ns() - saved), seconds(built - start), image);
      out_.flush();
    });
    settings_.image = image;
    if (started == 0) {
      say("no container of the new image started well: its requests will say why");
    }
  }

  void say(const std::string& line) {
    err_ << "hubtel-ai: " + line + "\n";
    err_.flush();
  }

  WatchSettings settings_;
  std::ostream& out_;
  std::ostream& err_;
  std::vector<engine::InputState> last_state_;
};

}  // namespace

lambda::ServeLoop watch_loop(WatchSettings settings, std::ostream& out, std::ostream& err) {
  auto watcher = std::make_shared<Watcher>(std::move(settings), out, err);
  return [watcher](lambda::Serving& serving) { watcher->run(serving); };
}

}  // namespace hubtel::cli
