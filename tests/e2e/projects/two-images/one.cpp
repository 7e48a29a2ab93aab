// The first function of the two-images test project (it only has to build).
int main() {
  return 1;
}
