// Bearer tokens: 256 random bits from the kernel, shown once; only their SHA-256 is stored.
#pragma once

#include <string>

namespace gpufleet::serve {

// "gft_" and 64 hex digits from /dev/urandom. Throws std::runtime_error if it cannot be read.
std::string new_token();
// SHA-256 of text as 64 lowercase hex digits.
std::string sha256_hex(const std::string& text);

}  // namespace gpufleet::serve
