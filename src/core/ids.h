// Distinct id types that index dense vectors (NodeId, LinkId, ...): no interchangeable integers.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace aifabric {

template <class Tag>
class Id {
 public:
  static constexpr uint32_t kInvalid = std::numeric_limits<uint32_t>::max();
  constexpr Id() = default;
  constexpr explicit Id(uint32_t v) : v_(v) {}
  constexpr uint32_t value() const { return v_; }
  constexpr bool valid() const { return v_ != kInvalid; }
  constexpr auto operator<=>(const Id&) const = default;

 private:
  uint32_t v_ = kInvalid;
};

using NodeId = Id<struct NodeTag>;
using LinkId = Id<struct LinkTag>;
using RackId = Id<struct RackTag>;
using PartId = Id<struct PartTag>;
// The packet engine's: a port is one direction of a link (2 x link toward the upper end, + 1 toward the lower),
// a flow is numbered in the order it was added, a packet is a slot of the engine's pool.
using PortId = Id<struct PortTag>;
using FlowId = Id<struct FlowTag>;
using PacketId = Id<struct PacketTag>;

}  // namespace aifabric
