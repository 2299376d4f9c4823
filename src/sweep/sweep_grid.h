// A design sweep's grid: a base cluster spec, axes that set any of its fields to a list or range of values, and
// the workload every point runs; expanded to the cross product of the axes, each point a spec of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/input_error.h"
#include "spec/cluster_spec.h"

namespace aifabric {

struct SweepAxis {
  std::string field;                // dotted path into the spec: fabric.switch, cluster.servers, ...
  std::vector<YAML::Node> values;   // each as the grid wrote it (a scalar, a list or a map)
  std::vector<std::string> labels;  // each value as a short text, for the result rows
  std::vector<SourceLocation> where;  // each value's place in the grid file
};

struct SweepWorkload {
  std::string collective = "all_reduce", size = "1G", group = "all", algo = "nccl", backend = "flow";
  std::string job;  // a job spec to time one training step of on every point ("" = none), relative to the grid
  // Traffic the packet engine runs on every point, with the point's load balancing, transport and flow control, for
  // its flow completion times ("" = none): permutation, incast:N, alltoall[:N], hotspot[:N], uniform, file:PATH.
  std::string traffic, traffic_bytes = "4M";
};

struct SweepGrid {
  std::string file;       // the grid file
  std::string base_file;  // the base spec, as a path (relative ones resolved against the grid's folder)
  std::string text, base_text;  // the grid's and the base spec's text, as read
  YAML::Node base;        // the base spec as YAML
  std::vector<SweepAxis> axes;
  SweepWorkload workload;
  int64_t points() const;  // the cross product's size (saturating at INT64_MAX)
};

// Reads a grid (file names relative to the grid's folder). Throws InputError naming the grid's file, line, column
// and field: an unknown key, an axis without values, a range that is empty or has more than 100,000 values.
// `read_base` reads the base spec's file (a test or fuzzer gives one that never touches the disk); empty = the file.
SweepGrid parse_sweep_grid(const std::string& text, const std::string& file,
                           const std::function<std::string(const std::string& path)>& read_base = {});
SweepGrid load_sweep_grid(const std::string& path);

struct SweepPoint {
  int64_t index = 0;                // in the cross product, the last axis fastest
  std::vector<size_t> choice;       // per axis, the value's index
  std::vector<std::string> labels;  // per axis, the value's label
  std::string spec_text;            // the base spec with every axis applied, as YAML
};

// The point `index` of the cross product (0 <= index < grid.points()).
SweepPoint sweep_point(const SweepGrid& grid, int64_t index);

// The base spec with one axis value applied, parsed: a value the field refuses throws InputError at the value's
// place in the grid, with the spec's own message.
ClusterSpec spec_with_value(const SweepGrid& grid, size_t axis, size_t value);

// A point's spec, parsed (InputError as the spec parser gives it, against the point's YAML).
ClusterSpec point_spec(const SweepGrid& grid, const SweepPoint& p);

}  // namespace aifabric
