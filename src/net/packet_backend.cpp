// PacketBackend: one packet simulation per phase (identical steps are simulated once and multiplied).
#include "net/packet_backend.h"

#include <algorithm>
#include <cmath>

namespace aifabric {

namespace {

class PacketBackend final : public CollectiveBackend {
 public:
  PacketBackend(const Plan& plan, const PacketSimConfig& cfg, const BackendOptions& o) : plan_(plan), cfg_(cfg), options_(o) {}
  std::string_view name() const override { return "packet"; }

  CollectiveResult run(const Schedule& s) override {
    const Fabric& f = plan_.fabric;
    const uint32_t X = static_cast<uint32_t>(f.server->xpus), N = static_cast<uint32_t>(f.nics_per_server);
    const uint32_t domain = static_cast<uint32_t>(std::max(f.server->scale_up_domain, f.server->xpus));
    const double su_bps = static_cast<double>(f.server->scale_up_gbps > 0 ? f.server->scale_up_gbps : 3600) * 1e9;
    CollectiveResult r;
    r.backend = "packet";
    for (const Phase& ph : s.phases) {
      PhaseResult pr;
      pr.label = ph.label;
      pr.repeat = ph.repeat;
      pr.transfers = static_cast<int64_t>(ph.transfers.size());
      PacketSim sim(plan_, cfg_);
      std::vector<int64_t> su_out(f.xpus() > 0 ? static_cast<size_t>(f.xpus()) : 0, 0), su_in(su_out.size(), 0);
      int64_t flows = 0;
      for (const Transfer& t : ph.transfers) {
        if (t.src == t.dst || t.bytes <= 0) continue;
        if (t.src / domain == t.dst / domain) {  // inside the scale-up domain
          su_out[t.src] += t.bytes;
          su_in[t.dst] += t.bytes;
          continue;
        }
        // The NIC of the destination's rail on the source server (PXN for rail designs), then the fabric.
        const uint32_t dst_nic = (t.dst / X) * N + (t.dst % X) * N / X;
        uint32_t src_nic = (t.src / X) * N + (t.src % X) * N / X;
        if (f.topology != Topology::Clos) src_nic = (t.src / X) * N + dst_nic % N;
        if (src_nic == dst_nic) continue;
        sim.add_flow({src_nic, dst_nic, t.bytes, Picoseconds(0)});
        ++flows;
      }
      int64_t net_ps = 0;
      if (flows > 0) {
        const PacketSimResult res = sim.run();
        for (const auto& fl : res.flows) net_ps = std::max(net_ps, fl.finish.count());
      }
      int64_t su_bytes = 0;
      for (size_t i = 0; i < su_out.size(); ++i) su_bytes = std::max({su_bytes, su_out[i], su_in[i]});
      const int64_t su_ps = su_bytes > 0 ? static_cast<int64_t>(std::ceil(static_cast<double>(su_bytes) * 8 / su_bps * 1e12)) : 0;
      pr.transfer_time = Picoseconds(std::max(net_ps, su_ps));
      pr.latency = options_.step_overhead * std::max<int64_t>(1, ph.latency_hops);
      r.time += (pr.transfer_time + pr.latency) * ph.repeat;
      r.phases.push_back(std::move(pr));
      ++r.solves;
    }
    return r;
  }

 private:
  const Plan& plan_;
  PacketSimConfig cfg_;
  BackendOptions options_;
};

}  // namespace

std::unique_ptr<CollectiveBackend> make_packet_backend(const Plan& plan, const PacketSimConfig& config, const BackendOptions& options) {
  return std::make_unique<PacketBackend>(plan, config, options);
}

}  // namespace aifabric
