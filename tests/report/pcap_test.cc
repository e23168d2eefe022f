#include "sim/report/pcap.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "sim/report/tcpdump.h"
#include "sim/report/wire.h"
#include "tests/report/fixtures.h"

namespace synsim::report {
namespace {

using namespace outcome;
using testing::client_packet;
using testing::handshake_outcome;
using testing::server_packet;

constexpr const char* kTcpdump = "/usr/bin/tcpdump";

std::uint32_t le32_at(const std::string& s, std::size_t i) {
  std::uint32_t v = 0;
  for (int b = 3; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(s[i + b]);
  return v;
}
std::uint32_t le16_at(const std::string& s, std::size_t i) {
  return static_cast<unsigned char>(s[i]) | (std::uint32_t{static_cast<unsigned char>(s[i + 1])} << 8);
}
std::uint32_t be16_at(const std::string& s, std::size_t i) {
  return (std::uint32_t{static_cast<unsigned char>(s[i])} << 8) | static_cast<unsigned char>(s[i + 1]);
}

// A pcap file in the system temp directory, removed when the test ends.
class TempPcap {
 public:
  explicit TempPcap(const std::string& bytes) {
    static int counter = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("synsim_report_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".pcap");
    std::ofstream out(path_, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path_.string());
  }
  ~TempPcap() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `tcpdump ARGS -r FILE` and returns its standard output.
std::string tcpdump_read(const TempPcap& file, const std::string& args) {
  std::string command = std::string(kTcpdump) + " " + args + " -r '" + file.path().string() + "' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error(command + " failed with status " + std::to_string(status));
  return out;
}

#define REQUIRE_TCPDUMP()                                                                   \
  do {                                                                                      \
    if (!std::filesystem::exists(kTcpdump)) {                                               \
      GTEST_SKIP() << kTcpdump << " is not installed; cannot check the capture against it"; \
    }                                                                                       \
  } while (0)

void expect_tcpdump_agrees(const Outcome& o) {
  TempPcap file(render_pcap(o));
  std::string theirs = tcpdump_read(file, "-tt -n");
  EXPECT_EQ(static_cast<std::size_t>(std::count(theirs.begin(), theirs.end(), '\n')), o.packets.size());
  EXPECT_EQ(theirs, render_tcpdump(o, false));
}

// Deterministic packets over several conversations with every flag
// combination and option mix, for comparing against tcpdump.
Outcome random_outcome(std::uint64_t seed, int count) {
  std::uint64_t state = seed;
  auto next = [&state]() {  // splitmix64
    state += 0x9e3779b97f4a7c15ull;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  auto below = [&next](std::uint64_t n) { return next() % n; };
  // Ports tcpdump does not hand to an application printer.
  const std::uint16_t ports[] = {9100, 40000, 40001, 33000, 9100};
  const char* addresses[] = {"127.0.0.1", "127.0.0.2", "10.1.2.3"};
  Outcome o;
  std::int64_t t = 0;
  for (int i = 0; i < count; ++i) {
    Packet p;
    t += static_cast<std::int64_t>(below(3'000'000));
    p.time = at_ns(t);
    p.src_addr = addresses[below(3)];
    p.dst_addr = addresses[below(3)];
    p.src_port = ports[below(5)];
    p.dst_port = ports[below(5)];
    p.flags = static_cast<std::uint8_t>(below(4) == 0 ? next() : (below(2) ? kAck : kSyn | kAck));
    p.seq = static_cast<std::uint32_t>(below(8) == 0 ? next() : 1000 + below(50));
    p.ack = static_cast<std::uint32_t>(below(8) == 0 ? next() : 5000 + below(50));
    p.window = static_cast<std::uint16_t>(next());
    p.length = below(3) == 0 ? static_cast<std::uint32_t>(below(1500)) : 0;
    if (below(2)) p.options.mss = static_cast<std::uint16_t>(1 + below(65535));
    p.options.sack_permitted = below(2);
    p.options.has_timestamp = below(2);
    p.options.ts_val = static_cast<std::uint32_t>(next());
    p.options.ts_ecr = static_cast<std::uint32_t>(next());
    if (below(2)) p.options.wscale = static_cast<int>(below(15));
    for (auto n = below(5); n > 0; --n) {
      auto left = static_cast<std::uint32_t>(below(2) ? next() : 5000 + below(50));
      p.options.sack.push_back({left, left + static_cast<std::uint32_t>(below(3000))});
    }
    while (encode_tcp_options(p.options).size() > kMaxTcpOptionBytes) p.options.sack.pop_back();
    o.packets.push_back(p);
  }
  return o;
}

TEST(Pcap, FileHeaderIsClassicLittleEndianRawIp) {
  std::string bytes = render_pcap(Outcome{});
  ASSERT_EQ(bytes.size(), 24u);
  EXPECT_EQ(le32_at(bytes, 0), 0xa1b2c3d4u);
  EXPECT_EQ(le16_at(bytes, 4), 2u);
  EXPECT_EQ(le16_at(bytes, 6), 4u);
  EXPECT_EQ(le32_at(bytes, 16), 65535u);
  EXPECT_EQ(le32_at(bytes, 20), 101u);
}

TEST(Pcap, RecordHoldsPacketTimeAndIpv4TcpHeadersWithOptions) {
  Outcome o = handshake_outcome();
  std::string bytes = render_pcap(o);
  // The SYN-ACK at 10us: 20 bytes IP + 20 TCP + 20 options.
  std::size_t rec = 24;
  rec += 16 + le32_at(bytes, rec + 8);  // skip the SYN
  EXPECT_EQ(le32_at(bytes, rec), 0u);
  EXPECT_EQ(le32_at(bytes, rec + 4), 10u);
  EXPECT_EQ(le32_at(bytes, rec + 8), 60u);
  EXPECT_EQ(le32_at(bytes, rec + 12), 60u);
  std::size_t ip = rec + 16;
  EXPECT_EQ(static_cast<unsigned char>(bytes[ip]), 0x45);
  EXPECT_EQ(be16_at(bytes, ip + 2), 60u);   // total length
  EXPECT_EQ(be16_at(bytes, ip + 4), 2u);    // id counts packets from 1
  EXPECT_EQ(be16_at(bytes, ip + 6), 0x4000u);  // DF
  EXPECT_EQ(static_cast<unsigned char>(bytes[ip + 8]), 64);
  EXPECT_EQ(static_cast<unsigned char>(bytes[ip + 9]), 6);
  std::size_t tcp = ip + 20;
  EXPECT_EQ(be16_at(bytes, tcp), 9100u);
  EXPECT_EQ(static_cast<unsigned char>(bytes[tcp + 12]) >> 4, 10);  // data offset: 40 bytes
  EXPECT_EQ(static_cast<unsigned char>(bytes[tcp + 13]), kSyn | kAck);
}

TEST(Pcap, DataPacketCarriesLengthZeroBytes) {
  Outcome o;
  o.packets.push_back(client_packet(0, kPsh | kAck, 1, 1, 5));
  std::string bytes = render_pcap(o);
  ASSERT_EQ(bytes.size(), 24u + 16u + 45u);
  EXPECT_EQ(bytes.substr(bytes.size() - 5), std::string(5, '\0'));
}

TEST(Pcap, NonIpv4AddressIsAnError) {
  Outcome o;
  o.packets.push_back(client_packet(0, kSyn, 1, 0));
  o.packets[0].dst_addr = "::1";
  EXPECT_THROW(render_pcap(o), std::runtime_error);
}

TEST(Pcap, OptionsOverFortyBytesAreAnError) {
  Outcome o;
  o.packets.push_back(client_packet(0, kAck, 1, 1));
  o.packets[0].options.has_timestamp = true;
  o.packets[0].options.sack.assign(4, SackBlock{1, 2});  // 12 + 4 + 32 bytes
  EXPECT_THROW(render_pcap(o), std::runtime_error);
}

TEST(Pcap, TcpdumpReadsHandshakeAsRenderTcpdumpPrintsIt) {
  REQUIRE_TCPDUMP();
  expect_tcpdump_agrees(handshake_outcome());
}

TEST(Pcap, TcpdumpReadsMidStreamCaptureAsRenderTcpdumpPrintsIt) {
  REQUIRE_TCPDUMP();
  Outcome o;
  o.packets.push_back(client_packet(0, kPsh | kAck, 1000, 2000, 5));
  o.packets.push_back(server_packet(1000, kAck, 2000, 1005));
  o.packets.push_back(client_packet(2000, kPsh | kAck, 1005, 2000, 3));
  o.packets.push_back(client_packet(3000, kRst, 1008, 0));
  expect_tcpdump_agrees(o);
}

TEST(Pcap, TcpdumpReadsRandomPacketsAsRenderTcpdumpPrintsThem) {
  REQUIRE_TCPDUMP();
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    expect_tcpdump_agrees(random_outcome(seed, 300));
  }
}

TEST(Pcap, TcpdumpFindsEveryChecksumCorrect) {
  REQUIRE_TCPDUMP();
  Outcome o = random_outcome(7, 200);
  TempPcap file(render_pcap(o));
  std::string verbose = tcpdump_read(file, "-vv -n");
  std::size_t correct = 0;
  for (std::size_t at = verbose.find("(correct)"); at != std::string::npos; at = verbose.find("(correct)", at + 1)) {
    ++correct;
  }
  EXPECT_EQ(correct, o.packets.size());
  EXPECT_EQ(verbose.find("incorrect"), std::string::npos) << verbose;
  EXPECT_EQ(verbose.find("bad cksum"), std::string::npos) << verbose;
}

}  // namespace
}  // namespace synsim::report
