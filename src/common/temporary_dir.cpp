// Temporary folders and the signal handler that removes them: it runs only async-signal-safe
// calls (open, getdents64, unlinkat), then re-raises the signal with its default action.
#include "common/temporary_dir.hpp"

#include "common/error.hpp"

#include <fmt/format.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace hubtel {
namespace {

constexpr std::size_t kSlots = 16;

struct Slot {
  std::atomic<bool> used{false};
  std::atomic<bool> ready{false};
  char path[PATH_MAX] = {};
};

std::array<Slot, kSlots> slots;

// The fixed part of a getdents64 record; the name follows d_type.
struct DirentHead {
  ino64_t d_ino;
  off64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
};
constexpr std::size_t kNameOffset = offsetof(DirentHead, d_type) + 1;

// Removes everything below the folder open as `dir` (then closes it); depth-bounded, since the
// folders hold a few files only.
void remove_below(int dir, int depth) {
  alignas(DirentHead) char buffer[4096];
  for (;;) {
    const long n = ::syscall(SYS_getdents64, dir, buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    for (long at = 0; at < n;) {
      const auto* entry = reinterpret_cast<const DirentHead*>(buffer + at);
      const char* name = buffer + at + kNameOffset;
      at += entry->d_reclen;
      if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) {
        continue;
      }
      if (entry->d_type == DT_DIR && depth < 8) {
        const int child = ::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child >= 0) {
          remove_below(child, depth + 1);
        }
        ::unlinkat(dir, name, AT_REMOVEDIR);
      } else {
        ::unlinkat(dir, name, 0);
      }
    }
  }
  ::close(dir);
}

extern "C" void remove_and_reraise(int signal_number) {
  for (auto& slot : slots) {
    if (slot.ready.load()) {
      const int dir = ::open(slot.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (dir >= 0) {
        remove_below(dir, 0);
      }
      ::rmdir(slot.path);
    }
  }
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const int signal_number : {SIGINT, SIGTERM}) {
      struct sigaction action {};
      action.sa_handler = remove_and_reraise;
      sigemptyset(&action.sa_mask);
      sigaddset(&action.sa_mask, SIGINT);
      sigaddset(&action.sa_mask, SIGTERM);
      struct sigaction previous {};
      ::sigaction(signal_number, nullptr, &previous);
      // A signal the process was started to ignore stays ignored.
      if (previous.sa_handler != SIG_IGN) {
        ::sigaction(signal_number, &action, nullptr);
      }
    }
  });
}

}  // namespace

TemporaryDir::TemporaryDir(std::string_view prefix) : slot_(-1) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      fmt::format("{}/{}XXXXXX", tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", prefix);
  install_handler();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error(fmt::format("cannot create a private temporary folder '{}': {}", pattern,
                            std::strerror(errno)));
  }
  path_ = pattern;
  for (std::size_t i = 0; i < kSlots && pattern.size() < PATH_MAX; ++i) {
    bool expected = false;
    if (slots[i].used.compare_exchange_strong(expected, true)) {
      std::memcpy(slots[i].path, pattern.c_str(), pattern.size() + 1);
      slots[i].ready.store(true);
      slot_ = static_cast<int>(i);
      break;
    }
  }
}

TemporaryDir::~TemporaryDir() {
  if (slot_ >= 0) {
    slots[static_cast<std::size_t>(slot_)].ready.store(false);
    slots[static_cast<std::size_t>(slot_)].used.store(false);
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace hubtel
