// Renders SAM templates by hand: the structure is fixed, and every value goes through one quoting
// function, which a template engine would not enforce.
#include "deploy/sam.hpp"

#include "common/error.hpp"
#include "common/files.hpp"
#include "registry/reference.hpp"
#include "spec/image_spec.hpp"

#include <fmt/format.h>

#include <cctype>
#include <ostream>
#include <set>

namespace fs = std::filesystem;

namespace hubtel::deploy {
namespace {

std::string image_uri_of(const spec::ImageSpec& spec, const std::string& arch,
                         const std::optional<std::string>& revision) {
  const auto ref_file = spec::push_ref_file(spec, arch);
  if (fs::exists(ref_file)) {
    const auto reference = read_line_file(ref_file);
    registry::digest_of_reference(reference);  // a damaged record is an error, not a template value
    return reference;
  }
  return *spec.repository + ":" + registry::push_tag(spec, arch, revision);
}

}  // namespace

std::string yaml_quoted(const std::string& text) {
  std::string result = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      result += '\\';
      result += c;
    } else if (u < 0x20 || u == 0x7f) {
      result += fmt::format("\\x{:02x}", u);
    } else {
      result += c;
    }
  }
  return result + "\"";
}

std::string logical_id(const std::string& name) {
  std::string result;
  bool upper = true;
  for (const char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      result += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  if (result.empty() || std::isdigit(static_cast<unsigned char>(result.front())) != 0) {
    result = "Image" + result;
  }
  return result;
}

std::string sam_template(const std::vector<fs::path>& spec_files, const fs::path& template_dir) {
  if (spec_files.empty()) {
    throw Error("sam: no image spec given; pass --spec hubtel/<name>/spec.json");
  }
  std::string names;
  std::string resources;
  std::string outputs;
  std::set<std::string> ids;
  for (const auto& file : spec_files) {
    const auto spec = spec::read(file);
    if (!spec.repository) {
      throw Error(
          fmt::format("sam {}: the spec '{}' has no repository, and a SAM function of "
                      "PackageType Image needs an ImageUri; add REPOSITORY "
                      "<registry/repository> to hubtel_add_lambda_image({})",
                      spec.name, file.string(), spec.name));
    }
    const auto revision = spec.tag ? std::nullopt : registry::git_revision(spec.context);
    const auto& arch = spec.architectures.front();
    std::string id = logical_id(spec.function_name.value_or(spec.name)) + "Function";
    for (int n = 2; ids.count(id) != 0; ++n) {
      id = logical_id(spec.function_name.value_or(spec.name)) + "Function" + std::to_string(n);
    }
    ids.insert(id);
    names += (names.empty() ? "" : ", ") + spec.name;

    std::string r;
    r += fmt::format("  {}:\n    Type: AWS::Serverless::Function\n", id);
    r += "    Metadata:\n";
    r += fmt::format("      Dockerfile: {}\n",
                     yaml_quoted(spec::dockerfile(spec).lexically_relative(spec.context).string()));
    // SAM reads DockerContext from the template's folder: relative, the template moves with its
    // checkout; absolute only when the template goes to stdout.
    const auto context = template_dir.empty()
                             ? spec.context
                             : spec.context.lexically_relative(fs::absolute(template_dir));
    r += fmt::format("      DockerContext: {}\n",
                     yaml_quoted(context.empty() ? spec.context.string() : context.string()));
    r +=
        fmt::format("      DockerTag: {}\n", yaml_quoted(registry::push_tag(spec, arch, revision)));
    if (!spec.build_args.empty()) {
      r += "      DockerBuildArgs:\n";
      for (const auto& [key, value] : spec.build_args) {
        r += fmt::format("        {}: {}\n", yaml_quoted(key), yaml_quoted(value));
      }
    }
    r += "    Properties:\n";
    if (spec.function_name) {
      r += fmt::format("      FunctionName: {}\n", yaml_quoted(*spec.function_name));
    }
    r += "      PackageType: Image\n";
    r += fmt::format("      ImageUri: {}\n", yaml_quoted(image_uri_of(spec, arch, revision)));
    r += fmt::format("      Architectures:\n        - {}\n", yaml_quoted(arch));
    r += fmt::format("      MemorySize: {}\n", spec.memory_or_default());
    r += fmt::format("      Timeout: {}\n", spec.timeout_or_default());
    if (spec.role) {
      r += fmt::format("      Role: {}\n", yaml_quoted(*spec.role));
    }
    if (spec.alias) {
      // SAM publishes a version on each change and moves the alias to it, as a deploy does.
      r += fmt::format("      AutoPublishAlias: {}\n", yaml_quoted(*spec.alias));
    }
    if (!spec.environment.empty()) {
      r += "      Environment:\n        Variables:\n";
      for (const auto& [key, value] : spec.environment) {
        r += fmt::format("          {}: {}\n", yaml_quoted(key), yaml_quoted(value));
      }
    }
    resources += r;
    outputs += fmt::format(
        "  {}Arn:\n    Description: {}\n    Value: !GetAtt {}.Arn\n", id,
        yaml_quoted(fmt::format("The Lambda function of HubtelAI image {}", spec.name)), id);
  }
  std::string text;
  text += "# Generated by hubtel-ai sam from HubtelAI image specs; change the CMake project, not\n";
  text += "# this file. Deploy with: sam deploy --template-file <this file> --stack-name <name>\n";
  text += "AWSTemplateFormatVersion: \"2010-09-09\"\n";
  text += "Transform: AWS::Serverless-2016-10-31\n";
  text += fmt::format("Description: {}\n",
                      yaml_quoted("Lambda functions of HubtelAI images: " + names));
  text += "Resources:\n" + resources;
  text += "Outputs:\n" + outputs;
  return text;
}

int run_sam(const SamRequest& request, std::ostream& out) {
  const auto text = sam_template(
      request.specs, request.output ? fs::absolute(*request.output).parent_path() : fs::path());
  if (request.output) {
    write_file_if_changed(*request.output, text);
  } else {
    out << text;
  }
  return 0;
}

}  // namespace hubtel::deploy
