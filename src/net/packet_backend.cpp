// PacketBackend: one packet simulation per phase (identical steps are simulated once and multiplied).
//
// Transfers between NICs run as packet flows; the scale-up side (transfers inside an NVLink domain, the PXN hop
// to the NIC on the destination's rail, NVLS's traffic to and from the switch) moves at the catalog's achievable
// scale-up rate. A flow's data movement is its completion time less its zero-load path (which the shared latency
// model charges along the schedule's chain), and never less than its bytes at the protocol's per-channel cap.
#include "net/packet_backend.h"

#include <algorithm>
#include <cmath>

#include "backend/collective_latency.h"
#include "net/packet_graph_executor.h"
#include "topo/wire_format.h"

namespace aifabric {

namespace {

// What a packet run of a dependency graph may move between NVLink domains (as `run` sweeps the packet backend).
constexpr int64_t kMaxGraphPacketBytes = int64_t{512} << 20;

class PacketBackend final : public CollectiveBackend {
 public:
  PacketBackend(const Plan& plan, const PacketSimConfig& cfg, const BackendOptions& o) : plan_(plan), cfg_(cfg), options_(o), latency_(plan) {}
  std::string_view name() const override { return "packet"; }

  CollectiveResult run(const Schedule& s) override {
    if (options_.execution == Execution::Graph) return run_packet_graph(s, plan_, cfg_, latency_, options_, kMaxGraphPacketBytes);
    const Fabric& f = plan_.fabric;
    const LatencyModel& paths = latency_.fabric();
    const uint32_t domain = f.scale_up_domain();
    const double su_bps = static_cast<double>(f.scale_up_data_gbps()) * 1e9;
    const double cap_bps = s.constants.channel_cap_gbs > 0 ? s.constants.channel_cap_gbs * 8e9 : 0;
    CollectiveResult r;
    r.backend = "packet";
    r.time = latency_.base(s);
    for (const Phase& ph : s.phases) {
      PhaseResult pr;
      pr.label = ph.label;
      pr.repeat = ph.repeat;
      pr.transfers = static_cast<int64_t>(ph.transfers.size());
      PacketSim sim(plan_, cfg_);
      std::vector<int64_t> su_out(static_cast<size_t>(std::max<int64_t>(0, f.xpus())), 0), su_in(su_out.size(), 0);
      // In-network reductions: the switches reduce, so a packet run has nothing to simulate; each NIC streams its
      // bytes at its rate less the packet headers.
      std::vector<int64_t> nic_out(static_cast<size_t>(f.nic_count()), 0), nic_in(nic_out.size(), 0);
      std::vector<Picoseconds> zero_load;  // per packet flow: the path the shared latency model charges
      int64_t capped_ps = 0;
      for (const Transfer& t : ph.transfers) {
        if (t.bytes <= 0) continue;
        if (t.via == Via::ToSwitch) { su_out[t.src] += t.bytes; continue; }
        if (t.via == Via::FromSwitch) { su_in[t.dst] += t.bytes; continue; }
        if (t.via == Via::ToNetwork) { nic_out[paths.nic_of(t.src)] += t.bytes; continue; }
        if (t.via == Via::FromNetwork) { nic_in[paths.nic_of(t.dst)] += t.bytes; continue; }
        if (t.src == t.dst) continue;
        if (cap_bps > 0) capped_ps = std::max(capped_ps, static_cast<int64_t>(std::ceil(static_cast<double>(t.bytes) * 8 / cap_bps * 1e12)));
        if (t.src / domain == t.dst / domain) {  // inside the scale-up domain
          su_out[t.src] += t.bytes;
          su_in[t.dst] += t.bytes;
          continue;
        }
        // PXN: over NVLink to the XPU whose NIC sits on the destination's rail, then the fabric.
        const uint32_t src_nic = paths.sending_nic(t.src, t.dst), dst_nic = paths.nic_of(t.dst);
        if (src_nic != paths.nic_of(t.src)) {
          const uint32_t X = static_cast<uint32_t>(f.server->xpus), N = static_cast<uint32_t>(f.nics_per_server);
          const uint32_t relay = (t.src / X) * X + (src_nic % N) * X / N;
          su_out[t.src] += t.bytes;
          su_in[relay] += t.bytes;
        }
        if (src_nic == dst_nic) continue;
        sim.add_flow({src_nic, dst_nic, t.bytes, Picoseconds(0)});
        zero_load.push_back(paths.between_nics(src_nic, dst_nic) - paths.first_packet_serialisation());
      }
      int64_t net_ps = 0;
      if (!zero_load.empty()) {
        const PacketSimResult res = sim.run();
        for (size_t i = 0; i < res.flows.size() && i < zero_load.size(); ++i) {
          net_ps = std::max(net_ps, (res.flows[i].finish - zero_load[i]).count());
        }
      }
      int64_t su_bytes = 0;
      for (size_t i = 0; i < su_out.size(); ++i) su_bytes = std::max({su_bytes, su_out[i], su_in[i]});
      const int64_t su_ps = su_bytes > 0 ? static_cast<int64_t>(std::ceil(static_cast<double>(su_bytes) * 8 / su_bps * 1e12)) : 0;
      int64_t nic_bytes = 0;
      for (size_t i = 0; i < nic_out.size(); ++i) nic_bytes = std::max({nic_bytes, nic_out[i], nic_in[i]});
      const double nic_bps = static_cast<double>(f.host_link_gbps * f.planes) * 1e9 * wire_format(f).goodput();
      const int64_t nic_ps = nic_bytes > 0 ? static_cast<int64_t>(std::ceil(static_cast<double>(nic_bytes) * 8 / nic_bps * 1e12)) : 0;
      pr.transfer_time = Picoseconds(std::max({net_ps, su_ps, capped_ps, nic_ps}));
      pr.latency = latency_.phase(s, ph);
      r.time += pr.transfer_time * ph.repeat + pr.latency;
      r.phases.push_back(std::move(pr));
      ++r.solves;
    }
    return r;
  }

 private:
  const Plan& plan_;
  PacketSimConfig cfg_;
  BackendOptions options_;
  CollectiveLatency latency_;
};

}  // namespace

std::unique_ptr<CollectiveBackend> make_packet_backend(const Plan& plan, const PacketSimConfig& config, const BackendOptions& options) {
  return std::make_unique<PacketBackend>(plan, config, options);
}

}  // namespace aifabric
