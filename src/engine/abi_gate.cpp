// The ABI gate (placeholder until the ELF concern lands).
#include "engine/abi_gate.hpp"

#include <ostream>

namespace hubtel::engine {

void check_payload_abi(const std::filesystem::path& payload, const std::string& arch,
                       std::ostream& err) {
  err << "hubtel: ABI check of " << payload.string() << " (" << arch << ") skipped\n";
}

}  // namespace hubtel::engine
