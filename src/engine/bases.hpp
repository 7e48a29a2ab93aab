// The base lock (hubtel/<name>/bases.lock): every image a FROM of the rendered Dockerfile names,
// pinned by digest (or, for an image only the engine has, by its id), and what a build stamps on
// the image from it: the base labels, the source revision and SOURCE_DATE_EPOCH.
#pragma once

#include "engine/build.hpp"
#include "spec/image_spec.hpp"

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::engine {

// One base as the lock pins it.
struct LockedBase {
  std::string name;  // as the FROM names it
  // "registry": pinned to <repository>@<digest>; "local": an image only the engine has (made by
  // `docker import` or a local build, with no registry digest), pinned to its image id.
  std::string kind;
  std::string digest;                            // registry: what the name's tag named
  std::map<std::string, std::string> platforms;  // registry index: platform -> manifest digest
  std::string id;                                // local: the engine's image id
};

struct BaseLock {
  std::vector<LockedBase> bases;  // sorted by name
  [[nodiscard]] const LockedBase* find(const std::string& name) const;
};

// What the engine holds under a name: its id, its platform and the registry digests it was
// pulled or pushed with.
struct LocalImage {
  std::string id;
  std::string os;
  std::string architecture;
  std::vector<std::string> repo_digests;
};

// The engine's image of `ref`, or nullopt when it has none; asked once per engine and name in a
// process. Throws when the engine does not answer (require_answer).
std::optional<LocalImage> local_image(const Engine& engine, const std::string& ref);

// Asks the engine about several images in one call, so that local_image() of each needs none.
// Does nothing where one call cannot tell them apart (one of them missing, buildah): each is then
// asked on its own.
void ask_images(const Engine& engine, const std::vector<std::string>& refs);

// The images the FROM instructions of a Dockerfile name, each once, in order: stage names,
// `scratch` and names built from build arguments ($VAR) are left out.
std::vector<std::string> from_images(std::string_view dockerfile);

// The Dockerfile with every registry base of the lock named <repository>@<digest>.
std::string pinned_dockerfile(std::string_view dockerfile, const BaseLock& lock);

// Reads a lock; throws Error naming the file and saying to run update-bases when it is not one.
BaseLock read_lock(const std::filesystem::path& file);
std::string lock_text(const BaseLock& lock, const std::string& image);

// Locks the bases the spec's Dockerfile names that the lock lacks (with `update`: every one, again
// from its registry or the engine), and writes the lock and its stamp when they change. Prints each
// change ("<image>: <base> <old> -> <new>") on `out`. Returns the lock.
BaseLock refresh_lock(const Engine& engine, const spec::ImageSpec& spec, bool update,
                      std::ostream& out, std::ostream& err);

// Before a build: locks what is not locked yet, checks that each locked base is still there (a
// local base with the locked id, a registry base the engine or its registry has), and writes the
// Dockerfile the engine builds with the pinned references. Throws Error naming the lock and
// saying what to do.
void prepare_locked_build(const Engine& engine, const spec::ImageSpec& spec, std::ostream& err);

// SOURCE_DATE_EPOCH: the environment's (a whole number of seconds, else an Error naming the
// variable), else the time of the last commit of the git work tree `dir` is in, else 0.
std::int64_t source_date_epoch(const std::filesystem::path& dir);

// The full git revision (HEAD) of the work tree `dir` is in, if it is in one.
std::optional<std::string> source_revision(const std::filesystem::path& dir);

// What every build of the spec passes the engine: SOURCE_DATE_EPOCH as a build argument, and
// (for the final image) the labels org.opencontainers.image.base.name, .base.digest (the runtime
// base's manifest digest for the architecture; its image id for a local base) and .revision.
std::vector<std::string> provenance_args(const spec::ImageSpec& spec, const std::string& arch);

// The base digest a build of `arch` sits on, as the labels say it (empty when not locked).
std::string base_digest_for(const LockedBase& base, const std::string& arch);

}  // namespace hubtel::engine
