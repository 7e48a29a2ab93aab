// Unit tests of the process runner: pipelines of real programs, environments, timeouts, output
// shown or kept, and in-memory input files.
#include "process/process.hpp"

#include "common/error.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

using namespace hubtel;
using namespace hubtel::process;
using namespace std::chrono_literals;

TEST(Pipeline, PipesOneProgramIntoTheNext) {
  const auto result = run_pipeline({Step{{"printf", "%s", "secret"}, {}}, Step{{"cat"}, {}}});
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out, "secret");
  ASSERT_EQ(result.steps.size(), 2U);
}

TEST(Pipeline, ReportsEachExitCodeAndStderr) {
  const auto result =
      run_pipeline({Step{{"sh", "-c", "echo first failed >&2; exit 3"}, {}},
                    Step{{"sh", "-c", "cat; echo second >&2; exit 0"}, {{"HUBTEL_X", "1"}}}});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.exit_code(), 3);
  EXPECT_EQ(result.steps[0].exit_code, 3);
  EXPECT_EQ(result.steps[0].err, "first failed\n");
  EXPECT_EQ(result.steps[1].exit_code, 0);
  EXPECT_EQ(result.steps[1].err, "second\n");
}

TEST(Pipeline, PassesTheExtraEnvironment) {
  const auto result =
      run_pipeline({Step{{"sh", "-c", "printf %s \"$HUBTEL_X\""}, {{"HUBTEL_X", "v"}}}});
  EXPECT_EQ(result.out, "v");
}

TEST(Pipeline, RemovesAVariableNamedWithALeadingDash) {
  ::setenv("HUBTEL_REMOVED", "inherited", 1);
  const auto result = run_pipeline(
      {Step{{"sh", "-c", "printf %s \"${HUBTEL_REMOVED-unset}\""}, {{"-HUBTEL_REMOVED", ""}}}});
  ::unsetenv("HUBTEL_REMOVED");
  EXPECT_EQ(result.out, "unset");
}

TEST(Pipeline, KillsWhatRunsPastItsTimeout) {
  Options options;
  options.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_pipeline({Step{{"sleep", "30"}, {}}}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(Pipeline, AMissingProgramIsAnError) {
  EXPECT_THROW(run_pipeline({Step{{"/nonexistent/program"}, {}}}), Error);
  EXPECT_THROW(run({{}, {}}), Error);
}

TEST(Pipeline, AnInputFileIsReadableByAChildOnly) {
  const InputFile input("{\"a\": 1}");
  Options options;
  options.inherited_fds = {input.fd()};
  const auto result = run_pipeline({Step{{"cat", input.path()}, {}}}, options);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out, "{\"a\": 1}");
  // Read twice (the AWS CLI does): the same content again.
  const auto again =
      run_pipeline({Step{{"sh", "-c", "cat \"$0\"; cat \"$0\"", input.path()}, {}}}, options);
  EXPECT_EQ(again.out, "{\"a\": 1}{\"a\": 1}");
}

TEST(Pipeline, LastLineSkipsBlankLines) {
  EXPECT_EQ(last_line("one\ntwo\n\n"), "two");
  EXPECT_EQ(last_line(""), "");
}

// Shown output goes to our stderr with long lines cut; kept output is not kept when not asked.
TEST(Run, ShowsOutputWithLongLinesCut) {
  Options options;
  options.echo = true;
  options.max_line = 10;
  options.capture = false;
  testing::internal::CaptureStderr();
  const auto result =
      run({{"sh", "-c", "echo 0123456789abcdef; echo short >&2; printf tail"}, {}}, options);
  const auto shown = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.out, "");
  EXPECT_NE(shown.find("0123456789 [... 6 more characters]\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("short\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("tail\n"), std::string::npos) << shown;
}

TEST(Run, ReportsASignalAs128PlusItsNumber) {
  const auto result = run({{"sh", "-c", "kill -TERM $$"}, {}});
  EXPECT_EQ(result.exit_code(), 128 + 15);
}

TEST(ShownCommand, QuotesWhatTheShellWouldSplit) {
  EXPECT_EQ(shown_command({"docker", "build", "--tag", "a b", "it's", ""}),
            "docker build --tag 'a b' 'it'\\''s' ''");
}

TEST(Pipeline, StopsAProgramThatPrintsMoreThanItKeeps) {
  process::Options options;
  options.max_stdout = 1000;
  std::string error = "(no error)";
  try {
    process::run({{"sh", "-c", "yes | head -c 100000"}, {}}, options);
  } catch (const Error& e) {
    error = e.what();
  }
  EXPECT_NE(error.find("'sh' printed more than 1000 bytes, more than hubtel-ai keeps in memory"),
            std::string::npos)
      << error;
  options.max_stdout = 100000;
  EXPECT_EQ(process::run({{"sh", "-c", "yes | head -c 100000"}, {}}, options).out.size(), 100000U);
}

TEST(Pipeline, KeepsTheEndOfALongStderr) {
  process::Options options;
  options.max_stderr = 64;
  const auto result =
      process::run({{"sh", "-c", "yes line | head -c 10000 >&2; echo the end >&2"}, {}}, options);
  EXPECT_LE(result.steps[0].err.size(), 64U);
  EXPECT_EQ(process::last_line(result.steps[0].err), "the end");
}
