// A program that only has to exist: the image's tests are what this project tests.
#include <cstdio>

int main() {
  std::puts("tested");
  return 0;
}
