// Chakra execution traces: the protobuf wire format (length-prefixed messages) to and from RankTrace.
#include "trace/chakra_trace.h"

#include <filesystem>
#include <fstream>
#include <limits>

#include <fmt/format.h>
#include <google/protobuf/io/coded_stream.h>

#include "chakra_schema.pb.h"
#include "core/input_error.h"

namespace aifabric {

namespace {

namespace pb = ChakraProtoMsg;

[[noreturn]] void refuse(const std::string& file, const std::string& field, const std::string& message) { throw InputError({file, 0, 0}, field, message); }

const pb::AttributeProto* find_attr(const pb::Node& n, const char* name) {
  for (const auto& a : n.attr()) if (a.name() == name) return &a;
  return nullptr;
}

// An integer attribute in whichever integer (or bool) encoding the producer chose; false when absent or not one.
bool attr_int(const pb::Node& n, const char* name, int64_t& out) {
  const pb::AttributeProto* a = find_attr(n, name);
  if (!a) return false;
  switch (a->value_case()) {
    case pb::AttributeProto::kInt32Val: out = a->int32_val(); return true;
    case pb::AttributeProto::kInt64Val: out = a->int64_val(); return true;
    case pb::AttributeProto::kUint32Val: out = a->uint32_val(); return true;
    case pb::AttributeProto::kUint64Val:
      out = a->uint64_val() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ? -1 : static_cast<int64_t>(a->uint64_val());
      return true;
    case pb::AttributeProto::kSint32Val: out = a->sint32_val(); return true;
    case pb::AttributeProto::kSint64Val: out = a->sint64_val(); return true;
    case pb::AttributeProto::kBoolVal: out = a->bool_val() ? 1 : 0; return true;
    default: return false;
  }
}

std::string attr_string(const pb::Node& n, const char* name) {
  const pb::AttributeProto* a = find_attr(n, name);
  return a && a->value_case() == pb::AttributeProto::kStringVal ? a->string_val() : std::string();
}

TraceNode to_node(const pb::Node& n, const std::string& file, int64_t offset) {
  TraceNode t;
  t.id = n.id();
  t.name = n.name();
  const std::string where = fmt::format("node {} (byte {})", n.id(), offset);
  t.deps.reserve(static_cast<size_t>(n.ctrl_deps_size() + n.data_deps_size()));
  for (uint64_t d : n.data_deps()) t.deps.push_back(d);
  t.ctrl_from = static_cast<uint32_t>(t.deps.size());
  for (uint64_t d : n.ctrl_deps()) t.deps.push_back(d);
  if (n.duration_micros() > 1'000'000'000'000ULL) refuse(file, where, fmt::format("duration_micros {} is out of range; expected at most 10^12 (11.6 days)", n.duration_micros()));
  t.duration = Picoseconds(static_cast<int64_t>(n.duration_micros()) * 1'000'000);
  switch (n.type()) {
    case pb::COMP_NODE: t.kind = TraceNodeKind::Compute; break;
    case pb::COMM_SEND_NODE: t.kind = TraceNodeKind::Send; break;
    case pb::COMM_RECV_NODE: t.kind = TraceNodeKind::Recv; break;
    case pb::COMM_COLL_NODE: t.kind = TraceNodeKind::Collective; break;
    default: t.kind = TraceNodeKind::Other; break;
  }
  int64_t size = 0, cpu = 0;
  t.cpu = attr_int(n, "is_cpu_op", cpu) && cpu != 0;
  if (t.kind == TraceNodeKind::Compute || t.kind == TraceNodeKind::Other) return t;
  int64_t type = -1;
  const bool barrier = t.kind == TraceNodeKind::Collective && attr_int(n, "comm_type", type) && type == pb::BARRIER;
  if (!attr_int(n, "comm_size", size) && !barrier) {
    // PyTorch traces record a collective twice: the CPU-side call (is_cpu_op, no size) and the GPU kernel that moves
    // the bytes. The CPU record takes its traced time and no network.
    if (t.cpu) {
      t.kind = TraceNodeKind::Other;
      return t;
    }
    refuse(file, where + ".comm_size", "a communication node needs comm_size (bytes)");
  }
  if (size < 0 || size > kMaxCommBytes) refuse(file, where + ".comm_size", fmt::format("{} bytes is out of range; expected 0 to 2^44", size));
  t.bytes = size;
  if (t.kind == TraceNodeKind::Collective) {
    if (!attr_int(n, "comm_type", type)) refuse(file, where + ".comm_type", "a collective node needs comm_type");
    switch (type) {
      case pb::ALL_REDUCE: t.collective = CollectiveKind::AllReduce; break;
      case pb::REDUCE: t.collective = CollectiveKind::Reduce; break;
      case pb::ALL_GATHER: t.collective = CollectiveKind::AllGather; break;
      case pb::BROADCAST: t.collective = CollectiveKind::Broadcast; break;
      case pb::ALL_TO_ALL: t.collective = CollectiveKind::AllToAll; break;
      case pb::REDUCE_SCATTER:
      case pb::REDUCE_SCATTER_BLOCK: t.collective = CollectiveKind::ReduceScatter; break;
      case pb::BARRIER:
        t.collective = CollectiveKind::AllReduce;
        t.barrier = true;
        t.bytes = std::max<int64_t>(t.bytes, 4);
        break;
      default:
        refuse(file, where + ".comm_type",
               fmt::format("{} is not a collective aifabric models; expected ALL_REDUCE 0, REDUCE 1, ALL_GATHER 2, BROADCAST 5, ALL_TO_ALL 6, "
                           "REDUCE_SCATTER 7 or 8, BARRIER 9 (GATHER and SCATTER are not modelled)",
                           type));
    }
    t.group = attr_string(n, "pg_name");
    return t;
  }
  const char* peer = t.kind == TraceNodeKind::Send ? "comm_dst" : "comm_src";
  if (!attr_int(n, peer, t.peer) || t.peer < 0 || t.peer > (int64_t{1} << 30)) {
    refuse(file, fmt::format("{}.{}", where, peer), "a point-to-point node needs its peer rank (0 to 2^30)");
  }
  attr_int(n, "comm_tag", t.tag);
  return t;
}

void put_varint(std::string& out, uint64_t v) {  // base 128, least significant group first, as protobuf's
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

}  // namespace

RankTrace parse_chakra(const std::string& bytes, const std::string& file) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) refuse(file, "file", "is larger than 2 GiB; expected one rank's trace");
  RankTrace trace;
  trace.file = file;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size()));
  bool first = true;
  pb::GlobalMetadata meta;
  pb::Node node;
  while (true) {
    const int64_t offset = in.CurrentPosition();
    if (offset == static_cast<int64_t>(bytes.size())) break;
    uint64_t length = 0;
    if (!in.ReadVarint64(&length)) refuse(file, fmt::format("byte {}", offset), "truncated length prefix (a varint that does not end)");
    const int64_t body = in.CurrentPosition();
    if (length > static_cast<uint64_t>(kMaxTraceMessageBytes) || static_cast<int64_t>(length) > static_cast<int64_t>(bytes.size()) - body) {
      refuse(file, fmt::format("byte {}", offset),
             fmt::format("a message of {} bytes {}; expected a length-prefixed Chakra message", length,
                         length > static_cast<uint64_t>(kMaxTraceMessageBytes) ? "is beyond the 64 MiB limit" : "runs past the end of the file"));
    }
    const auto limit = in.PushLimit(static_cast<int>(length));
    const bool ok = first ? meta.ParseFromCodedStream(&in) : node.ParseFromCodedStream(&in);
    if (!ok || !in.ConsumedEntireMessage()) refuse(file, fmt::format("byte {}", offset), first ? "not a Chakra GlobalMetadata message" : "not a Chakra Node message");
    in.PopLimit(limit);
    if (first) {
      trace.version = meta.version();
      first = false;
      continue;
    }
    if (static_cast<int64_t>(trace.nodes.size()) >= kMaxTraceNodes) refuse(file, fmt::format("byte {}", offset), "more than 20,000,000 nodes in one rank's trace");
    trace.nodes.push_back(to_node(node, file, offset));
  }
  if (first) refuse(file, "file", "is empty; expected a Chakra GlobalMetadata message and nodes");
  return trace;
}

RankTrace read_chakra_file(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) refuse(path, "file", fmt::format("cannot open: {}", ec.message()));
  if (size > (uint64_t{1} << 31)) refuse(path, "file", "is larger than 2 GiB; expected one rank's trace");
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(size))) refuse(path, "file", "cannot read");
  return parse_chakra(bytes, path);
}

std::string serialize_chakra(const RankTrace& trace) {
  std::string out, msg;
  pb::GlobalMetadata meta;
  meta.set_version(trace.version.empty() ? "0.0.4" : trace.version);
  meta.SerializeToString(&msg);
  put_varint(out, msg.size());
  out += msg;
  for (const TraceNode& t : trace.nodes) {
    pb::Node n;
    n.set_id(t.id);
    n.set_name(t.name);
    n.set_duration_micros(static_cast<uint64_t>((t.duration.count() + 500'000) / 1'000'000));  // to the nearest microsecond
    for (size_t k = 0; k < t.deps.size(); ++k) {
      if (k < t.ctrl_from) n.add_data_deps(t.deps[k]);
      else n.add_ctrl_deps(t.deps[k]);
    }
    auto attr_i = [&](const char* name, int64_t v) {
      auto* a = n.add_attr();
      a->set_name(name);
      a->set_int64_val(v);
    };
    auto* cpu = n.add_attr();
    cpu->set_name("is_cpu_op");
    cpu->set_bool_val(t.cpu);
    switch (t.kind) {
      case TraceNodeKind::Compute: n.set_type(pb::COMP_NODE); break;
      case TraceNodeKind::Other: n.set_type(pb::METADATA_NODE); break;
      case TraceNodeKind::Send:
      case TraceNodeKind::Recv:
        n.set_type(t.kind == TraceNodeKind::Send ? pb::COMM_SEND_NODE : pb::COMM_RECV_NODE);
        attr_i(t.kind == TraceNodeKind::Send ? "comm_dst" : "comm_src", t.peer);
        attr_i("comm_tag", t.tag);
        attr_i("comm_size", t.bytes);
        break;
      case TraceNodeKind::Collective: {
        n.set_type(pb::COMM_COLL_NODE);
        int64_t type = pb::ALL_REDUCE;
        switch (t.collective) {
          case CollectiveKind::Reduce: type = pb::REDUCE; break;
          case CollectiveKind::AllGather: type = pb::ALL_GATHER; break;
          case CollectiveKind::Broadcast: type = pb::BROADCAST; break;
          case CollectiveKind::AllToAll: type = pb::ALL_TO_ALL; break;
          case CollectiveKind::ReduceScatter: type = pb::REDUCE_SCATTER; break;
          default: type = t.barrier ? pb::BARRIER : pb::ALL_REDUCE;
        }
        attr_i("comm_type", type);
        attr_i("comm_size", t.bytes);
        if (!t.group.empty()) {
          auto* g = n.add_attr();
          g->set_name("pg_name");
          g->set_string_val(t.group);
        }
        break;
      }
    }
    msg.clear();
    n.SerializeToString(&msg);
    put_varint(out, msg.size());
    out += msg;
  }
  return out;
}

}  // namespace aifabric
