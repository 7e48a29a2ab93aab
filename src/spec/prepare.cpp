// Renders an image's Dockerfile and .dockerignore with the project's Mustache engine, and writes
// what its builds depend on; a file whose content is unchanged keeps its time, for Ninja's restat.
#include "spec/prepare.hpp"

#include "common/files.hpp"
#include "mustache/mustache.hpp"
#include "spec/image_spec.hpp"

namespace hubtel::spec {

void prepare(const std::filesystem::path& spec_file, const std::string& engine_kind) {
  const auto spec = read(spec_file);
  auto data = view(spec);
  // buildah and podman take the stage a FROM names before build arguments are expanded.
  data["engine_selects_stages"] =
      engine_kind == "docker-buildkit" || engine_kind == "docker-buildx";
  mustache::DirectoryLoader loader(spec.partials);
  mustache::RenderOptions options;
  options.escape = mustache::Escape::strict;
  options.missing_partial_is_error = true;
  mustache::Renderer renderer(loader, options);
  const auto render = [&](const std::filesystem::path& template_file) {
    return renderer.render(mustache::parse(read_file(template_file), template_file.string()), data);
  };
  write_file_if_changed(dockerfile(spec), render(spec.template_file));
  write_file_if_changed(dockerignore(spec),
                        render(spec.partials.front() / "dockerignore.mustache"));
  write_file_if_changed(image_inputs_file(spec), image_inputs(spec).dump(2) + "\n");
}

}  // namespace hubtel::spec
