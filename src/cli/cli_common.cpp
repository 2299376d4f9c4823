// Shared CLI helpers: catalog, plan options, atomic output.
#include "cli/cli_common.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/input_error.h"
#include "core/number_format.h"

namespace aifabric {

volatile std::sig_atomic_t g_stop_signal = 0;
volatile int g_stop_signal_int = 0;
extern "C" void on_stop_signal(int sig) {
  g_stop_signal = sig;
  g_stop_signal_int = sig;
}

void emit(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  const std::string err = write_file_atomically(path, text);
  if (!err.empty()) throw InputError({path, 0, 0}, "", err);
}

PacketSimConfig packet_config(const ClusterSpec& spec, const Common& c) { return packet_config_for(spec, c.seed, c.max_events); }

std::string packet_settings(const Plan& plan, const PacketSimConfig& cfg) {
  const bool cells = plan.fabric.architecture == Architecture::SwitchScheduled;
  std::string buffers;
  if (!cells && !cfg.pfc && !cfg.lossless && cfg.shared_buffer_bytes == 0) {
    std::vector<std::string> unknown;
    for (int t = 1; t <= plan.fabric.tiers; ++t) {
      const SwitchModel* m = plan.fabric.tier[t].model;
      if (m && m->buffer_bytes() <= 0 && std::find(unknown.begin(), unknown.end(), m->name) == unknown.end()) unknown.push_back(m->name);
    }
    if (!unknown.empty()) buffers = fmt::format("; {} publish{} no buffer size: per-port limits, no shared pool (--shared-buffer sets one)",
                                                fmt::join(unknown, ", "), unknown.size() == 1 ? "es" : "");
  }
  const std::string acks = cells || cfg.transport != TransportKind::Spray ? ""
                           : cfg.ack_coalesce_bytes > cfg.mtu_bytes ? fmt::format(" (an ack per {} B, selective)", with_thousands(cfg.ack_coalesce_bytes))
                                                                    : " (an ack per packet)";
  std::string pfc = "PFC";
  if (cfg.pfc && !cells) {  // where each switch's thresholds come from
    std::vector<std::string> parts, seen;
    for (int t = 1; t <= plan.fabric.tiers; ++t) {
      const SwitchModel* m = plan.fabric.tier[t].model;
      if (!m || std::find(seen.begin(), seen.end(), m->name) != seen.end()) continue;
      seen.push_back(m->name);
      const PfcThresholds th = pfc_thresholds(m, cfg, 0, 0);
      parts.push_back(cfg.pfc_xoff_bytes > 0 ? fmt::format("{}: XOFF {} B as configured", m->name, with_thousands(cfg.pfc_xoff_bytes))
                      : th.from_catalog    ? fmt::format("{}: XOFF {} B, XON {} B, from the catalog", m->name, with_thousands(th.xoff), with_thousands(th.xon))
                                           : fmt::format("{}: no published thresholds, XOFF half the port buffer, XON two packets below", m->name));
    }
    pfc = fmt::format("PFC ({}; headroom per ingress from its link)", fmt::join(parts, "; "));
  }
  return fmt::format("{}, {} transport{}, {}{}", cells ? "switch-scheduled cells" : to_string(cfg.lb), to_string(cfg.transport), acks,
                     cells ? "lossless by credits" : cfg.pfc ? pfc : cfg.lossless ? "lossless" : "lossy", buffers);
}

}  // namespace aifabric
