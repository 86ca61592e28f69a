// Expected failures (bad scenario, bad trace row, infeasible input) travel as values.
// Exceptions stay at the boundaries; broken invariants are asserts.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace gpufleet {

// Where and why an input was rejected. Every field that is known is filled;
// line and column are 1-based, 0 when unknown.
struct Error {
  std::string file;      // path of the offending file, or "<built-in>" / "<command line>"
  int line = 0;
  int column = 0;
  std::string field;     // dotted path of the field, e.g. "contracts[2].site", or a CSV column name
  std::string message;   // what was found and what was expected

  // "file:line:column: field: message" with the unknown parts left out.
  std::string to_string() const;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Error e) { return tl::unexpected<Error>(std::move(e)); }
inline tl::unexpected<Error> fail(std::string file, int line, int column, std::string field,
                                  std::string message) {
  return tl::unexpected<Error>(
      Error{std::move(file), line, column, std::move(field), std::move(message)});
}

// Exit status of the gpufleet command when its input is bad.
inline constexpr int kExitBadInput = 2;
// Exit status when a server or database it needs cannot be reached.
inline constexpr int kExitUnreachable = 4;

}  // namespace gpufleet
