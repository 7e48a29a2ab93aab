// Says which machine it was compiled for, as it runs: natively, or under QEMU.
#include <cstdio>

int main() {
#if defined(__aarch64__)
  std::puts("check_hello: running an aarch64 program");
#elif defined(__x86_64__)
  std::puts("check_hello: running an x86_64 program");
#endif
  return 0;
}
