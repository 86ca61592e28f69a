// What `gpufleet --version` prints: the release, the git revision the build was configured
// from ("unknown" outside a git checkout) and the build type. Filled in by CMake when it
// configures (build_info.cc.in, cmake/git_revision.cmake).
#pragma once

#include <string>

namespace gpufleet::cli {

// "gpufleet 0.1.0\nrevision 67f4c39abcde\nbuild Release, g++ 12.2.0\n"
std::string version_text();

}  // namespace gpufleet::cli
