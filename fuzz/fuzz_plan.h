// The small planned fabric (two DGX H100, 16 GPUs) the trace and workload fuzz targets replay their inputs on.
#pragma once

#include "catalog/catalog.h"
#include "plan/plan.h"
#include "spec/cluster_spec.h"

inline const aifabric::Plan& fuzz_plan() {
  static const aifabric::Catalog catalog = aifabric::load_catalog({});
  static const aifabric::Plan plan = aifabric::make_plan(
      aifabric::parse_cluster_spec("cluster: {server: dgx-h100, servers: 2}\nfabric: {topology: rail-optimized, switch: quantum2-qm9700, tiers: auto}\n"
                                   "layout: {servers_per_rack: 4, racks_per_row: 8}\npower: {rack_power_limit_kw: 45}\n",
                                   "fuzz.yaml"),
      catalog);
  return plan;
}
