// The aifabric command: global options, one subcommand per file (plan, run, check, perf, job, packet, compare, trace,
// sweep, optimize, catalog), and the mapping of errors to exit codes: bad input -> one-line error and exit 2.
#include <cstdio>
#include <new>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"
#include "cli/compare_command.h"
#include "cli/job_command.h"
#include "cli/packet_command.h"
#include "cli/perf_command.h"
#include "cli/plan_command.h"
#include "cli/run_command.h"
#include "cli/sweep_command.h"
#include "cli/trace_command.h"
#include "core/input_error.h"

using namespace aifabric;

int main(int argc, char** argv) {
  CLI::App app{"aifabric: plan, check and simulate AI-cluster back-end networks"};
  app.require_subcommand(1);
  Common common;
  app.add_option("--catalog", common.catalogs, "extra catalog YAML file(s); same names override the shipped entries");
  app.add_option("--max-memory", common.max_memory_gib, "refuse specs whose fabric would need more than this many GiB")->check(CLI::PositiveNumber);
  app.add_option("--max-events", common.max_events, "refuse packet simulations estimated to need more events")->check(CLI::PositiveNumber);
  app.add_option("--seed", common.seed, "seed for traffic, ECMP hashing, spraying, ECN and failures (every command)")->capture_default_str();
  app.fallthrough();  // global options may also follow the subcommand: aifabric packet ... --seed 2

  PlanArgs pl;
  auto* plan = add_plan_command(app, pl);
  RunArgs ra;
  auto* run = add_run_command(app, ra);
  CheckArgs ck;
  auto* check = add_check_command(app, ck);
  PerfArgs pa;
  auto* perf = add_perf_command(app, pa);
  JobArgs ja;
  auto* jobc = add_job_command(app, ja);
  PacketArgs pk;
  auto* packet = add_packet_command(app, pk);
  CompareArgs ca;
  auto* compare = add_compare_command(app, ca);
  TraceArgs ta;
  auto* trace = add_trace_command(app, ta);
  SweepArgs sa;
  auto* sweep = add_sweep_command(app, sa);
  OptimizeArgs oa;
  auto* optimize = add_optimize_command(app, oa);

  CablesArgs cb;
  auto* cables = add_cables_command(app, cb);
  auto* catalog = add_catalog_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitInput;
  }
  try {
    if (*plan) return cmd_plan(common, pl);
    if (*run) return cmd_run(common, ra);
    if (*check) return cmd_check(common, ck);
    if (*perf) return cmd_perf(common, pa);
    if (*jobc) return cmd_job(common, ja);
    if (*packet) return cmd_packet(common, pk);
    if (*compare) return cmd_compare(common, ca);
    if (*trace) return cmd_trace(common, ta);
    if (*sweep) return cmd_sweep(common, sa);
    if (*optimize) return cmd_optimize(common, oa);
    if (*cables) return cmd_cables(common, cb);
    if (*catalog) return cmd_catalog(common);
  } catch (const InputError& e) {
    std::fprintf(stderr, "aifabric: error: %s\n", e.what());
    return kExitInput;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "aifabric: error: out of memory; lower the cluster size or --max-memory\n");
    return kExitInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aifabric: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
