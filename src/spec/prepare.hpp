// The render step of an image: from its spec, the files its builds read.
#pragma once

#include <filesystem>
#include <string>

namespace hubtel::spec {

// Renders the Dockerfile (the spec's template, its partial folders, strict escaping) and the
// .dockerignore (dockerignore.mustache of the first partial folder), and writes image-inputs.json;
// each atomically, and only when its content changes. Throws Error naming what failed. With an
// engine kind whose Dockerfile frontend picks a stage by a build argument (docker-buildkit,
// docker-buildx), templates also see engine_selects_stages: a native image's deps stage is then
// chosen at build time (HUBTEL_DEPS), so a builder that lacks nothing runs no package step.
void prepare(const std::filesystem::path& spec_file, const std::string& engine_kind = {});

}  // namespace hubtel::spec
