// Small SVG chart drawing for the HTML report: line charts (log2 or linear x), stacked bars, with axes and legends.
// Every data mark carries class="mark" so a browser test can count what was drawn.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace aifabric {

std::string html_escape(const std::string& s);

struct Series {
  std::string name;
  std::string color;
  std::vector<std::pair<double, double>> points;  // (x, y)
  bool dashed = false;
};

struct LineChart {
  std::string title, x_label, y_label;
  bool log2_x = false;
  std::vector<Series> series;
  int width = 760, height = 360;
};
std::string render_line_chart(const LineChart& c);

struct StackedBar {
  std::string label;
  std::vector<double> parts;  // one value per part name
};

struct BarChart {
  std::string title, y_label;
  std::vector<std::string> part_names;
  std::vector<std::string> part_colors;
  std::vector<StackedBar> bars;
  std::optional<double> limit;        // a horizontal line (e.g. rack power limit)
  std::string limit_label;
  std::optional<double> limit2;
  std::string limit2_label;
  bool horizontal = false;            // bars left to right (timelines)
  int width = 760, height = 360;
};
std::string render_bar_chart(const BarChart& c);

// Lanes of bars over time (a step's timeline): each bar a span on one lane, with its colour and a tooltip; the
// legend names the colours.
struct GanttBar {
  size_t lane = 0;
  double start = 0, end = 0;
  std::string color, tooltip;
};
struct GanttChart {
  std::string title, x_label;
  std::vector<std::string> lanes;
  std::vector<GanttBar> bars;
  std::vector<std::pair<std::string, std::string>> legend;  // (name, colour)
  int width = 900, lane_height = 18;
};
std::string render_gantt_chart(const GanttChart& c);

// Points in a plane (designs by cost and performance): each a dot with a colour and a tooltip; `front` joins the
// points marked on it (a Pareto front) in order of x.
struct ScatterPoint {
  double x = 0, y = 0;
  std::string color, tooltip;
  bool on_front = false;
};
struct ScatterChart {
  std::string title, x_label, y_label;
  std::vector<ScatterPoint> points;
  std::vector<std::pair<std::string, std::string>> legend;  // (name, colour)
  int width = 820, height = 460;
};
std::string render_scatter_chart(const ScatterChart& c);

// A palette of distinguishable colours, by index.
std::string palette(size_t i);

}  // namespace aifabric
