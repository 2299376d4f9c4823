// Formatting of input errors as one line: file:line:column: field: message.
#include "core/input_error.h"

#include <fmt/format.h>

namespace aifabric {

std::string format_input_error(const SourceLocation& where, const std::string& field,
                               const std::string& message) {
  std::string out = where.file.empty() ? std::string("command line") : where.file;
  if (where.line > 0) out += fmt::format(":{}:{}", where.line, where.column);
  out += ": ";
  if (!field.empty()) out += field + ": ";
  out += message;
  // One line, always: a quoted value may carry newlines or control bytes.
  std::string clean;
  clean.reserve(out.size());
  for (char c : out) {
    if (c == '\n') clean += "\\n";
    else if (c == '\r') clean += "\\r";
    else if (c == '\t') clean += ' ';
    else clean.push_back(c);
  }
  return clean;
}

InputError::InputError(SourceLocation where, std::string field, std::string message)
    : std::runtime_error(format_input_error(where, field, message)),
      where_(std::move(where)),
      field_(std::move(field)),
      message_(std::move(message)) {}

}  // namespace aifabric
