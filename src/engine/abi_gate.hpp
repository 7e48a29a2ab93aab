// The ABI gate of the image build: the payload must run on the runtime base it is meant for.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

namespace hubtel::engine {

// Checks every ELF file of <payload>/rootfs for the architecture and for GLIBC_/GLIBCXX_
// versions above what <payload>/base (the runtime base's libc.so.6 and libstdc++.so.6) provides,
// or what a bundled libstdc++ provides. Throws Error naming the file and the version.
void check_payload_abi(const std::filesystem::path& payload, const std::string& arch,
                       std::ostream& err);

}  // namespace hubtel::engine
