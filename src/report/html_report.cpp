// The HTML report: one self-contained file (inline CSS and SVG, no network), plots and tables of a run.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/number_format.h"
#include "plan/device_directory.h"
#include "report/compare_report.h"
#include "report/html_page.h"
#include "report/rack_elevation.h"
#include "report/run_results.h"
#include "report/step_timeline_chart.h"
#include "report/svg_chart.h"

namespace aifabric {

namespace {

std::string th(int64_t v) { return with_thousands(v); }
std::string e(const std::string& s) { return html_escape(s); }

const char* kStyle = R"CSS(
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2f4f;color:#fff;padding:18px 28px}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;opacity:.8}
main{padding:10px 28px 40px;max-width:1200px}
section{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:14px 20px;margin:16px 0}
h2{font-size:17px;margin:4px 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:10px 16px;min-width:150px}
.card b{display:block;font-size:20px}.card span{font-size:12px;color:#5b6475}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border-bottom:1px solid #e3e6eb;padding:4px 8px;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#2f7d3a}.warn{color:#b36b00}.fail{color:#b3261e;font-weight:600}.manual{color:#5b6475}
figure{margin:8px 0}figcaption{font-size:12px;color:#5b6475;max-width:760px}
svg text{font-family:inherit}.chart-title{font-size:14px;font-weight:600}.tick{font-size:11px;fill:#5b6475}.legend{font-size:12px}
.axis-label{font-size:12px;fill:#1d2330}.grid{stroke:#e3e6eb}.axis{stroke:#1d2330}.limit{stroke:#b3261e;stroke-dasharray:6 4}
.limit2{stroke:#b36b00;stroke-dasharray:3 3}.limit-label{font-size:11px;fill:#b3261e}
.note{font-size:13px;color:#5b6475}.partial{background:#fff3cd;padding:8px 12px;border-radius:6px}
.grid figure{display:inline-block;vertical-align:top;margin-right:12px}
)CSS";

// Self-check for the browser test: counts marks per plot and records script errors into the DOM.
const char* kSelfCheck = R"JS(
window.__errors=[];window.addEventListener('error',function(ev){window.__errors.push(String(ev.message));});
document.addEventListener('DOMContentLoaded',function(){
  var plots=document.querySelectorAll('figure.plot'),res={plots:plots.length,empty:[],errors:window.__errors};
  plots.forEach(function(p){if(p.querySelectorAll('.mark').length===0)res.empty.push(p.getAttribute('data-plot'));});
  var out=document.getElementById('selfcheck');out.setAttribute('data-result',JSON.stringify(res));
  out.textContent='self-check: '+res.plots+' plots, '+res.empty.length+' empty, '+res.errors.length+' script errors';
});
)JS";

std::string figure(const std::string& name, const std::string& svg, const std::string& caption) {
  return fmt::format("<figure class=\"plot\" data-plot=\"{}\">{}<figcaption>{}</figcaption></figure>\n", name, svg, caption);
}

// Topology by tier for plane 0, aggregated into at most 16 boxes per tier, edges weighted by link count.
std::string topology_svg(const Plan& plan) {
  const Fabric& f = plan.fabric;
  const int tiers = f.tiers;
  // Display group of each switch node in plane 0.
  std::vector<int64_t> group(f.nodes.size(), -1);
  std::vector<int64_t> groups_in_tier(static_cast<size_t>(tiers + 1), 0);
  // Leaves: pods (3-tier, via their first uplink), scalable units (rails), else chunks.
  std::vector<uint32_t> pod_of_leaf(f.nodes.size(), 0);
  for (const Link& l : f.links) {
    if (l.plane == 0 && l.tier == 2 && f.tiers == 3) pod_of_leaf[l.lower.value()] = f.nodes[l.upper.value()].group;
  }
  for (int t = 1; t <= tiers; ++t) {
    const uint32_t b = f.first_of(0, t), en = f.end_of(0, t);
    const int64_t count = en - b;
    std::vector<int64_t> raw(count);
    for (int64_t i = 0; i < count; ++i) {
      const Node& n = f.nodes[b + i];
      if (t == 1) raw[i] = f.tiers == 3 ? pod_of_leaf[b + i] : (f.topology != Topology::Clos ? n.group : i);
      else if (t == 2) raw[i] = f.tiers == 3 ? n.group : 0;
      else raw[i] = n.group;
    }
    int64_t distinct = 0;
    std::map<int64_t, int64_t> ids;
    for (int64_t v : raw) if (!ids.count(v)) ids[v] = distinct++;
    const int64_t per_box = (distinct + 15) / 16;
    for (int64_t i = 0; i < count; ++i) group[b + i] = ids[raw[i]] / std::max<int64_t>(1, per_box);
    groups_in_tier[t] = (distinct + per_box - 1) / std::max<int64_t>(1, per_box);
  }
  std::vector<std::vector<int64_t>> members(static_cast<size_t>(tiers + 1));
  for (int t = 1; t <= tiers; ++t) {
    members[t].assign(static_cast<size_t>(groups_in_tier[t]), 0);
    for (uint32_t i = f.first_of(0, t); i < f.end_of(0, t); ++i) ++members[t][group[i]];
  }
  // Servers under each tier-1 box; edges between boxes.
  std::vector<int64_t> servers_under(static_cast<size_t>(groups_in_tier[1]), 0), nics_under(static_cast<size_t>(groups_in_tier[1]), 0);
  std::map<std::tuple<int, int64_t, int64_t>, int64_t> edges;
  std::vector<int64_t> last_server(static_cast<size_t>(groups_in_tier[1]), -1);
  for (const Link& l : f.links) {
    if (l.plane != 0) continue;
    if (l.tier == 1) {
      const int64_t g = group[l.upper.value()];
      ++nics_under[g];
      const int64_t srv = f.nodes[l.lower.value()].group;
      if (last_server[g] != srv) { ++servers_under[g]; last_server[g] = srv; }
    } else {
      ++edges[{l.tier, group[l.lower.value()], group[l.upper.value()]}];
    }
  }
  const int W = 980, row_h = 110, H = row_h * (tiers + 1) + 50;
  std::string o = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" width=\"{0}\" height=\"{1}\" role=\"img\">"
                              "<title>topology</title><text x=\"12\" y=\"22\" class=\"chart-title\">{2}</text>",
                              W, H, e(fmt::format("Topology of plane 0{} ({} tiers, {})", f.planes > 1 ? fmt::format(" of {} identical planes", f.planes) : "",
                                                  f.tiers, to_string(f.topology))));
  auto box_x = [&](int t, int64_t g) {
    const int64_t n = t == 0 ? groups_in_tier[1] : groups_in_tier[t];
    const double slot = (W - 40.0) / static_cast<double>(std::max<int64_t>(1, n));
    return 20 + slot * (static_cast<double>(g) + 0.5);
  };
  auto box_y = [&](int t) { return H - 40.0 - row_h * t; };
  int64_t max_edge = 1;
  for (const auto& [k, n] : edges) max_edge = std::max(max_edge, n);
  for (const auto& [k, n] : edges) {
    const auto& [t, lo, up] = k;
    o += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#8aa0c2\" stroke-width=\"{:.1f}\" class=\"mark\"><title>{} links</title></line>",
                     box_x(t - 1, lo), box_y(t - 1) - 14, box_x(t, up), box_y(t) + 14, 0.6 + 4.0 * std::log1p(static_cast<double>(n)) / std::log1p(static_cast<double>(max_edge)), n);
  }
  for (int64_t g = 0; g < groups_in_tier[1]; ++g) {
    o += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#8aa0c2\" stroke-width=\"1.5\" class=\"mark\"/>", box_x(0, g), box_y(0) - 14, box_y(1) + 14);
  }
  const std::string role_name[4] = {"servers", std::string(to_string(f.tier[1].role)), tiers >= 2 ? std::string(to_string(f.tier[2].role)) : "",
                                     tiers >= 3 ? std::string(to_string(f.tier[3].role)) : ""};
  auto box = [&](int t, int64_t g, const std::string& line1, const std::string& line2, const char* fill) {
    const double x = box_x(t, g), y = box_y(t);
    const int64_t n = t == 0 ? groups_in_tier[1] : groups_in_tier[t];
    const double w = std::min(150.0, (W - 40.0) / static_cast<double>(std::max<int64_t>(1, n)) - 6);
    o += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"28\" rx=\"4\" fill=\"{}\" stroke=\"#1d2f4f\" class=\"mark\"/>", x - w / 2, y - 14, w, fill);
    // Labels only where they fit: about 6 px a character at this size.
    if (static_cast<double>(line1.size()) * 6.0 < w) {
      o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" class=\"tick\" style=\"fill:#1d2330\">{}</text>", x, y - 2, e(line1));
    }
    if (static_cast<double>(line2.size()) * 6.0 < w) {
      o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" class=\"tick\">{}</text>", x, y + 10, e(line2));
    }
  };
  for (int64_t g = 0; g < groups_in_tier[1]; ++g) box(0, g, fmt::format("{} servers", th(servers_under[g])), fmt::format("{} NICs", th(nics_under[g])), "#eef3ea");
  const char* fills[4] = {"", "#e8eef7", "#dfe7f5", "#d5def0"};
  for (int t = 1; t <= tiers; ++t) {
    for (int64_t g = 0; g < groups_in_tier[t]; ++g) box(t, g, fmt::format("{} {}", th(members[t][g]), role_name[t]), f.tier[t].model->name, fills[t]);
    o += fmt::format("<text x=\"{}\" y=\"{:.1f}\" class=\"tick\">tier {}: {} x {} per plane</text>", 12, box_y(t) - 22, t, th(f.tier[t].per_plane),
                     e(f.tier[t].model->name));
  }
  return o + "</svg>";
}

std::string power_breakdown(const Plan& plan) {
  BarChart c;
  c.title = "Power by source (kW, IT)";
  c.y_label = "kW";
  c.part_names = {"switches", "optics", "servers", "front-end network"};
  c.part_colors = {palette(0), palette(1), palette(7), palette(4)};
  const PowerSummary& p = plan.power;
  c.bars.push_back({"network only", {p.switches_w / 1000, p.optics_w / 1000, 0, p.front_end_w / 1000}});
  c.bars.push_back({"whole cluster", {p.switches_w / 1000, p.optics_w / 1000, p.servers_w / 1000, p.front_end_w / 1000}});
  c.width = 520;
  return render_bar_chart(c);
}

std::string rack_power(const Plan& plan) {
  // The 40 most loaded racks (network racks first in ties), against the rack limits.
  std::vector<size_t> idx(plan.racks.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return plan.racks[a].it_power_w > plan.racks[b].it_power_w; });
  if (idx.size() > 40) idx.resize(40);
  BarChart c;
  c.title = fmt::format("IT power per rack, {} most loaded of {} (kW)", idx.size(), plan.racks.size());
  c.y_label = "kW";
  c.part_names = {"servers", "switches", "optics"};
  c.part_colors = {palette(7), palette(0), palette(1)};
  for (size_t i : idx) {
    const Rack& r = plan.racks[i];
    const double servers = r.kind == RackKind::Server && plan.spec.power.include_servers ? static_cast<double>(r.servers) * plan.fabric.server->power_w : 0;
    const double switches = std::max(0.0, r.it_power_w - r.optics_power_w - servers);
    c.bars.push_back({fmt::format("{} {}", r.kind == RackKind::Server ? "srv" : "net", i), {servers / 1000, switches / 1000, r.optics_power_w / 1000}});
  }
  c.limit = plan.spec.power.rack_power_limit_kw;
  c.limit_label = fmt::format("power limit {:.0f} kW", plan.spec.power.rack_power_limit_kw);
  c.limit2 = plan.spec.power.rack_air_cooling_limit_kw;
  c.limit2_label = fmt::format("air cooling {:.0f} kW", plan.spec.power.rack_air_cooling_limit_kw);
  return render_bar_chart(c);
}

std::string length_histogram(const Plan& plan) {
  static const double edges[] = {0, 3, 7, 15, 30, 50, 100, 200, 500, 2000, 1e9};
  static const char* names[] = {"<3 m", "3-7 m", "7-15 m", "15-30 m", "30-50 m", "50-100 m", "100-200 m", "200-500 m", "0.5-2 km", ">2 km"};
  const size_t bins = 10;
  std::vector<std::string> media;
  for (const auto& c : plan.choices) media.push_back(c.label());
  std::vector<std::vector<double>> counts(bins, std::vector<double>(plan.choices.size(), 0));
  for (size_t i = 0; i < plan.fabric.links.size(); ++i) {
    const double len = plan.link_length_m[i];
    size_t b = 0;
    while (b + 1 < bins && len >= edges[b + 1]) ++b;
    counts[b][plan.link_choice[i]] += 1;
  }
  BarChart c;
  c.title = "Link lengths and the medium chosen per band (links)";
  c.y_label = "links";
  c.part_names = media;
  for (size_t k = 0; k < media.size(); ++k) c.part_colors.push_back(palette(k));
  size_t last = 0;
  for (size_t b = 0; b < bins; ++b) for (double v : counts[b]) if (v > 0) last = b;
  for (size_t b = 0; b <= last; ++b) c.bars.push_back({names[b], counts[b]});
  c.width = 900;
  return render_bar_chart(c);
}

std::string busbw_chart(const RunResults& r) {
  LineChart c;
  c.title = "All-reduce bus bandwidth vs message size";
  c.x_label = "message size (log scale)";
  c.y_label = "busbw (GB/s)";
  c.log2_x = true;
  size_t k = 0;
  for (const auto& [backend, s] : r.sweeps) {
    Series se;
    se.name = backend == "analytic" ? "analytic bound" : backend + " backend";
    se.color = palette(k++);
    se.dashed = backend == "analytic";
    for (const auto& row : s.rows) se.points.emplace_back(static_cast<double>(row.bytes), row.busbw_gbs);
    c.series.push_back(se);
  }
  return render_line_chart(c);
}

std::string utilisation_chart(const RunResults& r) {
  BarChart c;
  c.title = "Link utilisation by tier, largest all-reduce (flow backend, %)";
  c.y_label = "%";
  c.part_names = {"mean over the tier's links"};
  c.part_colors = {palette(0)};
  for (const auto& u : r.utilisation) c.bars.push_back({fmt::format("tier {} mean", u.tier), {100 * u.mean}});
  for (const auto& u : r.utilisation) c.bars.push_back({fmt::format("tier {} max", u.tier), {100 * u.max}});
  c.limit = 100;
  c.limit_label = "line rate";
  c.width = 560;
  return render_bar_chart(c);
}

std::string over_time(const std::vector<TierSample>& timeline, bool queues) {
  LineChart c;
  c.title = queues ? "Queue depth by tier over time (packet level, KiB)" : "Link utilisation by tier over time (packet level, %)";
  c.x_label = "simulated time (us)";
  c.y_label = queues ? "KiB" : "%";
  const size_t tiers = timeline.empty() ? 0 : timeline.front().utilisation.size();
  for (size_t t = 0; t < tiers; ++t) {
    Series mean, peak;
    mean.name = fmt::format("tier {}{}", t + 1, queues ? " mean" : "");
    mean.color = palette(t);
    peak.name = fmt::format("tier {} max", t + 1);
    peak.color = palette(t);
    peak.dashed = true;
    for (const auto& smp : timeline) {
      const double x = static_cast<double>(smp.t_ps) * 1e-6;
      if (queues) {
        mean.points.emplace_back(x, static_cast<double>(smp.queue_mean_bytes[t]) / 1024);
        peak.points.emplace_back(x, static_cast<double>(smp.queue_max_bytes[t]) / 1024);
      } else {
        mean.points.emplace_back(x, 100 * smp.utilisation[t]);
      }
    }
    c.series.push_back(mean);
    if (queues) c.series.push_back(peak);
  }
  return render_line_chart(c);
}

std::string step_timeline(const StepResult& s) {
  BarChart c;
  c.title = "One training step: compute and exposed communication (ms)";
  c.y_label = "ms";
  c.horizontal = true;
  c.part_names = {"compute", "pipeline bubble", "tensor (exposed)", "pipeline (exposed)", "expert (exposed)", "data (exposed)", "context (exposed)"};
  c.part_colors = {palette(2), palette(7), palette(4), palette(5), palette(6), palette(3), palette(1)};
  std::vector<double> parts(7, 0);
  parts[0] = s.compute.seconds() * 1e3;
  parts[1] = s.bubble.seconds() * 1e3;
  for (const auto& cm : s.comms) {
    const double ms = cm.exposed.seconds() * 1e3;
    if (cm.parallelism == "tensor") parts[2] += ms;
    else if (cm.parallelism == "pipeline") parts[3] += ms;
    else if (cm.parallelism == "expert") parts[4] += ms;
    else if (cm.parallelism == "context") parts[6] += ms;
    else parts[5] += ms;
  }
  c.bars.push_back({s.fabric, parts});
  c.height = 150;
  c.width = 900;
  return render_bar_chart(c);
}

std::string card(const std::string& value, const std::string& label) { return fmt::format("<div class=\"card\"><b>{}</b><span>{}</span></div>", e(value), e(label)); }

}  // namespace

std::string render_comparison_html(const Comparison& c) {
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>aifabric compare</title><style>" + std::string(kStyle) +
                  "</style><script>" + kSelfCheck + "</script></head><body>\n";
  o += "<header><h1>Designs side by side</h1><p>" + e(c.workload) + "</p></header><main>\n<section class=\"grid\">";
  auto chart = [&](const std::string& name, const std::string& title, const std::string& unit, auto value) {
    BarChart b;
    b.title = title;
    b.y_label = unit;
    b.part_names = {unit};
    b.part_colors = {palette(0)};
    for (const auto& d : c.designs) b.bars.push_back({d.name, {value(d)}});
    b.width = 560;
    b.height = 320;
    o += figure(name, render_bar_chart(b), "");
  };
  chart("cost", "Network cost (indicative)", "USD", [](const DesignResult& d) { return d.network_cost_usd; });
  chart("power", "Network power (IT)", "kW", [](const DesignResult& d) { return d.network_kw; });
  chart("busbw", "Bus bandwidth of the workload", "GB/s", [](const DesignResult& d) { return d.busbw_gbs; });
  if (!c.designs.empty() && c.designs.front().utilisation) {
    chart("utilisation", "XPU utilisation of the training step", "%", [](const DesignResult& d) { return d.utilisation ? 100 * *d.utilisation : 0.0; });
  }
  o += "</section><section><table><tr><th>design</th><th>what</th><th class=\"num\">XPUs</th><th class=\"num\">switches</th><th class=\"num\">modules</th>"
       "<th class=\"num\">network kW</th><th class=\"num\">cost</th><th class=\"num\">bisection Tb/s</th><th class=\"num\">busbw GB/s</th>"
       "<th class=\"num\">time ms</th><th class=\"num\">utilisation</th></tr>";
  for (const auto& d : c.designs) {
    o += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}</td>"
                     "<td class=\"num\">{}</td><td class=\"num\">{:.1f}</td><td class=\"num\">{:.2f}</td><td class=\"num\">{:.3f}</td><td class=\"num\">{}</td></tr>",
                     e(d.name), e(d.description), th(d.xpus), th(d.switches), th(d.optical_modules), d.network_kw, usd(d.network_cost_usd), d.bisection_tbps,
                     d.busbw_gbs, d.collective_time.seconds() * 1e3, d.utilisation ? fmt::format("{:.1f}%", 100 * *d.utilisation) : "-");
  }
  o += "</table></section>\n";
  if (!c.packet_workload.empty()) {
    o += "<section><h2>Packet level: " + e(c.packet_workload) + "</h2><section class=\"grid\">";
    chart("fct-max", "Last flow's completion time", "us", [](const DesignResult& d) { return d.packet ? d.packet->fct_max_us : 0.0; });
    chart("victims", "Victims' p99 completion time (flows not into the hot spot)", "us",
          [](const DesignResult& d) { return d.packet ? std::max(0.0, d.packet->victims_p99_us) : 0.0; });
    o += "</section><table><tr><th>design</th><th>settings</th><th class=\"num\">FCT p99 us</th><th class=\"num\">hot max us</th><th class=\"num\">hot Jain</th>"
         "<th class=\"num\">victim p99 us</th><th class=\"num\">drops</th><th class=\"num\">PFC pauses</th><th class=\"num\">queue p99 B</th>"
         "<th class=\"num\">busiest link</th><th class=\"num\">spread</th></tr>";
    for (const auto& d : c.designs) {
      if (!d.packet) continue;
      const PacketRunSummary& p = *d.packet;
      o += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{:.1f}</td><td class=\"num\">{:.1f}</td><td class=\"num\">{:.3f}</td><td class=\"num\">{:.1f}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}%</td><td class=\"num\">{:.2f}</td></tr>",
                       e(d.name), e(p.settings), p.fct_p99_us, p.hot_max_us, p.hot_jain, p.victims_p99_us, th(p.drops), th(p.pauses), th(p.queue_p99_bytes),
                       100 * p.busiest_link, p.utilisation_spread);
    }
    o += "</table></section>\n";
  }
  o += "<p id=\"selfcheck\" class=\"note\"></p></main></body></html>\n";
  return o;
}

std::string render_html_report(const Plan& plan, const RunResults& r) {
  const Fabric& f = plan.fabric;
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + e("aifabric: " + plan.spec.name) + "</title><style>" + kStyle +
                  "</style><script>" + kSelfCheck + "</script></head><body>\n";
  o += fmt::format("<header><h1>{}</h1><p>{} x {} = {} XPUs &middot; {} &middot; {} &middot; {} tier{} &middot; {} plane{} &middot; {}G host links</p></header><main>\n",
                   e(plan.spec.name), th(f.servers), e(f.server->name), th(f.xpus()), e(std::string(to_string(f.architecture))),
                   e(std::string(to_string(f.topology))), f.tiers, f.tiers > 1 ? "s" : "", f.planes, f.planes > 1 ? "s" : "", f.host_link_gbps);
  if (r.partial) o += "<p class=\"partial\">This run was interrupted: the results below are partial.</p>";
  o += "<div class=\"cards\">";
  o += card(th(f.switch_total()), "switches");
  o += card(th(plan.fibers.optical_modules), "optical modules");
  o += card(with_thousands(std::round((plan.power.switches_w + plan.power.optics_w + plan.power.front_end_w) / 100) / 10) + " kW", "network IT power");
  o += card(with_thousands(static_cast<int64_t>(std::llround(plan.power.facility_w() / 1000))) + " kW", "facility power at PUE");
  o += card(usd(plan.cost_network_usd), "network cost (indicative)");
  o += card(with_thousands(std::round(plan.analysis.bisection_tbps * 10) / 10) + " Tb/s", "bisection bandwidth");
  for (const auto& [backend, s] : r.sweeps) {
    if (backend == "flow" && !s.rows.empty()) o += card(fmt::format("{:.1f} GB/s", s.rows.back().busbw_gbs), fmt::format("all-reduce busbw at {}", with_thousands(s.rows.back().bytes)) + " B");
  }
  if (r.step) {
    o += card(fmt::format("{:.1f}%", 100 * r.step->utilisation), "XPU utilisation (training step)");
    o += card(fmt::format("{:.1f}% MFU", 100 * r.step->mfu), fmt::format("{:.0f} TFLOP/s per XPU (training step)", r.step->tflops_per_xpu));
  }
  o += "</div>\n";

  o += "<section><h2>Topology</h2>" + figure("topology", topology_svg(plan), "Boxes aggregate switches by pod, scalable unit or range; line width grows with the link count.") + "<ul class=\"note\">";
  for (const auto& x : f.explanation) o += "<li>" + e(x) + "</li>";
  o += "</ul></section>\n";

  o += "<section><h2>Bill of materials and power</h2><table><tr><th>item</th><th>kind</th><th>where</th><th class=\"num\">count</th><th class=\"num\">spares</th><th class=\"num\">W each</th><th class=\"num\">cost</th></tr>";
  for (const auto& b : plan.bom) {
    o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}</td><td class=\"num\">{}</td></tr>", e(b.item), e(b.kind),
                     e(b.where), th(b.count), th(b.spares), b.unit_power_w,
                     b.kind == "fibre" ? std::string("not priced") : usd(static_cast<double>(b.count + b.spares) * b.unit_price_usd));
  }
  o += "</table>";
  o += figure("power", power_breakdown(plan), fmt::format("IT {:.1f} kW; facility {:.1f} kW at PUE {:.2f}.", plan.power.it_w() / 1000, plan.power.facility_w() / 1000, plan.power.pue));
  o += figure("rack-power", rack_power(plan), fmt::format("{} racks over the power limit, {} over the air-cooling limit.", plan.racks_over_power.size(), plan.racks_over_cooling.size()));
  {
    const DeviceDirectory dir(plan);
    size_t shown = 0;
    const std::string svg = rack_elevation_svg(plan, dir, 12, &shown);
    o += figure("rack-elevations", svg, fmt::format("Rack elevations, {} of {} racks: devices at their rack units (layout.rack_units {} U), named as in "
                                                    "the cable schedule (cabling/cables.csv).", shown, plan.racks.size(), plan.spec.layout.rack_units));
  }
  if (plan.front_end) {
    const Plan& fe = *plan.front_end;
    o += fmt::format("<h2>Front-end network</h2><p class=\"note\">{} x {}G {} per server on its own Clos ({:.0f}:1 leaf taper): switches {:.1f} kW, optics {:.1f} kW, {}.</p><table>",
                     fe.fabric.nics_per_server, fe.fabric.nic->port_gbps, e(fe.fabric.nic->name), plan.spec.front_end.oversubscription, fe.power.switches_w / 1000,
                     fe.power.optics_w / 1000, usd(fe.cost_network_usd));
    for (const auto& b : fe.bom) {
      o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f} W</td></tr>", e(b.item), e(b.kind), e(b.where), th(b.count), b.unit_power_w);
    }
    o += "</table>";
  }
  o += fmt::format("<p class=\"note\">Fibre: {} strands in the cable plant ({} single-mode, {} multimode), {} fibre positions at modules, {} MPO and {} LC ends.</p></section>\n",
                   th(plan.fibers.strands_smf + plan.fibers.strands_mmf), th(plan.fibers.strands_smf), th(plan.fibers.strands_mmf), th(plan.fibers.module_fiber_positions),
                   th(plan.fibers.mpo_ends), th(plan.fibers.lc_ends));

  o += "<section><h2>Links</h2>" + figure("link-lengths", length_histogram(plan), "Length from the rack layout; the medium is the cheapest or lowest-power part that reaches the longest link sharing its cage.") + "</section>\n";

  if (!r.sweeps.empty()) {
    o += "<section><h2>Collective performance</h2>";
    o += figure("busbw", busbw_chart(r), fmt::format("{} all-reduce over all {} XPUs ({}), NCCL-tests busbw = algbw x 2(n-1)/n.", r.algorithm, th(f.xpus()),
                                                      r.sweeps.front().second.title));
    if (!r.sweeps.front().second.choices.empty()) {
      o += "<p>What NCCL's tuning model chooses, and aifabric runs on this fabric:</p><ul>";
      for (const std::string& c : r.sweeps.front().second.choices) o += "<li>" + e(c) + "</li>";
      o += "</ul>";
    }
    if (!r.utilisation.empty()) o += figure("utilisation", utilisation_chart(r), "Mean and busiest link of each tier while the longest phase of the largest all-reduce runs.");
    o += "<table><tr><th class=\"num\">size (B)</th>";
    for (const auto& [backend, s] : r.sweeps) o += fmt::format("<th class=\"num\">{} time (us)</th><th class=\"num\">{} busbw (GB/s)</th>", e(backend), e(backend));
    o += "</tr>";
    for (size_t i = 0; i < r.sweeps.front().second.rows.size(); ++i) {
      o += fmt::format("<tr><td class=\"num\">{}</td>", th(r.sweeps.front().second.rows[i].bytes));
      for (const auto& [backend, s] : r.sweeps) {
        if (i < s.rows.size()) o += fmt::format("<td class=\"num\">{:.2f}</td><td class=\"num\">{:.2f}</td>", s.rows[i].time.seconds() * 1e6, s.rows[i].busbw_gbs);
      }
      o += "</tr>";
    }
    o += "</table></section>\n";
  }
  if (!r.timeline.empty()) {
    o += "<section><h2>Over time, packet by packet</h2>";
    o += figure("utilisation-over-time", over_time(r.timeline, false), e(r.timeline_title));
    o += figure("queues-over-time", over_time(r.timeline, true), "Mean and largest output queue of each tier at every sampling instant.");
    o += "</section>\n";
  }
  if (!r.failure_timeline.empty()) {
    o += "<section><h2>When a spine fails</h2>";
    o += figure("failure-over-time", over_time(r.failure_timeline, false), e(r.failure_title));
    o += "<ul class=\"note\">";
    for (const auto& x : r.failure_findings) o += "<li>" + e(x) + "</li>";
    o += "</ul></section>\n";
  }
  if (r.step) {
    const StepResult& s = *r.step;
    o += "<section><h2>Training step</h2>" + figure("step", step_timeline(s), fmt::format("{} ({}): step {:.1f} ms, XPU utilisation {:.1f}%, MFU {:.1f}%, {:.0f} TFLOP/s per XPU, {} tokens/s; compute by {}.",
                                                                                     e(s.job), e(r.job_source), s.step.seconds() * 1e3, 100 * s.utilisation, 100 * s.mfu,
                                                                                     s.tflops_per_xpu, with_thousands(static_cast<int64_t>(s.tokens_per_s)), e(s.compute_model)));
    const StepTimelineChart lanes = step_timeline_chart(s);
    if (!lanes.svg.empty()) o += figure("step-timeline", lanes.svg, e(lanes.caption));
    o += "<table><tr><th>parallelism</th><th>collective</th><th class=\"num\">group</th><th class=\"num\">count</th><th class=\"num\">each (ms)</th><th class=\"num\">exposed (ms)</th><th>how</th></tr>";
    for (const auto& c : s.comms) {
      o += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3f}</td><td class=\"num\">{:.2f}</td><td>{}</td></tr>", e(c.parallelism),
                       e(c.collective), th(c.group_size), th(c.count), c.each.seconds() * 1e3, c.exposed.seconds() * 1e3, e(c.explanation));
    }
    o += "</table></section>\n";
  }

  const Analysis& a = plan.analysis;
  o += "<section><h2>Capacity, scale and failure domains</h2><table><tr><th>tier</th><th class=\"num\">switches</th><th class=\"num\">down Tb/s</th><th class=\"num\">up Tb/s</th><th class=\"num\">down:up</th><th class=\"num\">free ports</th></tr>";
  for (const auto& t : a.tiers) {
    o += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1f}</td><td class=\"num\">{:.1f}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>", e(t.role), th(t.switches),
                     t.down_tbps, t.up_tbps, t.oversubscription > 0 ? fmt::format("{:.2f}:1", t.oversubscription) : "", th(t.free_ports));
  }
  o += fmt::format("</table><p class=\"note\">Bisection {:.1f} Tb/s of {:.1f} Tb/s host bandwidth: {}.</p>", a.bisection_tbps, a.host_tbps, e(a.bisection_note));
  o += "<table><tr><th class=\"num\">planes</th><th class=\"num\">link</th><th class=\"num\">radix</th><th class=\"num\">2-tier XPUs</th><th class=\"num\">3-tier XPUs</th></tr>";
  for (const auto& s : a.scale) {
    o += fmt::format("<tr><td class=\"num\">{}</td><td class=\"num\">{}G</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>", s.planes, s.link_gbps, s.radix,
                     th(s.max_xpus_2), th(s.max_xpus_3));
  }
  o += "</table><table><tr><th>failure</th><th class=\"num\">XPUs cut off</th><th class=\"num\">degraded</th><th class=\"num\">bandwidth lost</th><th>what happens</th></tr>";
  for (const auto& d : a.failures) {
    o += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2f}% ({:.2f}% locally)</td><td>{}</td></tr>", e(d.element), th(d.xpus_cut_off),
                     th(d.xpus_degraded), d.fabric_bandwidth_lost_pct, d.local_bandwidth_lost_pct, e(d.explanation));
  }
  o += "</table></section>\n";

  o += "<section><h2>Deployment checks</h2><table><tr><th>status</th><th>check</th><th>detail</th></tr>";
  for (const auto& c : plan.checks) {
    const std::string st(to_string(c.status));
    o += fmt::format("<tr><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>", st, st, e(c.title), e(c.detail));
  }
  o += "</table><h2>Form factor</h2><p>" + e(plan.advice_summary) + "</p><ul class=\"note\">";
  for (const auto& x : plan.advice) o += "<li>" + e(x.factor + ": " + x.recommendation + " (" + x.rationale + ")") + "</li>";
  o += "</ul>";
  if (!plan.notes.empty()) {
    o += "<h2>Notes on disagreeing public figures</h2><ul class=\"note\">";
    for (const auto& n : plan.notes) o += "<li>" + e(n) + "</li>";
    o += "</ul>";
  }
  o += "</section>\n<p id=\"selfcheck\" class=\"note\"></p></main></body></html>\n";
  return o;
}

std::string html_document(const std::string& title, const std::string& heading, const std::string& subtitle, const std::string& body) {
  return fmt::format("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{}</style><script>{}</script></head><body>\n"
                     "<header><h1>{}</h1><p>{}</p></header><main>\n{}<p id=\"selfcheck\" class=\"note\"></p></main></body></html>\n",
                     e(title), kStyle, kSelfCheck, e(heading), e(subtitle), body);
}

std::string html_figure(const std::string& name, const std::string& svg, const std::string& caption_html) { return figure(name, svg, caption_html); }

}  // namespace aifabric
