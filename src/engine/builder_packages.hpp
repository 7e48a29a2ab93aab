// What a Debian builder image has installed, read from its package database before the build
// without running it, so a build whose builder lacks nothing renders no package step.
#pragma once

#include "engine/build.hpp"
#include "spec/image_spec.hpp"

#include <iosfwd>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hubtel::engine {

// The packages templates/hubtel-deps.sh installs for a native build on a Debian builder, as it
// asks dpkg for them: the toolchain (a cross compiler for `target_dpkg_arch` when `cross`, and
// QEMU when the image's tests are on) and the image's BUILDER_PACKAGES, qualified by the target
// architecture when cross-compiling.
std::vector<std::string> debian_packages_needed(const spec::ImageSpec& spec, bool cross,
                                                const std::string& target_dpkg_arch);

// The packages a dpkg status file lists as installed, each as "name:arch".
std::set<std::string> installed_packages(std::string_view status);

// The first of `needed` that is not installed ("name" means of `native_arch` or all, as
// dpkg-query reads it; "name:arch" of that architecture), or an empty string when none is missing.
std::string first_missing(const std::vector<std::string>& needed,
                          const std::set<std::string>& installed, const std::string& native_arch);

// True when the builder the image of `arch` is built on is in the engine's image store and its
// package database lists every package the build needs; then the build passes HUBTEL_DEPS=present
// and the deps stage runs no package step. False whenever that is not known (another engine kind
// than docker-buildkit, a builder not pulled yet, no dpkg database): the package step then asks
// the database inside the builder, as before. What a builder image holds is kept in
// $XDG_CACHE_HOME (or ~/.cache)/hubtel-ai/builders/<image id>.packages, so each builder image is
// read once (in about 0.4 s), not once per build folder.
bool builder_has_every_package(const Engine& engine, const spec::ImageSpec& spec,
                               const std::string& arch, std::ostream& err);

}  // namespace hubtel::engine
