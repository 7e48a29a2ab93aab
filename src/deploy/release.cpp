// The release record: the pushed digests, their bases, the source revision and the deploy.
#include "deploy/release.hpp"

#include "common/files.hpp"
#include "engine/bases.hpp"
#include "process/process.hpp"
#include "registry/reference.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using nlohmann::json;

namespace hubtel::deploy {
namespace {

constexpr const char* kBaseName = "org.opencontainers.image.base.name";
constexpr const char* kBaseDigest = "org.opencontainers.image.base.digest";
constexpr const char* kRevision = "org.opencontainers.image.revision";

json read_json(const fs::path& file) {
  std::error_code missing;
  if (!fs::exists(file, missing)) {
    return nullptr;
  }
  try {
    return json::parse(read_file(file));
  } catch (const std::exception&) {
    return nullptr;  // damaged: written anew
  }
}

// The image's labels as the engine has them (an empty object when it cannot say).
json labels_of(const engine::Engine& engine, const std::string& image) {
  try {
    const auto result = process::run(
        {{engine.program, "image", "inspect", "--format", "{{json .Config.Labels}}", image},
         engine::environment_of(engine)});
    if (result.ok()) {
      auto labels = json::parse(process::last_line(result.out));
      if (labels.is_object()) {
        return labels;
      }
    }
  } catch (const std::exception&) {
    // Not JSON, or no engine: the labels come from elsewhere.
  }
  return json::object();
}

json text_or_null(const json& object, const char* key) {
  if (object.is_object() && object.contains(key) && object[key].is_string()) {
    return object[key];
  }
  return nullptr;
}

}  // namespace

void write_release(const spec::ImageSpec& spec, const engine::Engine* engine,
                   const json* function) {
  const auto file = spec::release_file(spec);
  const auto before = read_json(file);
  std::optional<engine::BaseLock> lock;
  std::error_code missing;
  if (fs::exists(spec::bases_lock_file(spec), missing)) {
    try {
      lock = engine::read_lock(spec::bases_lock_file(spec));
    } catch (const std::exception&) {
      // A damaged lock: the builds say so; the record names no bases.
    }
  }

  json revision = nullptr;
  json architectures = json::object();
  for (const auto& arch : spec.architectures) {
    json entry{{"image", nullptr},
               {"digest", nullptr},
               {"image_id", nullptr},
               {"base", nullptr},
               {"sbom", nullptr}};
    const json earlier = before.is_object() && before.contains("architectures") &&
                                 before["architectures"].is_object() &&
                                 before["architectures"].contains(arch)
                             ? before["architectures"][arch]
                             : json(nullptr);
    if (fs::exists(spec::push_ref_file(spec, arch), missing)) {
      const auto reference = read_line_file(spec::push_ref_file(spec, arch));
      entry["image"] = reference;
      entry["digest"] = registry::digest_in(reference);
    }
    const auto state = read_json(spec::push_state_file(spec, arch));
    entry["image_id"] = text_or_null(state, "image_id");
    if (entry["image_id"].is_null() && fs::exists(spec::image_id_file(spec, arch), missing)) {
      entry["image_id"] = read_line_file(spec::image_id_file(spec, arch));
    }
    json labels = json::object();
    if (engine != nullptr && entry["image_id"].is_string()) {
      labels = labels_of(*engine, entry["image_id"].get<std::string>());
    } else if (earlier.is_object() && earlier.value("image_id", json()) == entry["image_id"]) {
      labels = earlier.value("labels", json::object());
    }
    entry["labels"] = labels;
    if (labels.contains(kBaseName)) {
      entry["base"] = {{"name", text_or_null(labels, kBaseName)},
                       {"digest", text_or_null(labels, kBaseDigest)}};
    } else if (lock) {
      if (const auto* base = lock->find(spec.runtime_image)) {
        entry["base"] = {{"name", base->name}, {"digest", engine::base_digest_for(*base, arch)}};
      }
    }
    if (revision.is_null()) {
      revision = text_or_null(labels, kRevision);
    }
    // The SBOM of this very image stays; any other image's does not.
    if (earlier.is_object() && !entry["image_id"].is_null() &&
        earlier.value("image_id", json()) == entry["image_id"] && earlier.contains("sbom")) {
      entry["sbom"] = earlier["sbom"];
    }
    architectures[arch] = entry;
  }
  if (revision.is_null()) {
    if (const auto head = engine::source_revision(spec.context)) {
      revision = *head;
    }
  }

  json bases = json::array();
  if (lock) {
    for (const auto& base : lock->bases) {
      json entry{{"name", base.name}, {"kind", base.kind}};
      if (base.kind == "registry") {
        entry["digest"] = base.digest;
        entry["platforms"] = base.platforms;
      } else {
        entry["image_id"] = base.id;
      }
      bases.push_back(entry);
    }
  }

  json deployed = nullptr;
  if (function != nullptr) {
    deployed = {{"name", text_or_null(*function, "function_name")},
                {"arn", text_or_null(*function, "function_arn")},
                {"version", text_or_null(*function, "version")},
                {"alias", text_or_null(*function, "alias")},
                {"architecture", text_or_null(*function, "architecture")},
                {"image", text_or_null(*function, "image_uri")}};
  }
  const json record{{"version", 1},
                    {"name", spec.name},
                    {"repository", spec.repository ? json(*spec.repository) : json(nullptr)},
                    {"source_revision", revision},
                    {"architectures", architectures},
                    {"bases", bases},
                    {"function", deployed}};
  write_file_if_changed(file, record.dump(2) + "\n");
}

void record_sbom(const spec::ImageSpec& spec, const std::string& arch, const std::string& image_id,
                 const json& sbom) {
  const auto file = spec::release_file(spec);
  auto record = read_json(file);
  if (!record.is_object() || !record.contains("architectures") ||
      !record["architectures"].is_object()) {
    record = json{{"version", 1},
                  {"name", spec.name},
                  {"repository", spec.repository ? json(*spec.repository) : json(nullptr)},
                  {"source_revision", nullptr},
                  {"architectures", json::object()},
                  {"bases", json::array()},
                  {"function", nullptr}};
  }
  auto& entry = record["architectures"][arch];
  if (!entry.is_object()) {
    entry = json{{"image", nullptr}, {"digest", nullptr},        {"image_id", image_id},
                 {"base", nullptr},  {"labels", json::object()}, {"sbom", nullptr}};
  }
  entry["image_id"] = image_id;
  entry["sbom"] = sbom;
  write_file_if_changed(file, record.dump(2) + "\n");
}

json recorded_sbom(const spec::ImageSpec& spec, const std::string& arch,
                   const std::string& image_id) {
  const auto record = read_json(spec::release_file(spec));
  const auto pointer = json::json_pointer("/architectures/" + arch);
  if (!record.is_object() || !record.contains(pointer)) {
    return nullptr;
  }
  const auto& entry = record[pointer];
  if (!entry.is_object() || entry.value("image_id", json()) != json(image_id)) {
    return nullptr;
  }
  const auto sbom = entry.value("sbom", json());
  return sbom.is_object() ? sbom : json(nullptr);
}

}  // namespace hubtel::deploy
