// Whole-file reads and atomic writes: an output is either its old content or its new one, never
// half.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace hubtel {

// Reads a whole file; throws Error naming the path on failure.
std::string read_file(const std::filesystem::path& path);

// A secret kept in a file: its content without the final line breaks an editor adds. Throws Error
// for a file over 4096 bytes, more than Lambda's environment holds.
std::string read_secret_file(const std::filesystem::path& path);

// A one-line file's content without its trailing line ends (image ids, references, stamps).
std::string read_line_file(const std::filesystem::path& path);

// Writes through a temporary file in the same folder and rename(2), so
// readers never see a partial file; the temporary is removed on failure.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// As write_file_atomically, but leaves the file (and its mtime) alone when it
// already holds exactly `content`. Returns true when it wrote.
bool write_file_if_changed(const std::filesystem::path& path, std::string_view content);

}  // namespace hubtel
