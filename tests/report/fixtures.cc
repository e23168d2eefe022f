#include "tests/report/fixtures.h"

#include <sstream>

namespace synsim::report::testing {

using namespace outcome;

namespace {

TcpOptions syn_options(std::uint32_t ts_val, std::uint32_t ts_ecr) {
  TcpOptions o;
  o.mss = 65495;
  o.sack_permitted = true;
  o.has_timestamp = true;
  o.ts_val = ts_val;
  o.ts_ecr = ts_ecr;
  o.wscale = 7;
  return o;
}

TcpOptions ts_options(std::uint32_t ts_val, std::uint32_t ts_ecr) {
  TcpOptions o;
  o.has_timestamp = true;
  o.ts_val = ts_val;
  o.ts_ecr = ts_ecr;
  return o;
}

}  // namespace

Packet client_packet(std::int64_t time_ns, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                     std::uint32_t length) {
  Packet p;
  p.time = at_ns(time_ns);
  p.src_port = kClientPort;
  p.dst_port = kServerPort;
  p.flags = flags;
  p.seq = seq;
  p.ack = ack;
  p.window = 512;
  p.length = length;
  p.connection = "x#0";
  p.from_client = true;
  return p;
}

Packet server_packet(std::int64_t time_ns, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                     std::uint32_t length) {
  Packet p = client_packet(time_ns, flags, seq, ack, length);
  p.src_port = kServerPort;
  p.dst_port = kClientPort;
  p.from_client = false;
  return p;
}

Outcome handshake_outcome() {
  Outcome o;
  o.info.scenario = "loopback-stall";
  o.info.source = "model";
  o.info.kernel = "linux-2.5.66";
  o.info.hz = 1000;
  o.info.seed = 42;
  o.info.duration = sec(10);
  o.info.server_port = kServerPort;
  o.info.events = 1234;
  o.info.trace_hash = 0x00c0ffee12345678ull;

  Packet syn = client_packet(0, kSyn, kClientIsn, 0);
  syn.window = 65495;
  syn.options = syn_options(100, 0);
  o.packets.push_back(syn);

  Packet synack = server_packet(10'000, kSyn | kAck, kServerIsn, kClientIsn + 1);
  synack.window = 65483;
  synack.options = syn_options(200, 100);
  o.packets.push_back(synack);

  Packet ack = client_packet(20'000, kAck, kClientIsn + 1, kServerIsn + 1);
  ack.options = ts_options(100, 200);
  o.packets.push_back(ack);

  Packet data = client_packet(30'999, kPsh | kAck, kClientIsn + 1, kServerIsn + 1, 5);
  data.options = ts_options(101, 200);
  o.packets.push_back(data);

  Packet resend = server_packet(1'000'030'000, kSyn | kAck, kServerIsn, kClientIsn + 1);
  resend.window = 65483;
  resend.options = syn_options(1200, 101);
  o.packets.push_back(resend);

  Packet dsack = client_packet(1'000'040'000, kAck, kClientIsn + 6, kServerIsn + 1);
  dsack.options = ts_options(1200, 1200);
  dsack.options.sack.push_back({kServerIsn, kServerIsn + 1});
  o.packets.push_back(dsack);

  Packet fin = client_packet(1'500'000'000, kFin | kPsh | kAck, kClientIsn + 6, kServerIsn + 1, 1);
  fin.options = ts_options(1700, 1200);
  o.packets.push_back(fin);

  Packet rst_ack = server_packet(1'500'010'000, kRst | kAck, kServerIsn + 1, kClientIsn + 8);
  rst_ack.window = 0;
  o.packets.push_back(rst_ack);

  Packet rst = client_packet(1'600'000'000, kRst, kClientIsn + 8, 0);
  rst.window = 0;
  o.packets.push_back(rst);

  Reason final_ack_dropped{.kind = ReasonKind::acceptq_full_request_kept, .segment = SegmentWord::final_ack, .a = 1, .b = 1};
  Reason data_dropped = final_ack_dropped;
  data_dropped.segment = SegmentWord::data_segment;
  const Reason synack_retransmit{.kind = ReasonKind::synack_retransmit, .flag = true, .a = 1};
  o.annotations.push_back({2, final_ack_dropped, "", std::nullopt});
  o.annotations.push_back({3, data_dropped, "", std::nullopt});
  o.annotations.push_back({4, synack_retransmit, "", std::nullopt});

  ConnectionRecord c;
  c.name = "x#0";
  c.group = "x";
  c.index = 0;
  c.client_port = kClientPort;
  c.connect_start = at_ns(0);
  c.connect_done = at_ns(20'000);
  c.first_data_sent = at_ns(30'999);
  c.accepted = at_ns(1'000'050'000);
  c.data_delivered = at_ns(1'000'060'000);
  c.outcome = ConnectionOutcome::completed;
  c.synack_retransmits = 1;
  c.explanation = {{at_ns(20'000), final_ack_dropped}, {at_ns(1'000'000'000), synack_retransmit}, {std::nullopt, *conclusion(c)}};
  o.connections.push_back(c);

  ConnectionRecord refused;
  refused.name = "x#1";
  refused.group = "x";
  refused.index = 1;
  refused.client_port = 40002;
  refused.connect_start = at_ns(5'000'000);
  refused.closed = at_ns(5'000'100);
  refused.outcome = ConnectionOutcome::reset;
  refused.error = "ECONNRESET";
  refused.syn_retransmits = 2;
  refused.explanation = {{at_ns(5'000'050), Reason{.kind = ReasonKind::abort_on_overflow_rst}},
                         {at_ns(5'000'100), Reason{.kind = ReasonKind::connection_reset}}};
  o.connections.push_back(refused);

  o.counters["TcpExtListenOverflows"] = 1;
  o.counters["TcpExtListenDrops"] = 1;
  o.counters["TcpExtTCPSynRetrans"] = 12;
  return o;
}

std::string packet_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0 || line.rfind("    #", 0) == 0) continue;
    out += line;
    out += '\n';
  }
  return out;
}

std::vector<Expectation> one_held_one_failed() {
  Expectation held;
  held.kind = ExpectationKind::counter;
  held.subject = "TcpExtListenOverflows";
  held.bound = ExpectationBound::at_least;
  held.expected = 1;
  held.actual = 1;
  held.passed = true;
  held.file = "t.yaml";
  held.line = 12;
  held.column = 5;
  Expectation failed;
  failed.kind = ExpectationKind::data_delivered_at;
  failed.subject = "x#0";
  failed.bound = ExpectationBound::within;
  failed.expected = 500'000'000;
  failed.tolerance_ns = 100'000'000;
  failed.actual = 1'000'060'000;
  failed.passed = false;
  failed.file = "t.yaml";
  failed.line = 14;
  failed.column = 5;
  return {held, failed};
}

}  // namespace synsim::report::testing
