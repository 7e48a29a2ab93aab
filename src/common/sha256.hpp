// SHA-256 through OpenSSL's EVP, fed in pieces.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace hubtel {

// SHA-256 of bytes fed in order, as "sha256:<hex>".
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  [[nodiscard]] std::string finish();

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context_;
};

}  // namespace hubtel
