// SVG charts drawn by hand: nice axis ticks, log2 size axes, stacked bars, legends, limit lines.
#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace aifabric {

std::string html_escape(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o.push_back(c);
    }
  }
  return o;
}

std::string palette(size_t i) {
  static const char* colors[] = {"#2f6db5", "#e07b28", "#3a9a4a", "#c23b3b", "#7d5ab5", "#8c6d46", "#d45fa6", "#6b7280", "#a8a22b", "#1fa3b5"};
  return colors[i % (sizeof(colors) / sizeof(colors[0]))];
}

namespace {

struct Frame {
  double left = 70, right = 20, top = 36, bottom = 52;
  int w, h;
  double x0() const { return left; }
  double x1() const { return w - right; }
  double y0() const { return h - bottom; }
  double y1() const { return top; }
};

// Round tick step: 1, 2 or 5 x 10^k covering `span` in about `n` steps.
double nice_step(double span, int n) {
  if (span <= 0) return 1;
  const double raw = span / n;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

std::string fmt_num(double v) {
  const double a = std::abs(v);
  if (a == 0) return "0";
  if (a >= 1e9) return fmt::format("{:g}G", v / 1e9);
  if (a >= 1e6) return fmt::format("{:g}M", v / 1e6);
  if (a >= 1e4) return fmt::format("{:g}k", v / 1e3);
  return fmt::format("{:g}", std::round(v * 1000) / 1000);
}

std::string fmt_bytes(double v) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (v >= 1024 && u < 4) { v /= 1024; ++u; }
  return fmt::format("{:g}{}", v, units[u]);
}

std::string header(int w, int h, const std::string& title) {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\">"
                     "<title>{}</title><text x=\"{}\" y=\"22\" class=\"chart-title\">{}</text>",
                     w, h, w, h, html_escape(title), 12, html_escape(title));
}

std::string legend(const std::vector<std::pair<std::string, std::string>>& items, double x, double y) {
  std::string o;
  for (size_t i = 0; i < items.size(); ++i) {
    const double yy = y + static_cast<double>(i) * 16;
    o += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend\">{}</text>", x, yy,
                     items[i].second, x + 14, yy + 9, html_escape(items[i].first));
  }
  return o;
}

// Room for the legend: the longest label at about 6.5 px a character.
double legend_room(const std::vector<std::string>& labels) {
  size_t longest = 0;
  for (const auto& l : labels) longest = std::max(longest, l.size());
  return 40 + 6.5 * static_cast<double>(longest);
}

}  // namespace

std::string render_line_chart(const LineChart& c) {
  Frame fr;
  fr.w = c.width;
  fr.h = c.height;
  {
    std::vector<std::string> names;
    for (const auto& s : c.series) names.push_back(s.name);
    fr.right = legend_room(names);
    fr.w = c.width + static_cast<int>(std::max(0.0, fr.right - 170));
  }
  double xmin = 1e300, xmax = -1e300, ymax = 0;
  for (const auto& s : c.series) {
    for (const auto& [x, y] : s.points) {
      const double xv = c.log2_x ? std::log2(std::max(x, 1e-300)) : x;
      xmin = std::min(xmin, xv);
      xmax = std::max(xmax, xv);
      ymax = std::max(ymax, y);
    }
  }
  if (xmin > xmax) { xmin = 0; xmax = 1; }
  if (xmax == xmin) xmax = xmin + 1;
  const double ystep = nice_step(ymax > 0 ? ymax : 1, 5);
  const double ytop = std::max(ystep, std::ceil(ymax / ystep) * ystep);
  auto px = [&](double x) { const double xv = c.log2_x ? std::log2(std::max(x, 1e-300)) : x; return fr.x0() + (xv - xmin) / (xmax - xmin) * (fr.x1() - fr.x0()); };
  auto py = [&](double y) { return fr.y0() - y / ytop * (fr.y0() - fr.y1()); };
  std::string o = header(fr.w, c.height, c.title);
  for (double y = 0; y <= ytop + 1e-9; y += ystep) {
    o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>",
                     fr.x0(), py(y), fr.x1(), py(y), fr.x0() - 6, py(y) + 4, fmt_num(y));
  }
  if (c.log2_x) {
    const int lo = static_cast<int>(std::ceil(xmin)), hi = static_cast<int>(std::floor(xmax));
    const int every = std::max(1, (hi - lo) / 8);
    for (int e = lo; e <= hi; e += every) {
      const double x = fr.x0() + (e - xmin) / (xmax - xmin) * (fr.x1() - fr.x0());
      o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                       x, fr.y0(), x, fr.y1(), x, fr.y0() + 16, fmt_bytes(std::pow(2.0, e)));
    }
  } else {
    const double xstep = nice_step(xmax - xmin, 6);
    for (double x = std::ceil(xmin / xstep) * xstep; x <= xmax + 1e-9; x += xstep) {
      o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"middle\">{}</text>", px(x), fr.y0() + 16, fmt_num(x));
    }
  }
  o += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" class=\"axis\"/><line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{3:.1f}\" class=\"axis\"/>",
                   fr.x0(), fr.y0(), fr.x1(), fr.y1());
  o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis-label\" text-anchor=\"middle\">{}</text>", (fr.x0() + fr.x1()) / 2, fr.h - 10.0,
                   html_escape(c.x_label));
  o += fmt::format("<text transform=\"translate(16 {:.1f}) rotate(-90)\" class=\"axis-label\" text-anchor=\"middle\">{}</text>", (fr.y0() + fr.y1()) / 2,
                   html_escape(c.y_label));
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& s : c.series) {
    std::string pts;
    for (const auto& [x, y] : s.points) pts += fmt::format("{:.1f},{:.1f} ", px(x), py(y));
    o += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} class=\"mark\"/>", pts, s.color,
                     s.dashed ? " stroke-dasharray=\"6 4\"" : "");
    for (const auto& [x, y] : s.points) {
      o += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\" class=\"mark\"><title>{}: {} -> {:.2f}</title></circle>", px(x), py(y),
                       s.color, html_escape(s.name), c.log2_x ? fmt_bytes(x) : fmt_num(x), y);
    }
    items.emplace_back(s.name, s.color);
  }
  o += legend(items, fr.x1() + 14, fr.y1() + 4);
  return o + "</svg>";
}

std::string render_bar_chart(const BarChart& c) {
  Frame fr;
  fr.w = c.width;
  fr.h = c.height;
  {
    std::vector<std::string> names = c.part_names;
    names.push_back(c.limit_label);
    names.push_back(c.limit2_label);
    fr.right = legend_room(names);
    fr.w = c.width + static_cast<int>(std::max(0.0, fr.right - 170));
  }
  if (c.horizontal) fr.left = 170;
  double vmax = 0;
  for (const auto& b : c.bars) {
    double sum = 0;
    for (double v : b.parts) sum += v;
    vmax = std::max(vmax, sum);
  }
  if (c.limit) vmax = std::max(vmax, *c.limit);
  if (c.limit2) vmax = std::max(vmax, *c.limit2);
  const double step = nice_step(vmax > 0 ? vmax : 1, 5);
  const double top = std::max(step, std::ceil(vmax / step) * step);
  std::string o = header(fr.w, c.height, c.title);
  const size_t n = std::max<size_t>(1, c.bars.size());
  if (!c.horizontal) {
    auto py = [&](double v) { return fr.y0() - v / top * (fr.y0() - fr.y1()); };
    for (double v = 0; v <= top + 1e-9; v += step) {
      o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>",
                       fr.x0(), py(v), fr.x1(), py(v), fr.x0() - 6, py(v) + 4, fmt_num(v));
    }
    const double slot = (fr.x1() - fr.x0()) / static_cast<double>(n);
    const double bw = std::max(1.0, slot * 0.7);
    for (size_t i = 0; i < c.bars.size(); ++i) {
      double base = 0;
      const double x = fr.x0() + slot * static_cast<double>(i) + (slot - bw) / 2;
      for (size_t k = 0; k < c.bars[i].parts.size(); ++k) {
        const double v = c.bars[i].parts[k];
        if (v <= 0) continue;
        o += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" class=\"mark\"><title>{} {}: {}</title></rect>", x,
                         py(base + v), bw, py(base) - py(base + v), c.part_colors[k % c.part_colors.size()], html_escape(c.bars[i].label),
                         html_escape(c.part_names[k]), fmt_num(v));
        base += v;
      }
      if (n <= 24) {
        o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\" transform=\"rotate(-35 {:.1f} {:.1f})\">{}</text>", x + bw / 2,
                         fr.y0() + 14, x + bw / 2, fr.y0() + 14, html_escape(c.bars[i].label));
      }
    }
    auto hline = [&](double v, const std::string& label, const char* cls) {
      o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"limit-label\">{}</text>",
                       fr.x0(), py(v), fr.x1(), py(v), cls, fr.x1() + 4, py(v) + 4, html_escape(label));
    };
    if (c.limit) hline(*c.limit, c.limit_label, "limit");
    if (c.limit2) hline(*c.limit2, c.limit2_label, "limit2");
    o += fmt::format("<text transform=\"translate(16 {:.1f}) rotate(-90)\" class=\"axis-label\" text-anchor=\"middle\">{}</text>", (fr.y0() + fr.y1()) / 2,
                     html_escape(c.y_label));
  } else {
    auto px = [&](double v) { return fr.x0() + v / top * (fr.x1() - fr.x0()); };
    for (double v = 0; v <= top + 1e-9; v += step) {
      o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                       px(v), fr.y1(), px(v), fr.y0(), px(v), fr.y0() + 16, fmt_num(v));
    }
    const double slot = (fr.y0() - fr.y1()) / static_cast<double>(n);
    const double bh = std::max(1.0, slot * 0.6);
    for (size_t i = 0; i < c.bars.size(); ++i) {
      double base = 0;
      const double y = fr.y1() + slot * static_cast<double>(i) + (slot - bh) / 2;
      for (size_t k = 0; k < c.bars[i].parts.size(); ++k) {
        const double v = c.bars[i].parts[k];
        if (v <= 0) continue;
        o += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" class=\"mark\"><title>{} {}: {}</title></rect>", px(base), y,
                         px(base + v) - px(base), bh, c.part_colors[k % c.part_colors.size()], html_escape(c.bars[i].label),
                         html_escape(c.part_names[k]), fmt_num(v));
        base += v;
      }
      o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>", fr.x0() - 6, y + bh / 2 + 4, html_escape(c.bars[i].label));
    }
    o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis-label\" text-anchor=\"middle\">{}</text>", (fr.x0() + fr.x1()) / 2, fr.h - 10.0,
                     html_escape(c.y_label));
  }
  std::vector<std::pair<std::string, std::string>> items;
  for (size_t k = 0; k < c.part_names.size(); ++k) items.emplace_back(c.part_names[k], c.part_colors[k % c.part_colors.size()]);
  if (c.part_names.size() > 1 || c.horizontal) o += legend(items, fr.w - fr.right + 14, fr.y1() + 4);
  return o + "</svg>";
}

std::string render_gantt_chart(const GanttChart& c) {
  Frame fr;
  fr.w = c.width;
  size_t longest = 0;
  for (const auto& l : c.lanes) longest = std::max(longest, l.size());
  fr.left = 16 + 6.5 * static_cast<double>(longest);
  std::vector<std::string> names;
  for (const auto& [name, color] : c.legend) names.push_back(name);
  fr.right = legend_room(names);
  fr.h = static_cast<int>(fr.top + fr.bottom) + c.lane_height * static_cast<int>(std::max<size_t>(1, c.lanes.size()));
  fr.h = std::max(fr.h, static_cast<int>(fr.top + 16 * c.legend.size() + 10));
  double xmax = 0;
  for (const auto& b : c.bars) xmax = std::max(xmax, b.end);
  const double step = nice_step(xmax > 0 ? xmax : 1, 8);
  const double xtop = std::max(step, std::ceil(xmax / step) * step);
  auto px = [&](double x) { return fr.x0() + x / xtop * (fr.x1() - fr.x0()); };
  auto lane_y = [&](size_t lane) { return fr.top + static_cast<double>(lane) * c.lane_height; };
  std::string o = header(fr.w, fr.h, c.title);
  const double bottom = lane_y(c.lanes.size());
  for (double x = 0; x <= xtop + 1e-12; x += step) {
    o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"middle\">{}</text>",
                     px(x), fr.top, px(x), bottom, px(x), bottom + 14, fmt_num(x));
  }
  o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis-label\" text-anchor=\"middle\">{}</text>", (fr.x0() + fr.x1()) / 2, bottom + 32, html_escape(c.x_label));
  for (size_t i = 0; i < c.lanes.size(); ++i) {
    o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>", fr.x0() - 6, lane_y(i) + c.lane_height * 0.7, html_escape(c.lanes[i]));
  }
  for (const auto& b : c.bars) {
    if (b.lane >= c.lanes.size() || b.end <= b.start) continue;
    o += fmt::format("<rect class=\"mark\" x=\"{:.2f}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}</title></rect>", px(b.start),
                     lane_y(b.lane) + 2, std::max(0.5, px(b.end) - px(b.start)), c.lane_height - 4.0, b.color, html_escape(b.tooltip));
  }
  o += legend(c.legend, fr.x1() + 12, fr.top);
  o += "</svg>";
  return o;
}

std::string render_scatter_chart(const ScatterChart& c) {
  Frame fr;
  fr.w = c.width;
  fr.h = c.height;
  std::vector<std::string> names;
  for (const auto& [name, color] : c.legend) names.push_back(name);
  fr.right = legend_room(names);
  fr.w = c.width + static_cast<int>(std::max(0.0, fr.right - 170));
  double xmax = 0, ymax = 0;
  for (const auto& p : c.points) {
    xmax = std::max(xmax, p.x);
    ymax = std::max(ymax, p.y);
  }
  const double xstep = nice_step(xmax > 0 ? xmax : 1, 6), ystep = nice_step(ymax > 0 ? ymax : 1, 5);
  const double xtop = std::max(xstep, std::ceil(xmax / xstep) * xstep), ytop = std::max(ystep, std::ceil(ymax / ystep) * ystep);
  auto px = [&](double x) { return fr.x0() + x / xtop * (fr.x1() - fr.x0()); };
  auto py = [&](double y) { return fr.y0() - y / ytop * (fr.y0() - fr.y1()); };
  std::string o = header(fr.w, fr.h, c.title);
  for (double y = 0; y <= ytop + 1e-12; y += ystep) {
    o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/><text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>",
                     fr.x0(), py(y), fr.x1(), py(y), fr.x0() - 6, py(y) + 4, fmt_num(y));
  }
  for (double x = 0; x <= xtop + 1e-12; x += xstep) {
    o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"middle\">{}</text>", px(x), fr.y0() + 16, fmt_num(x));
  }
  o += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" class=\"axis\"/><line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{3:.1f}\" class=\"axis\"/>",
                   fr.x0(), fr.y0(), fr.x1(), fr.y1());
  o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis-label\" text-anchor=\"middle\">{}</text>", (fr.x0() + fr.x1()) / 2, fr.y0() + 36, html_escape(c.x_label));
  o += fmt::format("<text x=\"14\" y=\"{:.1f}\" class=\"axis-label\" transform=\"rotate(-90 14 {:.1f})\" text-anchor=\"middle\">{}</text>", (fr.y0() + fr.y1()) / 2,
                   (fr.y0() + fr.y1()) / 2, html_escape(c.y_label));
  std::vector<const ScatterPoint*> front;
  for (const auto& p : c.points) if (p.on_front) front.push_back(&p);
  std::sort(front.begin(), front.end(), [](const ScatterPoint* a, const ScatterPoint* b) { return a->x < b->x; });
  if (front.size() > 1) {
    std::string pts;
    for (const ScatterPoint* p : front) pts += fmt::format("{:.1f},{:.1f} ", px(p->x), py(p->y));
    o += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"#1d2330\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>", pts);
  }
  for (const auto& p : c.points) {
    o += fmt::format("<circle class=\"mark\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\" fill-opacity=\"0.8\"{}><title>{}</title></circle>", px(p.x), py(p.y),
                     p.on_front ? 5 : 3.5, p.color, p.on_front ? " stroke=\"#1d2330\" stroke-width=\"1.5\"" : "", html_escape(p.tooltip));
  }
  o += legend(c.legend, fr.x1() + 12, fr.y1());
  o += "</svg>";
  return o;
}

}  // namespace aifabric
