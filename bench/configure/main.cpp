// The program every image of the configure benchmark packs: configure never compiles it.
int main() {
  return 0;
}
