// Shared CLI helpers: the stop signal and atomic output.
#include "cli/cli_common.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/input_error.h"
#include "core/number_format.h"

namespace aifabric {

volatile std::sig_atomic_t g_stop_signal = 0;
volatile int g_stop_signal_int = 0;
extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
  g_stop_signal_int = sig;
}

void emit(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  const std::string err = write_file_atomically(path, text);
  if (!err.empty()) throw InputError({path, 0, 0}, "", err);
}



}  // namespace aifabric
