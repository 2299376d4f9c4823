// Atomic file writes: temp file in the same directory, fsync-free flush, then std::filesystem::rename.
#include "core/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace aifabric {

std::string write_file_atomically(const std::string& path, std::string_view contents) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) return "cannot create directory " + target.parent_path().string() + ": " + ec.message();
  const fs::path tmp = target.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot write " + tmp.string() + ": " + std::strerror(errno);
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      return "cannot write " + tmp.string() + ": " + std::strerror(errno);
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    std::error_code ignore;
    fs::remove(tmp, ignore);
    return "cannot rename " + tmp.string() + " to " + path + ": " + ec.message();
  }
  return {};
}

}  // namespace aifabric
