// The loop closed on this machine's kernel: a script written from a model
// run (`synsim run SCENARIO --format pkt --connection NAME`) holds when
// `synsim kernel FILE.pkt` plays it through a TUN device, for the short
// deterministic scenarios (the 2003 stall: 7 s of real time; E1; E4), and
// an altered one fails. E2 (13 s) and E3 (over 100 s: the request's expiry
// and the next retransmission) are played on the model only
// (round_trip_test.cc). Through kernel::play_on_kernel(), what the command
// calls, for its results line by line.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "sim/kernel/pkt_player.h"
#include "tests/kernel/namespaces.h"
#include "tests/pktout/written.h"

namespace synsim::pktout {
namespace {

std::string cannot_open_tun() {
  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::string("cannot open /dev/net/tun: ") + std::strerror(errno);
  ::close(fd);
  return "";
}

using Played = std::variant<packetdrill::PlayResult, packetdrill::ParseError, kernel::PktCannotRun>;

// Whether the player itself was late: a `<` line injected, or a call made,
// more than its tolerance after its time. The kernel's answer then comes
// late too and fails its `>` line with a timing error; that judges this
// machine's scheduling (a busy machine woke the player 83 ms late), not the
// kernel's rules, as a late call does in tests/kernel/pkt_kernel_test.cc.
// packetdrill's --tolerance_usecs default: what an answer at once is allowed.
constexpr Duration kLate = us(4000);

bool player_was_late(const packetdrill::Script& script, const Played& played) {
  const auto* r = std::get_if<packetdrill::PlayResult>(&played);
  if (r == nullptr || r->held) return false;
  for (std::size_t i = 0; i < r->lines.size() && i < script.events.size(); ++i) {
    const packetdrill::LineResult& l = r->lines[i];
    const auto* p = std::get_if<packetdrill::PacketEvent>(&script.events[i].what);
    const bool players = p == nullptr || p->inbound;  // a call, or a `<` line
    if (players && l.actual && l.expected_to && *l.actual > *l.expected_to + kLate) return true;
    if (l.status == packetdrill::LineStatus::failed) return false;
  }
  return false;
}

// What `synsim kernel FILE.pkt` plays (kernel::play_on_kernel), played
// again at most twice when the player was late.
Played play_on_kernel(const std::string& text) {
  const packetdrill::Script script = testing::parsed(text);
  Played r = kernel::play_on_kernel(script, packetdrill::PlayOptions{});
  for (int again = 0; again < 2 && player_was_late(script, r); ++again) {
    std::cerr << "played again: the player was late (this machine was busy):\n"
              << packetdrill::render(std::get<packetdrill::PlayResult>(r));
    r = kernel::play_on_kernel(script, packetdrill::PlayOptions{});
  }
  return r;
}

TEST(WrittenScriptOnTheKernel, StallE1AndE4HoldAndAnAlteredOneFails) {
  SKIP_WITHOUT_NAMESPACES();
  if (const std::string why = cannot_open_tun(); !why.empty()) GTEST_SKIP() << why;
  // One after another (7 s, 0.9 s, 0.1 s, then 3 s for the altered one):
  // at once, on two vCPUs, the players woke each other late.
  const testing::Case cases[] = {testing::kCases[0], testing::kCases[1], testing::kCases[4]};
  for (const testing::Case& c : cases) {
    const Played r = play_on_kernel(testing::written(c.scenario, c.connection));
    if (const auto* no = std::get_if<kernel::PktCannotRun>(&r)) {
      GTEST_SKIP() << "this machine cannot play scripts: " << no->why;
    }
    ASSERT_TRUE(std::holds_alternative<packetdrill::PlayResult>(r)) << std::get<packetdrill::ParseError>(r).message();
    const auto& result = std::get<packetdrill::PlayResult>(r);
    EXPECT_TRUE(result.held) << c.name << ":\n" << packetdrill::render(result);
  }
  // E4 without tcp_abort_on_overflow: the kernel keeps the request and
  // sends no RST, where the script states one.
  const std::string e4 = testing::written("scenarios/measured/e4-abort-on-overflow.yaml", "b#0");
  const Played w =
      play_on_kernel(testing::altered(e4, "`sysctl -q net.ipv4.tcp_abort_on_overflow=1`\n", ""));
  ASSERT_TRUE(std::holds_alternative<packetdrill::PlayResult>(w));
  const auto& wrong = std::get<packetdrill::PlayResult>(w);
  EXPECT_FALSE(wrong.held) << packetdrill::render(wrong);
  // It fails at the RST's line: the kernel sends the request's SYN-ACK
  // retransmission 1 s later instead (or, after 3 s, nothing).
  const auto failed = std::find_if(wrong.lines.begin(), wrong.lines.end(), [](const packetdrill::LineResult& l) {
    return l.status == packetdrill::LineStatus::failed;
  });
  ASSERT_NE(failed, wrong.lines.end());
  EXPECT_NE(failed->text.find("> 8080>49436 R 1:1(0)"), std::string::npos) << packetdrill::render(wrong);
}

}  // namespace
}  // namespace synsim::pktout
