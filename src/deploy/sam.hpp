// Writes an AWS SAM template for one or more images, so SAM and CloudFormation users can take over.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace hubtel::deploy {

struct SamRequest {
  std::vector<std::filesystem::path> specs;
  std::optional<std::filesystem::path> output;  // else stdout
};

// The template text: one AWS::Serverless::Function a spec, PackageType Image, ImageUri pinned by
// the pushed digest (else repository:tag), and the Dockerfile metadata `sam build` reads. Every
// value is written as a double-quoted scalar, so none can add YAML of its own. DockerContext is
// relative to `template_dir`, where the template is written (absolute when it is empty).
std::string sam_template(const std::vector<std::filesystem::path>& specs,
                         const std::filesystem::path& template_dir = {});

// A YAML double-quoted scalar of `text`.
std::string yaml_quoted(const std::string& text);

// A CloudFormation logical id (letters and digits) from a name: "hello-world" -> "HelloWorld".
std::string logical_id(const std::string& name);

// Writes the template to the output (only when it changes) or to `out`.
int run_sam(const SamRequest& request, std::ostream& out);

}  // namespace hubtel::deploy
