// The catalog: switches, NICs, servers and link parts (modules and cables), loaded from YAML data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/input_error.h"

namespace aifabric {

enum class FormFactor : uint8_t { Osfp, QsfpDd, Qsfp112, Qsfp28, Qsfp56 };
std::string_view to_string(FormFactor f);

enum class SwitchRole : uint8_t { Packet, LeafElement, FabricElement };
std::string_view to_string(SwitchRole r);

// A link part: a pluggable transceiver (one per link end) or a cable assembly (whole link).
enum class PartKind : uint8_t { Transceiver, PassiveCopper, ActiveCopper, ActiveElectricalCable, ActiveOpticalCable };
std::string_view to_string(PartKind k);
inline bool is_cable(PartKind k) { return k != PartKind::Transceiver; }

enum class FiberType : uint8_t { None, Multimode, Singlemode };
std::string_view to_string(FiberType f);

struct SwitchModel {
  std::string name, vendor, asic;
  SwitchRole role = SwitchRole::Packet;
  int cages = 0;               // physical ports (cages)
  int64_t cage_gbps = 0;       // native rate of one cage
  FormFactor form_factor = FormFactor::Osfp;
  int64_t lane_gbps = 0;       // SerDes lane rate
  std::vector<int> breakouts;  // allowed split factors of one cage (1 = native)
  double asic_power_w = 0;     // switch ASIC alone
  double system_power_w = 0;   // whole box without optics (ASIC, CPU, fans, PSU losses)
  int height_ru = 1;
  double price_usd = 0;
  bool lpo = false;            // host can drive linear pluggable optics
  std::vector<std::string> fec;
  double cmis = 0;             // highest CMIS version the host software manages
  int64_t latency_ns = 0;      // port-to-port, cut-through or typical
  double buffer_mb = 0;         // packet buffer in MB as datasheets print them (10^6 bytes); 0 = not published
  int64_t buffer_bytes() const { return static_cast<int64_t>(buffer_mb * 1e6 + 0.5); }
  // PFC on a lossless priority, per ingress port: holding more than XOFF bytes sends a pause upstream, and falling
  // XON delta below XOFF resumes it (as network OSes configure it: Cumulus Linux's xoff_size and xon_delta).
  // 0 = not published: the packet engine's default applies. The headroom above XOFF comes from each link's length.
  int64_t pfc_xoff_bytes = 0;
  int64_t pfc_xon_delta_bytes = 0;
  bool in_network_reduction = false;  // reduces in the switch (InfiniBand SHARP; NCCL's CollNet)
  std::string link_layer = "ethernet";  // ethernet (RoCEv2) or infiniband: what a packet costs on the wire
  bool cut_through = true;     // forwards once the header is in (else stores the whole packet first)
  // Switch-scheduled roles: a leaf element has `cages` host ports plus fabric links; a fabric
  // element has only fabric links.
  int fabric_links = 0;
  int64_t fabric_link_gbps = 0;
  int cell_bytes = 0;
  int64_t credit_bytes = 0;    // most an egress scheduler grants at once (switch-scheduled leaf elements)
  std::string source, note;
  SourceLocation where;

  int64_t capacity_gbps() const { return static_cast<int64_t>(cages) * cage_gbps; }
  bool allows_breakout(int factor) const;
  // Ports at `gbps` if every cage is split to that rate (0 if not allowed).
  int ports_at(int64_t gbps) const;
};

struct NicModel {
  std::string name, vendor;
  int ports = 1;
  int64_t port_gbps = 0;
  FormFactor form_factor = FormFactor::Osfp;
  int64_t lane_gbps = 0;
  std::vector<int> breakouts;  // allowed split factors of the NIC cage (1 = native)
  double power_w = 0;
  double price_usd = 0;
  bool lpo = false;
  std::vector<std::string> fec;
  double cmis = 0;
  std::string source, note;
  SourceLocation where;
};

struct ServerModel {
  std::string name, vendor, xpu;
  int xpus = 0;
  int backend_nics = 0;          // back-end NICs per server (usually one per XPU)
  std::string nic;               // NIC model name
  std::string frontend_nic;      // front-end (storage, in-band) NIC model, if any
  int frontend_nics = 0;
  int scale_up_domain = 0;       // XPUs joined by the scale-up network (NVLink 8, NVL72 72)
  int64_t scale_up_gbps = 0;     // scale-up bandwidth per XPU, each direction (raw signalling)
  int64_t scale_up_achievable_gbps = 0;  // what a copy over it reaches per XPU, each direction (default: raw)
  bool scale_up_reduction = false;  // the scale-up switch reduces and multicasts (NVLink SHARP, NCCL's NVLS)
  std::string xpu_arch;          // volta, ampere, hopper, blackwell or other: which of NCCL's tables apply
  double power_w = 0;            // whole server at load, without back-end optics
  int height_ru = 0;
  double price_usd = 0;
  double xpu_tflops = 0;         // dense BF16, for the training-step model
  // The training-step roofline: memory bandwidth, the fraction of peak large GEMMs and flash attention reach
  // (published measurements, named in `source`), and the streaming multiprocessors GEMM tiles are scheduled on.
  double xpu_hbm_gbytes_per_s = 0;
  double xpu_gemm_efficiency = 0;
  double xpu_attention_efficiency = 0;
  int xpu_sms = 0;
  std::string source, note;
  SourceLocation where;
};

struct Part {
  std::string name, vendor;
  PartKind kind = PartKind::Transceiver;
  std::string family;            // dr, sr, fr, lr, dac, acc, aec, aoc: the optical/electrical class
  int64_t rate_gbps = 0;         // rate of the whole part (one module, or one cable end)
  int lanes = 0;
  FormFactor form_factor = FormFactor::Osfp;
  FormFactor far_form_factor = FormFactor::Osfp;  // cables: the far end(s); modules: same as form_factor
  int breakout = 1;              // native sub-links (2 for a twin-port 2xDR4)
  std::vector<int> splits;       // ways it can be split into sub-links (e.g. DR8 via MPO fan-out: 1, 2, 4, 8)
  double reach_m = 0;
  FiberType fiber = FiberType::None;
  int fibers = 0;                // fibre strands at one module (or in one cable)
  std::string connector;
  double power_w = 0;            // per module, or per cable assembly (both ends)
  int64_t latency_ns = 0;        // added by DSP/retimer (per module, or per cable)
  bool lpo = false;
  std::string fec;
  double cmis = 0;               // CMIS version the module needs the host to manage
  double price_usd = 0;          // per module, or per cable assembly
  std::string source, note;
  double alt_reach_m = 0;        // a disagreeing public figure, with its source
  std::string alt_reach_source;
  SourceLocation where;
  // Connectors on one module ("2x MPO-12/APC" -> 2, "duplex LC" -> 1, 1 when the part names none) and one
  // connector's type without count or alternatives ("2x MPO-12/APC" -> "MPO-12/APC", "MPO-16 (or ...)" -> "MPO-16").
  int connectors() const;
  std::string connector_type() const;

  int64_t lane_gbps() const { return lanes > 0 ? rate_gbps / lanes : 0; }
  int64_t sub_link_gbps() const { return rate_gbps / breakout; }
  bool splits_into(int n) const;
};

// What a link end offers a module: the cage and the host behind it (a switch or a NIC).
struct CageProfile {
  std::string vendor;
  FormFactor form_factor = FormFactor::Osfp;
  int64_t cage_gbps = 0;
  int64_t lane_gbps = 0;
  const std::vector<int>* breakouts = nullptr;
  bool lpo = false;
  const std::vector<std::string>* fec = nullptr;
  double cmis = 0;
  bool allows_breakout(int factor) const;
};
CageProfile cage_profile(const SwitchModel& s);
CageProfile cage_profile(const NicModel& n);

// One catalog: the shipped data plus any user files layered on top (same name overrides).
class Catalog {
 public:
  const std::vector<SwitchModel>& switches() const { return switches_; }
  const std::vector<NicModel>& nics() const { return nics_; }
  const std::vector<ServerModel>& servers() const { return servers_; }
  const std::vector<Part>& parts() const { return parts_; }

  const SwitchModel* find_switch(std::string_view name) const;
  const NicModel* find_nic(std::string_view name) const;
  const ServerModel* find_server(std::string_view name) const;
  const Part* find_part(std::string_view name) const;

  // Loads one catalog YAML document (any of the four sections); entries with a known name replace it.
  void load_yaml(const std::string& text, const std::string& file);
  // Adds or replaces one server model (used to derive the front-end view of a server).
  void add_server(ServerModel s);
  // Cross-references (server -> NIC) and sanity checks; throws InputError at the entry.
  void validate() const;

  std::vector<std::string> switch_names() const;
  std::vector<std::string> server_names() const;

 private:
  template <class T>
  static void upsert(std::vector<T>& v, std::unordered_map<std::string, size_t>& index, T item);

  std::vector<SwitchModel> switches_;
  std::vector<NicModel> nics_;
  std::vector<ServerModel> servers_;
  std::vector<Part> parts_;
  std::unordered_map<std::string, size_t> switch_index_, nic_index_, server_index_, part_index_;
};

// The shipped catalog files, compiled into the binary (name, text).
struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};
const std::vector<EmbeddedFile>& builtin_catalog_files();

// Shipped catalog plus the given user files, validated.
Catalog load_catalog(const std::vector<std::string>& user_files);

}  // namespace aifabric
