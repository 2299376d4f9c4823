// Event kinds handed out to the components that handle them, and the dispatch from an event to its handler: a
// component (a port, a transport, the cell fabric) registers its events when it is built, so a new one adds its
// own without editing a shared list.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/simulator.h"

namespace aifabric {

class EventHandlers {
 public:
  using Handler = void (*)(void* self, uint32_t target);
  static constexpr uint32_t kCapacity = Simulator::kMaxKind + 1;

  // A new event kind whose events go to `handler(self, target)`; `name` says whose it is when there are too many.
  uint32_t add(const char* name, void* self, Handler handler) {
    if (count_ == kCapacity) {
      throw std::logic_error(std::string("event kind '") + name + "': the kernel has room for " + std::to_string(kCapacity) + " kinds");
    }
    table_[count_] = {self, handler};
    return count_++;
  }
  // The same for a member function: add<&Port::on_tx_done>("tx done", this).
  template <auto Method, class Component>
  uint32_t add(const char* name, Component* self) {
    return add(name, self, [](void* s, uint32_t target) { (static_cast<Component*>(s)->*Method)(target); });
  }

  void dispatch(const Due& e) const {
    const Entry& h = table_[e.kind];
    h.handler(h.self, e.target);
  }
  uint32_t size() const { return count_; }

 private:
  struct Entry {
    void* self = nullptr;
    Handler handler = nullptr;
  };
  std::array<Entry, kCapacity> table_{};
  uint32_t count_ = 0;
};

}  // namespace aifabric
