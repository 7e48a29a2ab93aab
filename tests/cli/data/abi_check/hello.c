/* A tiny C program that abi-check's CLI tests compile for each architecture at test time. */
#include <stdio.h>
int main(void) {
  puts("hello");
  return 0;
}
