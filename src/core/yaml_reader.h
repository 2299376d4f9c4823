// Typed, validated reading of YAML maps: every error names file:line:column, the field path and what is valid.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/input_error.h"

namespace aifabric {

// Parses a YAML document from text; syntax errors become InputError with the file's line and column.
YAML::Node parse_yaml(const std::string& text, const std::string& file);

// Reads a file into a string; a missing or unreadable file becomes InputError naming it.
std::string read_text_file(const std::string& path, const std::string& what);

// One YAML map being read. Every key read is remembered; finish() rejects unknown keys (typos).
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string file, std::string path);

  bool has(const std::string& key) const;
  // The raw node for a key (marks it used); undefined node if absent.
  YAML::Node raw(const std::string& key);

  std::string string(const std::string& key, const std::string& fallback);
  std::string required_string(const std::string& key);
  // One of `allowed`; the error lists them.
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  int64_t required_integer(const std::string& key, int64_t min, int64_t max);
  double number(const std::string& key, double fallback, double min, double max);
  double required_number(const std::string& key, double min, double max);
  bool boolean(const std::string& key, bool fallback);
  std::vector<std::string> string_list(const std::string& key);
  // A ratio written as "2:1", "1:1" or a number (2 means 2:1); must lie in [min, max].
  double ratio(const std::string& key, double fallback, double min, double max);

  // A child map (an empty one if absent); the child must be finished by the caller.
  MapReader child(const std::string& key);
  // A list of maps under key (empty if absent).
  std::vector<MapReader> child_list(const std::string& key);

  // Rejects keys that were never read, naming the first one and the valid keys.
  void finish();

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  [[noreturn]] void fail_here(const std::string& message) const;
  SourceLocation location_of(const std::string& key) const;
  SourceLocation location() const;
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  std::string field(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

 private:
  YAML::Node scalar(const std::string& key);

  YAML::Node node_;
  std::string file_;
  std::string path_;
  std::vector<std::string> used_;
};

SourceLocation location_of_node(const YAML::Node& node, const std::string& file);

}  // namespace aifabric
