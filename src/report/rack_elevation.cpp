// Rack elevations: each rack a column of its rack units, every device a box at its U, named, coloured by role.
#include "report/rack_elevation.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "report/svg_chart.h"

namespace aifabric {

namespace {

std::string role_color(const std::string& role) {
  if (role == "server") return palette(7);
  if (role == "leaf" || role == "leaf-element") return palette(0);
  if (role == "spine" || role == "fabric-element") return palette(1);
  if (role == "core") return palette(2);
  return palette(3);
}

}  // namespace

std::string rack_elevation_svg(const Plan& plan, const DeviceDirectory& dir, size_t max_racks, size_t* shown) {
  // Which racks: up to a third of the sample from the server racks, the rest network racks, in rack order.
  std::vector<uint32_t> server, network;
  for (uint32_t i = 0; i < plan.racks.size(); ++i) (plan.racks[i].kind == RackKind::Server ? server : network).push_back(i);
  const size_t want_servers = std::min(server.size(), std::max<size_t>(1, max_racks / 3));
  const size_t want_network = std::min(network.size(), max_racks - want_servers);
  std::vector<uint32_t> racks(server.begin(), server.begin() + static_cast<std::ptrdiff_t>(want_servers));
  racks.insert(racks.end(), network.begin(), network.begin() + static_cast<std::ptrdiff_t>(want_network));
  if (shown) *shown = racks.size();
  std::vector<std::vector<const Device*>> in_rack(plan.racks.size());
  for (const Device& d : dir.devices()) in_rack[d.rack].push_back(&d);
  const int units = plan.spec.layout.rack_units;
  int tallest = units;
  for (uint32_t r : racks) for (const Device* d : in_rack[r]) tallest = std::max(tallest, d->u + d->height_ru - 1);
  const double px = 9.0, col = 118.0, top = 46.0, left = 10.0;
  const double height = top + tallest * px + 16;
  std::string o = fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" font-family=\"sans-serif\" font-size=\"9\">",
                              left * 2 + col * static_cast<double>(racks.size()), height);
  for (size_t k = 0; k < racks.size(); ++k) {
    const uint32_t r = racks[k];
    const double x = left + col * static_cast<double>(k);
    int used = 0;
    for (const Device* d : in_rack[r]) used = std::max(used, d->u + d->height_ru - 1);
    const double y_floor = top + tallest * px;
    const bool over = used > units;
    o += fmt::format("<text x=\"{:.1f}\" y=\"14\" font-weight=\"bold\">{}</text><text x=\"{:.1f}\" y=\"26\">{:.1f} kW IT</text>"
                     "<text x=\"{:.1f}\" y=\"38\"{}>{} of {} U</text>",
                     x, html_escape(dir.rack_name(r)), x, plan.racks[r].it_power_w / 1000, x, over ? " fill=\"#c0392b\"" : "", used, units);
    o += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" stroke=\"#555\"/>", x, y_floor - units * px, col - 14,
                     units * px);
    for (const Device* d : in_rack[r]) {
      const double y = y_floor - (d->u + d->height_ru - 1) * px;
      const double h = d->height_ru * px - 1;
      o += fmt::format("<rect class=\"mark\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"{}><title>{} ({}, {}), U{}-{}</title></rect>",
                       x + 1, y, col - 16, h, role_color(d->role), d->u + d->height_ru - 1 > units ? " stroke=\"#c0392b\"" : "", html_escape(d->name),
                       html_escape(d->role), html_escape(d->model), d->u, d->u + d->height_ru - 1);
      if (h >= 8) {
        o += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#fff\" font-size=\"{}\">{}</text>", x + 4, y + std::min(h, 9.0) - 1.5, h >= 9 ? 8 : 7,
                         html_escape(d->name));
      }
    }
  }
  return o + "</svg>";
}

}  // namespace aifabric
