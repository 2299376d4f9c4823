// aifabric's library API, for programs and the Python module: read specs, plan them, run the scenarios the
// commands run, and render their results in the commands' JSON schemas. Bad input throws aifabric::InputError
// (file, line, column, field, message). Link aifabric_scenario (and aifabric_sweep for sweeps).
#pragma once

#include "backend/collective_backend.h"  // CollectiveBackend, CollectiveResult: what every backend answers
#include "catalog/catalog.h"                // Catalog: switches, NICs, servers, parts (shipped, plus files by name)
#include "collective/schedule.h"            // Communicator, make_communicator, build_schedule: a collective as phases
#include "core/input_error.h"               // InputError, SourceLocation
#include "net/backend_for_spec.h"           // backend_for (analytic, flow, packet, nccl-model), packet_config_for
#include "net/packet_sim.h"                 // PacketSim, PacketSimConfig, PacketSimResult: the packet engine itself
#include "net/traffic.h"                    // make_traffic: permutation, incast, all-to-all, hot spot, flow files
#include "plan/cable_schedule.h"            // cable_schedule, DeviceDirectory, link_ends: names, ports, one row per cable
#include "plan/plan.h"                      // Plan, make_plan (a plan owns its catalog)
#include "report/cable_files.h"             // render_cable_files: cables.csv, bom.csv, netbox/*.csv
#include "report/compare_report.h"          // Comparison, render_comparison_json (aifabric.compare/1), render_comparison_html
#include "report/packet_report.h"           // render_packet_json (aifabric.packet/1), render_packet_text
#include "report/perf_table.h"              // PerfSweep, render_perf_json (aifabric.perf/1)
#include "report/plan_report.h"             // render_plan_json (aifabric.plan/1), render_plan_text
#include "report/run_results.h"             // RunResults, render_results_json, render_html_report
#include "report/step_report.h"             // render_step_json (aifabric.step/1), render_step_text
#include "report/trace_report.h"            // render_trace_json (aifabric.trace/1), render_trace_text
#include "scenario/compare_scenario.h"      // CompareRequest, run_compare: one workload on several designs
#include "scenario/job_scenario.h"          // run_job: one training step
#include "scenario/packet_scenario.h"       // PacketRequest, run_packet: traffic packet by packet, failures costed
#include "scenario/perf_scenario.h"         // PerfRequest, run_perf: a collective over sizes
#include "scenario/run_scenario.h"          // RunOptions, run_scenario: what `aifabric run` simulates
#include "scenario/session.h"               // Session: catalogs, limits, seed; session_catalog, plan_spec
#include "scenario/trace_scenario.h"        // TraceRequest, load_traces, run_trace: Chakra / SimAI traces replayed
#include "spec/cluster_spec.h"              // ClusterSpec, parse_cluster_spec, load_cluster_spec
#include "sweep/sweep_grid.h"               // SweepGrid, load_sweep_grid
#include "sweep/sweep_run.h"                // run_sweep, SweepOptions, SweepRow
#include "sweep/sweep_table.h"              // render_sweep_json (aifabric.sweep/1)
#include "workload/job_spec.h"              // JobSpec, parse_job_spec, load_job_spec
#include "workload/training_step.h"         // simulate_step, StepResult: a step on any backend
