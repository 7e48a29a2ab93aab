// One function of the shared-builder test project (it only has to build).
int main() {
  return FUNCTION_NUMBER == 0 ? 1 : 0;
}
