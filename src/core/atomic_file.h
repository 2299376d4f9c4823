// Writes a file atomically: a temporary file beside the target, then rename, so no partial output.
#pragma once

#include <string>
#include <string_view>

namespace aifabric {

// Returns an empty string on success, else a message naming the path and the OS error.
std::string write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace aifabric
