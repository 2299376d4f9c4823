// Helpers shared by the benchmarks: the shipped catalog, loaded once, and the process's peak resident memory.
#pragma once

#include <sys/resource.h>

#include "catalog/catalog.h"

namespace aifabric::bench {

inline const Catalog& catalog() {
  static const Catalog c = load_catalog({});
  return c;
}

inline double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace aifabric::bench
