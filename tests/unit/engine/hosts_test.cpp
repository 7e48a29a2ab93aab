// Unit tests of engine addresses, their environment, TLS folders, the rendezvous assignment and
// the assignment file.
#include "engine/hosts.hpp"
#include "spec/spec_fixture.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace fs = std::filesystem;
using namespace hubtel;
using namespace hubtel::test;
using Kind = engine::Host::Kind;

TEST(EngineHosts, ParsesEveryForm) {
  EXPECT_EQ(engine::parse_host("unix:///run/docker.sock").kind, Kind::unix_socket);
  EXPECT_EQ(engine::parse_host("tcp://127.0.0.1:2376").kind, Kind::tcp);
  EXPECT_EQ(engine::parse_host("tcp://build-1.example.com:2376").kind, Kind::tcp);
  EXPECT_EQ(engine::parse_host("tcp://[::1]:2376").kind, Kind::tcp);
  EXPECT_EQ(engine::parse_host("ssh://builder@build-2.example.com").kind, Kind::ssh);
  EXPECT_EQ(engine::parse_host("ssh://build-2:2222").kind, Kind::ssh);
  EXPECT_EQ(engine::parse_host("ci-builder.1").kind, Kind::context);
}

TEST(EngineHosts, RefusesMalformedAddresses) {
  const std::map<std::string, std::string> cases{
      {"", "it is empty"},
      {"unix://relative.sock", "absolute path"},
      {"tcp://127.0.0.1", "its port given"},
      {"tcp://127.0.0.1:0", "port 0 is not between 1 and 65535"},
      {"tcp://127.0.0.1:70000", "port 70000 is not between 1 and 65535"},
      {"tcp://127.0.0.1:0002376", "its port given"},
      {"ssh://ci@build-3:0", "port 0 is not between 1 and 65535"},
      {"ssh://ci@build-3:99999", "port 99999 is not between 1 and 65535"},
      {"tcp://bad host:2376", "tcp://<host>:<port>"},
      {"ssh://me:secret@host", "a password does not belong in an address"},
      {"ssh://host/path", "ssh://[<user>@]<host>[:<port>]"},
      {"http://127.0.0.1:2375", "scheme 'http://' is not unix://, tcp:// or ssh://"},
      {"-context", "no context name"},
      {"tcp://127.0.0.1:2376\nRUN x", "control character"}};
  for (const auto& [address, expected] : cases) {
    const auto message = error_of([&] { engine::parse_host(address); });
    EXPECT_NE(message.find("engine address '" + address + "' is malformed"), std::string::npos)
        << message;
    EXPECT_NE(message.find(expected), std::string::npos) << address << ": " << message;
  }
}

TEST(EngineHosts, ReachesEachEngineThroughTheEnvironmentAlone) {
  auto tcp = engine::parse_host("tcp://127.0.0.1:2376");
  tcp.cert_path = "/certs/127.0.0.1:2376";
  const std::vector<std::pair<std::string, std::string>> tcp_env{
      {"DOCKER_HOST", "tcp://127.0.0.1:2376"},
      {"DOCKER_CONTEXT", ""},
      {"DOCKER_TLS_VERIFY", "1"},
      {"DOCKER_CERT_PATH", "/certs/127.0.0.1:2376"}};
  EXPECT_EQ(engine::host_environment(tcp), tcp_env);
  const std::vector<std::pair<std::string, std::string>> unix_env{
      {"DOCKER_HOST", "unix:///run/b.sock"},
      {"DOCKER_CONTEXT", ""},
      {"DOCKER_TLS_VERIFY", ""},
      {"DOCKER_CERT_PATH", ""}};
  EXPECT_EQ(engine::host_environment(engine::parse_host("unix:///run/b.sock")), unix_env);
  const std::vector<std::pair<std::string, std::string>> context_env{{"DOCKER_CONTEXT", "ci"},
                                                                     {"-DOCKER_HOST", ""},
                                                                     {"DOCKER_TLS_VERIFY", ""},
                                                                     {"DOCKER_CERT_PATH", ""}};
  EXPECT_EQ(engine::host_environment(engine::parse_host("ci")), context_env);
}

TEST(EngineHosts, FindsTlsFilesPerEngineOrShared) {
  const TempDir temp;
  const auto host = engine::parse_host("tcp://127.0.0.1:2376");
  EXPECT_NE(error_of([&] { engine::tls_folder(host, {}); }).find("needs TLS"), std::string::npos);
  auto message = error_of([&] { engine::tls_folder(host, temp.path()); });
  EXPECT_NE(message.find("TLS files missing in " + temp.path().string() +
                         ": ca.pem, cert.pem, "
                         "key.pem"),
            std::string::npos)
      << message;
  for (const auto* name : {"ca.pem", "cert.pem", "key.pem"}) {
    write_file_atomically(temp.path() / name, "x");
  }
  EXPECT_EQ(engine::tls_folder(host, temp.path()), temp.path());
  const auto own = temp.path() / "127.0.0.1:2376";
  fs::create_directory(own);
  write_file_atomically(own / "ca.pem", "x");
  message = error_of([&] { engine::tls_folder(host, temp.path()); });
  EXPECT_NE(message.find("TLS files missing in " + own.string() + ": cert.pem, key.pem"),
            std::string::npos)
      << message;
  EXPECT_TRUE(engine::tls_folder(engine::parse_host("unix:///x"), {}).empty());
}

// Highest random weight: stable, spread, and an engine added takes only what it wins.
TEST(EngineHosts, AssignsStablyAndMovesFewImagesWhenAnEngineIsAdded) {
  const std::vector<std::string> two{"unix:///run/a.sock", "tcp://127.0.0.1:2376"};
  auto three = two;
  three.push_back("ssh://build-3");
  std::map<std::string, int> per_engine;
  int moved = 0;
  const int images = 300;
  for (int i = 0; i < images; ++i) {
    const auto image = "function-" + std::to_string(i);
    const auto before = engine::assign(two, image);
    EXPECT_EQ(engine::assign(two, image), before);
    // The order engines are listed in does not matter.
    EXPECT_EQ(engine::assign({two[1], two[0]}, image), before);
    const auto after = engine::assign(three, image);
    if (after != before) {
      EXPECT_EQ(after, three[2]) << image << " moved between the two old engines";
      ++moved;
    }
    ++per_engine[after];
  }
  // About a third moves to the new engine, and no engine is left idle.
  EXPECT_GT(moved, images / 5);
  EXPECT_LT(moved, images / 2);
  for (const auto& address : three) {
    EXPECT_GT(per_engine[address], images / 5) << address;
  }
}

TEST(EngineHosts, ReadsTheAssignmentConfigureWrites) {
  const TempDir temp;
  const auto file = temp.path() / "engines.json";
  write_file_atomically(file, R"({"engines": [
    {"address": "unix:///run/a.sock", "images": ["one", "three"]},
    {"address": "tcp://127.0.0.1:2376", "cert_path": "/certs", "images": ["two"]}]})");
  const auto assignment = engine::read_assignment(file);
  ASSERT_EQ(assignment.engines.size(), 2U);
  const auto* tcp = engine::find_engine(assignment, "tcp://127.0.0.1:2376");
  ASSERT_NE(tcp, nullptr);
  EXPECT_EQ(tcp->host.cert_path, fs::path("/certs"));
  EXPECT_EQ(tcp->images, std::vector<std::string>{"two"});
  EXPECT_EQ(engine::find_engine(assignment, "ssh://elsewhere"), nullptr);
  write_file_atomically(file, R"({"engines": [{"address": "http://x:1", "images": []}]})");
  EXPECT_NE(error_of([&] { engine::read_assignment(file); }).find("malformed"), std::string::npos);
  EXPECT_NE(
      error_of([&] { engine::read_assignment(temp.path() / "none.json"); }).find("is missing"),
      std::string::npos);
}

TEST(EngineHosts, ProbeNamesAnEngineThatDoesNotAnswer) {
  const TempDir temp;
  auto message = error_of([&] {
    engine::probe("docker", engine::parse_host("unix://" + (temp.path() / "none.sock").string()));
  });
  EXPECT_NE(message.find("does not answer"), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  // A file that is no socket: something is there, but no engine.
  write_file_atomically(temp.path() / "file", "x");
  message = error_of([&] {
    engine::probe("docker", engine::parse_host("unix://" + (temp.path() / "file").string()));
  });
  EXPECT_NE(message.find("is not a Docker engine"), std::string::npos) << message;
}
