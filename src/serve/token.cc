#include "serve/token.h"

#include <openssl/evp.h>

#include <cstdio>
#include <stdexcept>

namespace gpufleet::serve {

namespace {
std::string hex(const unsigned char* bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  return out;
}
}  // namespace

std::string new_token() {
  unsigned char bytes[32];
  std::FILE* f = std::fopen("/dev/urandom", "rb");
  const bool ok = f && std::fread(bytes, 1, sizeof bytes, f) == sizeof bytes;
  if (f) std::fclose(f);
  if (!ok) throw std::runtime_error("cannot read /dev/urandom for a new token");
  return "gft_" + hex(bytes, sizeof bytes);
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha256(), nullptr);
  return hex(digest, n);
}

}  // namespace gpufleet::serve
