// Pushes: each architecture's image and its registry build cache through the registry client, and
// the record of the manifest digest the registry now serves.
#include "registry/push.hpp"
#include "sbom/sbom.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/sha256.hpp"
#include "deploy/release.hpp"
#include "process/process.hpp"
#include "registry/client.hpp"
#include "registry/reference.hpp"
#include "spec/image_spec.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ostream>
#include <regex>
#include <thread>

namespace fs = std::filesystem;

namespace hubtel::registry {
namespace {

using nlohmann::json;

struct Plan {
  std::string arch;
  std::string image_id;
  std::string target;  // repository:tag
  bool needed = true;
};

Plan plan_of(const PushRequest& request, const spec::ImageSpec& spec, const std::string& arch,
             const std::optional<std::string>& revision, const std::string& step) {
  static const std::regex id_pattern("sha256:[0-9a-f]{64}");
  Plan plan{arch, {}, *spec.repository + ":" + push_tag(spec, arch, revision)};
  const auto id_file = spec::image_id_file(spec, arch);
  if (!fs::exists(id_file)) {
    throw Error(fmt::format("{} ({}): no built image: '{}' is missing; build {}-image first", step,
                            arch, id_file.string(), spec.name));
  }
  plan.image_id = read_line_file(id_file);
  if (!std::regex_match(plan.image_id, id_pattern)) {
    throw Error(
        fmt::format("{} ({}): '{}' holds no image id (sha256:<64 hex>); build {}-image again", step,
                    arch, id_file.string(), spec.name));
  }
  // The records say this very image already went to this very tag: nothing to send.
  const auto state_file = spec::push_state_file(spec, arch);
  const auto ref_file = spec::push_ref_file(spec, arch);
  if (!request.force && fs::exists(state_file) && fs::exists(ref_file)) {
    try {
      const auto state = json::parse(read_file(state_file));
      plan.needed = state.value("image_id", "") != plan.image_id ||
                    state.value("target", "") != plan.target ||
                    state.value("reference", "") != read_line_file(ref_file);
    } catch (const json::exception&) {
      plan.needed = true;
    }
  }
  return plan;
}

// A registry that fails on its side (a 5xx answer), drops the connection or restarts often
// answers the next request. The engine retries layer uploads itself but not the manifest, so the
// whole push is tried again, a bounded number of times, a little further apart each time.
constexpr int kPushAttempts = 3;
constexpr std::chrono::seconds kPushRetryDelay{2};

bool is_transient(const std::string& failure) {
  static const std::regex pattern(
      "HTTP status: 5[0-9][0-9]|\\bEOF\\b|connection reset by peer|broken pipe|connection refused|"
      "server closed idle connection|TLS handshake timeout");
  return std::regex_search(failure, pattern);
}

std::string push_retried(Client& client, const Plan& plan, const std::string& step,
                         std::ostream& err) {
  for (int attempt = 1;; ++attempt) {
    try {
      return client.push(plan.image_id, plan.target, step);
    } catch (const Error& e) {
      const std::string failure = e.what();
      if (!is_transient(failure)) {
        throw;
      }
      if (attempt == kPushAttempts) {
        throw Error(fmt::format(
            "{}; the registry failed {} times in a row: check its health and push again", failure,
            attempt));
      }
      const auto delay = kPushRetryDelay * attempt;
      err << fmt::format("hubtel-ai: {}: the registry failed; attempt {} of {} in {} s\n", step,
                         attempt + 1, kPushAttempts, delay.count());
      err.flush();
      std::this_thread::sleep_for(delay);
    }
  }
}

// Pushes the registry build cache of one architecture: both builds are cache hits of the image
// just built, so they only tag, with the inline cache.
void push_cache(const spec::ImageSpec& spec, const std::string& arch, Client& client,
                std::ostream& err) {
  const auto refs = cache_refs(spec, arch);
  // These builds read what the image's build read: the same logins.
  for (const auto& repository : ecr_reads_of(spec)) {
    client.log_in(repository, false, err);
  }
  const auto& engine = client.engine();
  // The deps stage the image's build took, so these are its cache hits.
  const auto deps = engine::deps_args(engine, spec, arch, err);
  auto build_extra = deps;
  build_extra.insert(build_extra.end(), {"--tag", refs->build});
  auto runtime_extra = deps;
  runtime_extra.insert(runtime_extra.end(), {"--tag", refs->runtime});
  engine::run_engine(engine, engine::build_command(engine, spec, arch, "build", build_extra));
  engine::run_engine(engine, engine::build_command(engine, spec, arch, "runtime", runtime_extra));
  const auto step = fmt::format("push {} ({}): the registry build cache", spec.name, arch);
  for (const auto& ref : {refs->build, refs->runtime}) {
    client.push(ref, ref, step);
  }
  err << fmt::format("hubtel: pushed the build cache of {} ({}) to {} and {}\n", spec.name, arch,
                     refs->build, refs->runtime);
}

// Attaches the SBOM <name>-sbom wrote for the pushed image `digest` as a referrer of it, once:
// only the SBOM that names the image's id, and not again when release.json says it is attached
// to that digest already.
void attach_sbom(const spec::ImageSpec& spec, const Plan& plan, const std::string& digest,
                 const std::string& aws, const std::string& arch_step, std::ostream& err) {
  const auto sbom_file = sbom::sbom_file(spec, plan.arch);
  if (!fs::exists(sbom_file)) {
    return;
  }
  const auto described = sbom::image_id_in(sbom_file, spec.sbom_format);
  if (described != plan.image_id) {
    err << fmt::format(
        "hubtel: {} ({}): {} is the SBOM of {}, not of the image pushed ({}): not "
        "attached; build the {}-sbom target and push again to attach this image's\n",
        spec.name, plan.arch, sbom_file.string(),
        described.empty() ? std::string("no image it names") : described.substr(0, 19),
        plan.image_id.substr(0, 19), spec.name);
    return;
  }
  Sha256 sha;
  sha.update(read_file(sbom_file));
  const auto sbom_digest = sha.finish();
  auto recorded = deploy::recorded_sbom(spec, plan.arch, plan.image_id);
  if (recorded.is_object() && recorded.value("digest", "") == sbom_digest &&
      recorded.value(json::json_pointer("/attached/image"), json()) == json(digest)) {
    return;  // attached to this digest already
  }
  recorded = {{"file", sbom_file.filename().string()},
              {"format", spec.sbom_format},
              {"digest", sbom_digest}};
  Api api(*spec.repository, aws, arch_step + ": attaching the SBOM");
  const auto attached = sbom::attach(api, digest, sbom_file, spec.sbom_format);
  err << fmt::format("hubtel: {} ({}): attached its SBOM {} as {}\n", spec.name, plan.arch,
                     attached.digest.substr(0, 19),
                     attached.how == "referrer" ? std::string("a referrer of ") + digest
                                                : "the tag " + attached.how);
  const bool referrer = attached.how == "referrer";
  recorded["attached"] = {{"image", digest},
                          {"manifest", attached.digest},
                          {"how", referrer ? "referrer" : "tag"},
                          {"tag", referrer ? json(nullptr) : json(attached.how)}};
  deploy::record_sbom(spec, plan.arch, plan.image_id, recorded);
}

}  // namespace

int run_push(const PushRequest& request, std::ostream& out, std::ostream& err) {
  const auto spec = spec::read(request.spec);
  const std::string step = "push " + spec.name;
  if (!spec.repository) {
    throw Error(
        fmt::format("{}: the spec '{}' has no repository; add REPOSITORY "
                    "<registry/repository> to hubtel_add_lambda_image({})",
                    step, spec.file.string(), spec.name));
  }
  const auto revision = spec.tag ? std::nullopt : git_revision(spec.context);
  std::vector<Plan> plans;
  for (const auto& arch : spec.architectures) {
    plans.push_back(plan_of(request, spec, arch, revision, step));
  }

  // An image built on another engine is pushed from there, straight to the registry.
  auto engine = request.engine;
  engine::attach_host(engine, request.engines_file, request.engine_host);
  Client client(engine, request.aws, step);
  for (const auto& plan : plans) {
    const auto ref_file = spec::push_ref_file(spec, plan.arch);
    if (!plan.needed) {
      err << fmt::format("hubtel-ai: {} ({}) is already in {}\n", spec.name, plan.arch,
                         plan.target);
      const auto reference = read_line_file(ref_file);
      out << reference << '\n';
      // Pushed already (by an earlier push, or by the buildx builder): its SBOM may not be yet.
      attach_sbom(spec, plan, digest_in(reference), request.aws,
                  fmt::format("{} ({})", step, plan.arch), err);
      continue;
    }
    client.log_in(*spec.repository, request.create_repository, err);
    const auto arch_step = fmt::format("{} ({})", step, plan.arch);
    auto digest = pushed_digest(push_retried(client, plan, arch_step, err));
    if (digest.empty()) {
      digest = client.recorded_digest(plan.image_id, *spec.repository);
    }
    const auto reference = *spec.repository + "@" + digest;
    try {
      digest_of_reference(reference);
    } catch (const Error&) {
      throw Error(fmt::format("{}: {} push {} reported no manifest digest", arch_step,
                              request.engine.program, plan.target));
    }
    write_file_if_changed(ref_file, reference + "\n");
    write_file_if_changed(
        spec::push_state_file(spec, plan.arch),
        json{{"image_id", plan.image_id}, {"target", plan.target}, {"reference", reference}}.dump(
            2) +
            "\n");
    out << reference << '\n';
    // The SBOM <name>-sbom wrote for this image goes beside it, as a referrer of its digest.
    attach_sbom(spec, plan, digest, request.aws, arch_step, err);
    if (spec.registry_cache) {
      push_cache(spec, plan.arch, client, err);
    }
  }
  deploy::write_release(spec, &client.engine(), nullptr);
  return 0;
}

}  // namespace hubtel::registry
