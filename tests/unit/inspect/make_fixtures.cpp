// Writes the size command's test inputs into the folder named on the command line.
#include "fixtures.hpp"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_size_fixtures <dir>\n";
    return 2;
  }
  try {
    hubtel::test::write_fixture_set(argv[1]);
  } catch (const std::exception& e) {
    std::cerr << "make_size_fixtures: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
