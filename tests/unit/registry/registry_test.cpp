// Unit tests of the registry client's pure parts: reference names, tags, digests, cache
// references; and the private folders that hold logins, removed even when a signal ends us.
#include "common/temporary_dir.hpp"
#include "registry/client.hpp"
#include "registry/reference.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::registry;
using namespace hubtel::test;

TEST(Registry, NamesRegistriesAndTags) {
  EXPECT_EQ(registry_of("127.0.0.1:5000/a/b"), "127.0.0.1:5000");
  EXPECT_EQ(registry_of("library/hello"), "docker.io");
  EXPECT_EQ(registry_of("localhost/hello"), "localhost");
  EXPECT_EQ(registry_of("hello"), "docker.io");
  EXPECT_EQ(repository_path("127.0.0.1:5000/a/b"), "a/b");
  EXPECT_EQ(repository_path("library/hello"), "library/hello");
  const auto ecr = ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/hello");
  ASSERT_TRUE(ecr);
  EXPECT_EQ(ecr->host, "123456789012.dkr.ecr.eu-west-1.amazonaws.com");
  EXPECT_EQ(ecr->account, "123456789012");
  EXPECT_EQ(ecr->region, "eu-west-1");
  EXPECT_FALSE(ecr_registry("127.0.0.1:5000/hello"));
  EXPECT_FALSE(ecr_registry("123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example/x"));

  spec::ImageSpec spec;
  spec.architectures = {"x86_64"};
  EXPECT_EQ(push_tag(spec, "x86_64", std::nullopt), "latest");
  EXPECT_EQ(push_tag(spec, "x86_64", std::string("0123abcd")), "0123abcd");
  spec.tag = "v1";
  spec.architectures = {"x86_64", "arm64"};
  EXPECT_EQ(push_tag(spec, "arm64", std::string("0123abcd")), "v1-arm64");
}

TEST(Registry, SplitsAReferenceIntoRepositoryAndDigest) {
  const std::string digest = "sha256:" + std::string(64, 'a');
  EXPECT_EQ(registry::repository_in("127.0.0.1:5000/team/hello@" + digest),
            "127.0.0.1:5000/team/hello");
  EXPECT_EQ(registry::repository_in("127.0.0.1:5000/team/hello:v1@" + digest),
            "127.0.0.1:5000/team/hello");
  EXPECT_EQ(registry::repository_in("localhost:5000/hello"), "localhost:5000/hello");
  EXPECT_EQ(registry::digest_in("localhost:5000/hello@" + digest), digest);
  EXPECT_EQ(registry::digest_in("localhost:5000/hello:v1"), "");
}

TEST(Registry, ChecksPushedReferences) {
  const std::string digest = "sha256:" + std::string(64, 'a');
  EXPECT_EQ(digest_of_reference("127.0.0.1:5000/a/b@" + digest), digest);
  EXPECT_THROW(digest_of_reference("127.0.0.1:5000/a/b:v1"), Error);
  EXPECT_THROW(digest_of_reference("a@sha256:abc"), Error);
}

TEST(Registry, ReadsTheDigestDockerPrints) {
  const std::string digest = "sha256:" + std::string(64, 'b');
  EXPECT_EQ(pushed_digest("The push refers to repository [x]\nabc: Pushed\nv1: digest: " + digest +
                          " size: 523\n"),
            digest);
  EXPECT_EQ(pushed_digest("nothing here"), "");
}

TEST(Registry, NamesTheBuildCacheOnlyWhenAskedFor) {
  spec::ImageSpec spec;
  spec.repository = "localhost:5000/hello";
  EXPECT_FALSE(cache_refs(spec, "x86_64"));
  spec.registry_cache = true;
  const auto refs = cache_refs(spec, "arm64");
  ASSERT_TRUE(refs);
  EXPECT_EQ(refs->runtime, "localhost:5000/hello:hubtel-cache-arm64");
  EXPECT_EQ(refs->build, "localhost:5000/hello:hubtel-cache-build-arm64");
  spec.repository.reset();
  EXPECT_FALSE(cache_refs(spec, "arm64"));
}

TEST(Registry, NamesTheEcrRepositoriesABuildReads) {
  const std::string ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
  spec::ImageSpec spec;
  spec.runtime = "provided.al2023";
  spec.builder_image = ecr + "/builders/cpp:1";
  spec.runtime_image = "public.ecr.aws/lambda/provided:al2023";
  spec.repository = ecr + "/team/hello";
  EXPECT_EQ(ecr_reads_of(spec), std::vector<std::string>{ecr + "/builders/cpp:1"});
  spec.registry_cache = true;
  EXPECT_EQ(ecr_reads_of(spec),
            (std::vector<std::string>{ecr + "/builders/cpp:1", ecr + "/team/hello"}));
  // A Python image's builder stage starts from its builder image too; one image is read once.
  spec.runtime = "python3.12";
  spec.builder_image = ecr + "/bases/python:3.12";
  spec.runtime_image = ecr + "/bases/python:3.12";
  EXPECT_EQ(ecr_reads_of(spec),
            (std::vector<std::string>{ecr + "/bases/python:3.12", ecr + "/team/hello"}));
  spec.repository = "127.0.0.1:5000/team/hello";
  EXPECT_EQ(ecr_reads_of(spec), std::vector<std::string>{ecr + "/bases/python:3.12"});
}

TEST(TemporaryDir, IsRemovedWithItsOwner) {
  fs::path kept;
  {
    const TemporaryDir dir("hubtel-test-");
    kept = dir.path();
    write_file_atomically(kept / "config.json", "{}");
    EXPECT_EQ(fs::status(kept).permissions() & fs::perms::all, fs::perms::owner_all);
  }
  EXPECT_FALSE(fs::exists(kept));
}

// A signal that ends the process still removes the folders (a login's credentials), then ends
// the process as the signal would have.
TEST(TemporaryDir, IsRemovedWhenASignalEndsTheProcess) {
  for (const int signal_number : {SIGTERM, SIGINT}) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      const TemporaryDir dir("hubtel-test-");
      fs::create_directories(dir.path() / "sub" / "deeper");
      write_file_atomically(dir.path() / "config.json", "{\"auths\": {}}");
      write_file_atomically(dir.path() / "sub" / "deeper" / "file", "x");
      const auto path = dir.path().string() + "\n";
      [[maybe_unused]] const auto written = ::write(fds[1], path.data(), path.size());
      ::raise(signal_number);
      ::_exit(0);  // not reached: the signal ends the process
    }
    ::close(fds[1]);
    std::string path;
    char c = 0;
    while (::read(fds[0], &c, 1) == 1 && c != '\n') {
      path += c;
    }
    ::close(fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), signal_number);
    ASSERT_FALSE(path.empty());
    EXPECT_FALSE(fs::exists(path)) << path;
  }
}
