// The spraying transport (UET-style) behind the packet engine's transport interface.
#pragma once

#include "net/packet_transport.h"

namespace aifabric {

class SprayTransport final : public Transport {
 public:
  explicit SprayTransport(PacketEngine& engine);
  void receive(PacketId packet) override;
  uint32_t next_to_send(packet_detail::Flow& fl, bool& again, bool& paced) override;
  uint8_t sending(FlowId flow, int64_t payload, bool again) override;
  void timed_out(FlowId flow) override;
  bool understands_trimming() const override;
  int64_t default_rto_ps(int64_t base_rtt_ps) const override;

 private:
  void on_data(uint32_t packet);
  void on_ack(uint32_t packet);
  // The receiver got a trimmed header: it asks the sender for that packet again.
  void on_trimmed(uint32_t packet);
  // The sender learns a packet's payload was cut: it is resent first, and the window shrinks as for a mark.
  void on_nack(uint32_t packet);
  // The window, by the two signals an ack carries (after the Ultra Ethernet NSCC quadrants).
  void adjust_window(packet_detail::Flow& fl, int64_t rtt, bool marked, int64_t acked_bytes);
  // Loss detection without a timeout (after RACK, RFC 8985, by sequence).
  void detect_losses(packet_detail::Flow& fl, uint32_t acked_seq);

  PacketEngine& e_;
  int64_t target_rtt_ps_ = 0, min_window_ = 0, max_window_ = 0;  // delay target and window bounds
};

}  // namespace aifabric
