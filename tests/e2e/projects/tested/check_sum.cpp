// A unit test: tests.sh edits its expected value to make it fail, and back.
#include <cstdio>

int main() {
  const int expected = 5;
  const int sum = 2 + 3;
  std::printf("check_sum: 2 + 3 = %d, expected %d\n", sum, expected);
  return sum == expected ? 0 : 1;
}
