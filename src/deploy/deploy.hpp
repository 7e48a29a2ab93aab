// Creates or updates a Lambda function from a pushed image, pinned by its manifest digest.
#pragma once

#include <chrono>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "deploy/aws.hpp"
#include "spec/image_spec.hpp"

namespace hubtel::deploy {

// The Lambda function the spec deploys to; throws Error naming `command` when it names none.
std::string function_of(const spec::ImageSpec& spec, const std::string& command);

// What a deploy (or rollback) prints: "<function> version <v> <image-uri>[ alias <alias>]".
std::string deployed_line(const std::string& function, const std::string& version,
                          const std::string& image_uri, const std::optional<std::string>& alias);

// How the function's AWS calls are made: the AWS CLI `program`, in the ECR repository's region
// when there is one, each retry told on `err`.
AwsOptions function_aws_options(const spec::ImageSpec& spec, const std::string& program,
                                int max_attempts, std::ostream& err);

// The image deploy.json records as deployed for `arch` (its URI, pinned by digest), or nothing when
// nothing is recorded for it. Throws Error naming the file when it is damaged.
std::optional<std::string> deployed_image(const spec::ImageSpec& spec, const std::string& arch);

struct DeployRequest {
  std::vector<std::filesystem::path> specs;  // one image, or several deployed each on its own
  std::string aws = "aws";
  std::optional<std::string> arch;  // the function's architecture; default: the spec's first
  std::chrono::seconds wait_timeout{600};
  bool force = false;  // call AWS even when deploy.json says this state is already deployed
  // Backoff settings for retryable AWS errors (tests shorten them).
  std::chrono::milliseconds base_delay{1000};
  int max_attempts = 6;
};

// Creates the function, or updates its code and configuration, waits until Lambda has applied
// them, publishes a version (unless the spec says not to) and moves the spec's alias to it, and
// writes deploy.json when it changes. Prints "<function> version <v> <image-uri>[ alias <a>]" on
// `out` (<v> is $LATEST when nothing is published). When deploy.json records the same desired
// state it prints that line again and calls nothing. Before any change the Lambda gate reads the
// image from the registry; after a change that fails, $LATEST is put back as it was; after a
// deploy with KEEP_IMAGES, the clean-up runs (run_gc). With several specs each is deployed on its
// own, whatever happens to the others; a summary names each function's outcome, and the exit
// code is 1 when any failed.
int run_deploy(const DeployRequest& request, std::ostream& out, std::ostream& err);

}  // namespace hubtel::deploy
