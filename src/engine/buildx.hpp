// Builds on a buildx builder (HUBTEL_BUILDX_BUILDER, or BUILDX_BUILDER): the command line, which
// pushes from the builder when the image has a repository and loads into the local engine only
// when nothing else can hold the image, and the digests read back from its metadata file.
#pragma once

#include "spec/image_spec.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::engine {

// What one buildx build does with its result.
struct BuildxPlan {
  std::string builder;
  // Pushed from the builder to this repository:tag (empty: loaded into the local engine instead).
  std::string push_target;
  // Where buildx writes what it made (containerimage.digest, containerimage.config.digest).
  std::filesystem::path metadata_file;
};

// Throws Error when `name` is no builder name buildx takes (letters, digits, _ . -).
void check_builder_name(const std::string& name);

// The plan of an image's build: pushed to <repository>:<tag> when the spec has a repository and
// the build is the image itself (a stage or a measured build needs the image here: loaded).
BuildxPlan buildx_plan(const std::string& builder, const spec::ImageSpec& spec,
                       const std::string& push_target, bool needs_local,
                       const std::filesystem::path& metadata_file);

// `<program> buildx build --builder <b> --provenance=false --sbom=false ...` for one target stage:
// --push with --tag, or --load; --metadata-file; with a registry cache, the cache read from and
// (when pushing) written to the registry in mode=max, so every stage is cached; `extra` before
// the context.
std::vector<std::string> buildx_command(const std::string& program, const spec::ImageSpec& spec,
                                        const std::string& arch, const std::string& stage,
                                        const BuildxPlan& plan,
                                        const std::vector<std::string>& extra);

// What a buildx build made, from its metadata file's text.
struct BuildxResult {
  std::string image_id;  // containerimage.config.digest: the id an engine gives the image
  std::string digest;    // containerimage.digest: the manifest digest a registry serves it by
};

// Throws Error naming `where` when the text is no metadata of a built image.
BuildxResult read_buildx_metadata(const std::string& text, const std::string& where);

}  // namespace hubtel::engine
