// 64-bit FNV-1a digests: stable labels (a class's random stream) and the digest of each result
// file that run.json records, so that a mixed or edited results folder is detected. Not a
// cryptographic hash: it finds accidents (a half-replaced folder, a hand edit), not forgeries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gpufleet {

// FNV-1a over the bytes of text.
uint64_t fnv1a64(std::string_view text);

// FNV-1a over 8-byte little-endian words (then the remaining bytes, then the length): eight
// times fewer multiplications than the byte-wise form, for files of hundreds of megabytes.
uint64_t fnv1a64_words(std::string_view content);

// "fnv1a64w:" and 16 hex digits of fnv1a64_words(content): the text run.json records.
std::string file_digest(std::string_view content);

}  // namespace gpufleet
