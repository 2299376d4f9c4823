// The one error type for bad user input: it names the file, line, column and field, and what is valid.
#pragma once

#include <stdexcept>
#include <string>

namespace aifabric {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
};

// Thrown by the input layers (spec, catalog, proposal) and turned into exit code 2 at the CLI.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string field, std::string message);
  const SourceLocation& where() const { return where_; }
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }

 private:
  SourceLocation where_;
  std::string field_;
  std::string message_;
};

// "file:line:col: field: message" (line/col omitted when unknown).
std::string format_input_error(const SourceLocation& where, const std::string& field,
                               const std::string& message);

}  // namespace aifabric
