// The sweep page: a cost-performance scatter with the Pareto front (svg_chart), the front as a table, the refusals.
#include "sweep/sweep_html.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "core/number_format.h"
#include "report/html_page.h"
#include "report/svg_chart.h"

namespace aifabric {

namespace {

bool ran(const SweepRow& r) { return r.built && r.reason.empty(); }
bool by_job(const std::vector<SweepRow>& rows) {
  return std::any_of(rows.begin(), rows.end(), [](const SweepRow& r) { return ran(r) && r.mfu.has_value(); });
}
double performance(const SweepRow& r, bool job) { return job ? r.mfu.value_or(0) * 100 : r.design.busbw_gbs; }

std::string settings(const SweepGrid& g, const SweepRow& r) {
  std::string o;
  for (size_t k = 0; k < g.axes.size() && k < r.labels.size(); ++k) o += fmt::format("{}{} = {}", k ? ", " : "", g.axes[k].field, r.labels[k]);
  return o;
}

}  // namespace

std::vector<bool> sweep_pareto_front(const std::vector<SweepRow>& rows) {
  const bool job = by_job(rows);
  std::vector<size_t> order;
  for (size_t i = 0; i < rows.size(); ++i) if (ran(rows[i])) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const double ca = rows[a].design.network_cost_usd, cb = rows[b].design.network_cost_usd;
    if (ca != cb) return ca < cb;
    const double pa = performance(rows[a], job), pb = performance(rows[b], job);
    if (pa != pb) return pa > pb;
    return a < b;
  });
  std::vector<bool> front(rows.size(), false);
  double best = -1;
  for (size_t i : order) {
    const double p = performance(rows[i], job);
    if (p > best) {
      front[i] = true;
      best = p;
    }
  }
  return front;
}

std::string render_sweep_html(const SweepGrid& g, const std::vector<SweepRow>& rows, size_t color_axis) {
  const bool job = by_job(rows);
  const std::vector<bool> front = sweep_pareto_front(rows);
  const SweepAxis& by = g.axes.at(color_axis);
  ScatterChart c;
  c.title = job ? "Network cost against the job's MFU" : "Network cost against bus bandwidth";
  c.x_label = "network cost (USD, indicative)";
  c.y_label = job ? "MFU (%)" : "bus bandwidth (GB/s)";
  for (size_t v = 0; v < by.labels.size() && v < 10; ++v) c.legend.push_back({fmt::format("{} = {}", by.field, by.labels[v]), palette(v)});
  if (by.labels.size() > 10) c.legend.push_back({"(colours repeat after 10 values)", palette(7)});
  int64_t ran_count = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const SweepRow& r = rows[i];
    if (!ran(r)) continue;
    ++ran_count;
    c.points.push_back({r.design.network_cost_usd, performance(r, job), palette(color_axis < r.labels.size() ? std::distance(by.labels.begin(), std::find(by.labels.begin(), by.labels.end(), r.labels[color_axis])) : 0),
                        fmt::format("point {}: {}; {}, {:.1f} network kW, {} {}", r.index, settings(g, r), usd(r.design.network_cost_usd), r.design.network_kw,
                                    job ? fmt::format("{:.1f}% MFU", performance(r, job)) : fmt::format("{:.1f} GB/s", r.design.busbw_gbs),
                                    front[i] ? " (on the Pareto front)" : ""),
                        front[i]});
  }
  std::string body = "<section><h2>Every design</h2>";
  body += html_figure("sweep-pareto", render_scatter_chart(c),
                      html_escape(fmt::format("{} of {} points ran; the dashed line joins the Pareto front (no other design is as cheap and as {}); "
                                              "colours: {}; hover a point for its settings.",
                                              ran_count, rows.size(), job ? "efficient" : "fast", by.field)));
  body += "</section><section><h2>The Pareto front</h2><table><tr><th class=\"num\">point</th>";
  for (const SweepAxis& a : g.axes) body += fmt::format("<th>{}</th>", html_escape(a.field));
  body += fmt::format("<th class=\"num\">network cost</th><th class=\"num\">network kW</th><th class=\"num\">switches</th><th class=\"num\">{}</th></tr>",
                      job ? "MFU %" : "busbw GB/s");
  std::vector<size_t> on;
  for (size_t i = 0; i < rows.size(); ++i) if (front[i]) on.push_back(i);
  std::sort(on.begin(), on.end(), [&](size_t a, size_t b) { return rows[a].design.network_cost_usd < rows[b].design.network_cost_usd || (rows[a].design.network_cost_usd == rows[b].design.network_cost_usd && a < b); });
  for (size_t i : on) {
    const SweepRow& r = rows[i];
    body += fmt::format("<tr><td class=\"num\">{}</td>", r.index);
    for (const auto& l : r.labels) body += fmt::format("<td>{}</td>", html_escape(l));
    body += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{:.1f}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}</td></tr>", usd(r.design.network_cost_usd),
                        r.design.network_kw, with_thousands(r.design.switches), performance(r, job));
  }
  body += "</table></section>";
  std::string refused;
  int64_t refusals = 0;
  for (const SweepRow& r : rows) {
    if (ran(r)) continue;
    if (++refusals <= 50) refused += fmt::format("<li>point {} ({}): {}: {}</li>", r.index, html_escape(settings(g, r)), r.built ? "not run" : "not built", html_escape(r.reason));
  }
  if (refusals > 0) {
    body += fmt::format("<section><h2>Points that did not run ({})</h2><ul class=\"note\">{}</ul>{}</section>", refusals, refused,
                        refusals > 50 ? "<p class=\"note\">(the first 50; every one is in the CSV and JSON output)</p>" : "");
  }
  const SweepWorkload& w = g.workload;
  return html_document("aifabric sweep", fmt::format("Design sweep: {} points", rows.size()),
                       fmt::format("{} over {} (base {}); {} of {} per rank over {}, {} backend{}", g.file, g.axes.size() == 1 ? "one axis" : fmt::format("{} axes", g.axes.size()),
                                   g.base_file, w.collective, w.size, w.group, w.backend, w.job.empty() ? "" : fmt::format("; one step of {}", w.job)),
                       body);
}

}  // namespace aifabric
