// The render step of an image: from its spec, the files its builds read.
#pragma once

#include <filesystem>

namespace hubtel::spec {

// Renders the Dockerfile (the spec's template, its partial folders, strict escaping) and the
// .dockerignore (dockerignore.mustache of the first partial folder), and writes image-inputs.json;
// each atomically, and only when its content changes. Throws Error naming what failed.
void prepare(const std::filesystem::path& spec_file);

}  // namespace hubtel::spec
