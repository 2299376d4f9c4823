// Physical placement: servers into racks and rows, switches into network racks, and every link's length.
#include <algorithm>
#include <cmath>

#include "plan/plan.h"

namespace aifabric {

namespace {

constexpr uint32_t kUnplaced = 0xffffffffu;

// Which switches stand in the central network rows (the rest stand beside their servers' rows).
bool is_central(const Fabric& f, const Node& n, NetworkRackPlacement p) {
  if (p == NetworkRackPlacement::Central) return true;
  if (n.tier == 1) return false;
  if (n.tier == 2 && f.tiers == 3) return false;  // pod spines stand with their pod
  return true;
}

}  // namespace

void place_racks(Plan& plan) {
  const Fabric& f = plan.fabric;
  const LayoutSpec& lay = plan.spec.layout;
  const int64_t spr = lay.servers_per_rack;
  const int64_t rpr = lay.racks_per_row;
  const int64_t server_racks = (f.servers + spr - 1) / spr;
  const int64_t server_rows = (server_racks + rpr - 1) / rpr;
  plan.node_rack.assign(f.nodes.size(), kUnplaced);

  // Desired row of each non-central switch: the mean row of what hangs below it.
  std::vector<double> row_sum(f.nodes.size(), 0.0);
  std::vector<uint32_t> row_cnt(f.nodes.size(), 0);
  auto server_row = [&](int64_t server) { return static_cast<double>((server / spr) / rpr); };
  for (int tier = 1; tier <= f.tiers; ++tier) {
    for (const Link& l : f.links) {
      if (l.tier != tier) continue;
      const Node& lo = f.nodes[l.lower.value()];
      double r = 0;
      if (lo.role == NodeRole::Nic) {
        r = server_row(lo.group);
      } else if (row_cnt[l.lower.value()] > 0) {
        r = row_sum[l.lower.value()] / row_cnt[l.lower.value()];
      } else {
        continue;
      }
      row_sum[l.upper.value()] += r;
      ++row_cnt[l.upper.value()];
    }
  }
  std::vector<std::vector<uint32_t>> row_switches(static_cast<size_t>(server_rows));
  std::vector<uint32_t> central;
  for (uint32_t id = 0; id < f.nodes.size(); ++id) {
    const Node& n = f.nodes[id];
    if (n.role == NodeRole::Nic) continue;
    if (is_central(f, n, lay.network_racks) || row_cnt[id] == 0) {
      central.push_back(id);
    } else {
      const int64_t row = std::clamp<int64_t>(std::llround(row_sum[id] / row_cnt[id] - 1e-9), 0, server_rows - 1);
      row_switches[static_cast<size_t>(row)].push_back(id);
    }
  }

  const int64_t per_net_rack = lay.switches_per_network_rack;
  const int64_t central_racks = (static_cast<int64_t>(central.size()) + per_net_rack - 1) / per_net_rack;
  const int64_t central_rows = (central_racks + rpr - 1) / rpr;
  const int64_t central_at = server_rows / 2;  // central rows stand in the middle of the hall
  auto row_y = [&](int64_t server_row_index) {
    return (static_cast<double>(server_row_index) + (server_row_index >= central_at ? static_cast<double>(central_rows) : 0.0)) * lay.row_pitch_m;
  };
  auto slot_x = [&](double slot) { return (slot + 0.5) * lay.rack_width_m; };

  plan.racks.clear();
  plan.racks.reserve(static_cast<size_t>(server_racks + central_racks + server_rows * 2));
  // Network racks per server row.
  std::vector<int64_t> net_racks_in_row(static_cast<size_t>(server_rows), 0);
  for (int64_t row = 0; row < server_rows; ++row) {
    net_racks_in_row[row] = (static_cast<int64_t>(row_switches[row].size()) + per_net_rack - 1) / per_net_rack;
  }
  // Server racks.
  for (int64_t i = 0; i < server_racks; ++i) {
    const int64_t row = i / rpr;
    const int64_t pos = i % rpr;
    double slot = static_cast<double>(pos);
    if (lay.network_racks == NetworkRackPlacement::MiddleOfRow && pos >= rpr / 2) slot += static_cast<double>(net_racks_in_row[row]);
    Rack r;
    r.kind = RackKind::Server;
    r.row = static_cast<int>(row);
    r.x_m = slot_x(slot);
    r.y_m = row_y(row);
    r.servers = std::min<int64_t>(spr, f.servers - i * spr);
    plan.racks.push_back(r);
  }
  for (int64_t e = 0; e < f.nic_count(); ++e) {
    plan.node_rack[e] = static_cast<uint32_t>(f.nodes[e].group / spr);
  }
  // Row network racks.
  for (int64_t row = 0; row < server_rows; ++row) {
    const int64_t racks_here = std::min<int64_t>(rpr, server_racks - row * rpr);
    const double first_slot = lay.network_racks == NetworkRackPlacement::MiddleOfRow ? static_cast<double>(rpr / 2) : static_cast<double>(racks_here);
    for (size_t k = 0; k < row_switches[row].size(); ++k) {
      if (k % per_net_rack == 0) {
        Rack r;
        r.kind = RackKind::Network;
        r.row = static_cast<int>(row);
        r.x_m = slot_x(first_slot + static_cast<double>(k / per_net_rack));
        r.y_m = row_y(row);
        plan.racks.push_back(r);
      }
      plan.node_rack[row_switches[row][k]] = static_cast<uint32_t>(plan.racks.size() - 1);
      ++plan.racks.back().switches;
    }
  }
  // Central network rows.
  for (size_t k = 0; k < central.size(); ++k) {
    if (k % per_net_rack == 0) {
      const int64_t rack_index = static_cast<int64_t>(k) / per_net_rack;
      Rack r;
      r.kind = RackKind::Network;
      r.row = static_cast<int>(server_rows + rack_index / rpr);
      r.x_m = slot_x(static_cast<double>(rack_index % rpr));
      r.y_m = (static_cast<double>(central_at) + static_cast<double>(rack_index / rpr)) * lay.row_pitch_m;
      plan.racks.push_back(r);
    }
    plan.node_rack[central[k]] = static_cast<uint32_t>(plan.racks.size() - 1);
    ++plan.racks.back().switches;
  }

  // Link lengths: Manhattan run between racks, up and down at both ends, plus slack.
  plan.link_length_m.resize(f.links.size());
  for (size_t i = 0; i < f.links.size(); ++i) {
    const Rack& a = plan.racks[plan.node_rack[f.links[i].lower.value()]];
    const Rack& b = plan.racks[plan.node_rack[f.links[i].upper.value()]];
    double len;
    if (&a == &b) {
      len = lay.intra_rack_m + lay.slack_m;
    } else {
      len = std::abs(a.x_m - b.x_m) + std::abs(a.y_m - b.y_m) + 2 * lay.vertical_m + lay.slack_m;
    }
    plan.link_length_m[i] = static_cast<float>(std::round(len * 10.0) / 10.0);
  }
  // Appliances (UFM, ...) stand in their leaf's network rack: a run within the rack.
  plan.appliance_length_m.assign(f.appliance_links.size(), static_cast<float>(std::round((lay.intra_rack_m + lay.slack_m) * 10.0) / 10.0));
}

}  // namespace aifabric
