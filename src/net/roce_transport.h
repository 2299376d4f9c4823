// The RoCEv2 transport (reliable connection, go-back-N, DCQCN) behind the packet engine's transport interface.
#pragma once

#include <vector>

#include "net/packet_transport.h"

namespace aifabric {

class RoceTransport final : public Transport {
 public:
  explicit RoceTransport(PacketEngine& engine);
  void prepare(size_t flows) override;
  void start(FlowId flow) override;
  void receive(PacketId packet) override;
  uint32_t next_to_send(packet_detail::Flow& fl, bool& again, bool& paced) override;
  uint8_t sending(FlowId flow, int64_t payload, bool again) override;
  void timed_out(FlowId flow) override;
  bool understands_trimming() const override;
  int64_t default_rto_ps(int64_t base_rtt_ps) const override;

 private:
  // A queue pair's DCQCN reaction point (its rate), and its receiver's NACK and CNP state.
  struct QueuePair {
    double rate = 0, target = 0, alpha = 1.0;
    int timer_stage = 0, byte_stage = 0;
    int64_t bytes_since_increase = 0, last_cnp_received = -1, last_cnp_sent = -1'000'000'000'000;
    uint32_t nacked_at = 0xffffffffu;
    bool timer_armed = false;
  };
  void on_data(uint32_t packet);
  void on_control(uint32_t packet);
  void increase(QueuePair& q) const;
  void on_cnp(uint32_t flow);
  void arm_timer(uint32_t flow);
  void on_timer(uint32_t flow);
  double min_rate() const;

  PacketEngine& e_;
  std::vector<QueuePair> qps_;  // by flow
  uint32_t timer_kind_ = 0;
};

}  // namespace aifabric
