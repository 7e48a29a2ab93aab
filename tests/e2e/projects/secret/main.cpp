// Prints the digest of the token its build read; the token itself never reaches the image.
#include <cstdio>

#include "token_digest.h"

int main() {
  std::puts(TOKEN_DIGEST);
  return 0;
}
