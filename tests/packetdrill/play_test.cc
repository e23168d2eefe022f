// packetdrill scripts played on the model's scripted peer: a script that
// states the kernel's behaviour holds, one line wrong fails at that line,
// and what the model cannot play is refused before the run.
#include "sim/packetdrill/play.h"

#include <gtest/gtest.h>

#include "sim/packetdrill/parse.h"

namespace synsim::packetdrill {
namespace {

std::variant<PlayResult, ParseError> play(std::string_view text, const PlayOptions& o = {}) {
  auto parsed = parse_script(text, "t.pkt", [](const std::string&) { return std::nullopt; });
  if (auto* e = std::get_if<ParseError>(&parsed)) return *e;
  return play_on_model(std::get<Script>(parsed), o);
}

PlayResult played(std::string_view text, const PlayOptions& o = {}) {
  auto r = play(text, o);
  if (auto* e = std::get_if<ParseError>(&r)) {
    ADD_FAILURE() << e->message();
    return {};
  }
  return std::get<PlayResult>(std::move(r));
}

// The listener's side of a handshake, as the kernel answers a SYN with
// loopback's options (65495 = 65535 - 40).
constexpr std::string_view kHandshake = R"(
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 65535 <mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <mss 65495,sackOK,TS val 100 ecr 100,nop,wscale 7>
)";

TEST(PacketdrillPlay, APassiveOpenHolds) {
  const PlayResult r = played(std::string(kHandshake) + R"(
 +.01 < . 1:1(0) ack 1 win 512 <nop,nop,TS val 110 ecr 100>
   +0 accept(3, ..., ...) = 4
)");
  EXPECT_TRUE(r.held) << render(r);
  ASSERT_EQ(r.lines.size(), 8u);
  for (const LineResult& l : r.lines) EXPECT_EQ(l.status, LineStatus::ok) << l.text;
}

TEST(PacketdrillPlay, AWrongAckFailsAtItsLineAndTheRestIsNotRun) {
  const PlayResult r = played(R"(
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 65535 <mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7>
   +0 > S. 0:0(0) ack 2
   +0 accept(3, ..., ...) = 4
)");
  EXPECT_FALSE(r.held);
  ASSERT_EQ(r.lines.size(), 5u);
  EXPECT_EQ(r.lines[3].status, LineStatus::failed);
  EXPECT_EQ(r.lines[3].problem, "tcp_ack_seq: expected 2, actual 1");
  EXPECT_EQ(r.lines[4].status, LineStatus::not_run);
}

TEST(PacketdrillPlay, ASegmentOutsideItsTimeAndToleranceFails) {
  const PlayResult r = played(std::string(kHandshake) + "   +.5 > S. 0:0(0) ack 1 <...>\n");
  EXPECT_FALSE(r.held);
  const LineResult& l = r.lines.back();
  EXPECT_EQ(l.status, LineStatus::failed);
  EXPECT_EQ(l.problem, "timing error");
  EXPECT_EQ(l.expected_from, ms(500));
  EXPECT_EQ(l.tolerance, us(62500));  // 12.5% of the 0.5 s since the previous line (more than 4 ms)
  ASSERT_TRUE(l.actual);
  EXPECT_GE(*l.actual, sec(1));  // the first SYN-ACK retransmission: TCP_TIMEOUT_INIT
}

TEST(PacketdrillPlay, ToleranceIsFourMillisecondsOrAnEighthOfTheGapSinceThePreviousEvent) {
  // The first retransmission comes at 1.024 s (the timer wheel rounds 1 s
  // up to 32 ms at HZ 250): +1 holds by the 125 ms an eighth of 1 s gives.
  const PlayResult held = played(std::string(kHandshake) + "   +1 > S. 0:0(0) ack 1 <...>\n");
  EXPECT_TRUE(held.held) << render(held);
  EXPECT_EQ(held.lines.back().tolerance, ms(125));
  PlayOptions strict;
  strict.tolerance_permille = 0;
  const PlayResult late = played(std::string(kHandshake) + "   +1 > S. 0:0(0) ack 1 <...>\n", strict);
  EXPECT_FALSE(late.held);
  EXPECT_EQ(late.lines.back().actual, ms(1024));
}

TEST(PacketdrillPlay, ANonBlockingAcceptOnAnEmptyQueueIsEagain) {
  const PlayResult r = played(R"(
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
   +0 listen(3, 1) = 0
   +0 accept(3, ..., ...) = -1 EAGAIN (Resource temporarily unavailable)
)");
  EXPECT_TRUE(r.held) << render(r);
}

TEST(PacketdrillPlay, ABlockingAcceptReturnsWhenTheHandshakeCompletes) {
  const PlayResult r = played(R"(
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 listen(3, 1) = 0
   +0...0.200 accept(3, ..., ...) = 4
  +.1 < S 0:0(0) win 65535 <mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7>
   +0 > S. 0:0(0) ack 1 <...>
  +.1 < . 1:1(0) ack 1 win 512 <nop,nop,TS val 110 ecr 100>
)");
  EXPECT_TRUE(r.held) << render(r);
  EXPECT_EQ(r.lines[2].actual, ms(200));
}

TEST(PacketdrillPlay, AStraySegmentBeforeTheNextLineFails) {
  // The SYN-ACK is sent and the script does not expect it.
  const PlayResult r = played(R"(
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 65535 <mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7>
   +1 close(3) = 0
)");
  EXPECT_FALSE(r.held);
  EXPECT_EQ(r.lines[3].problem, "the kernel sent a segment the script does not expect before this line");
}

TEST(PacketdrillPlay, ScriptSysctlsReachTheModel) {
  // tcp_synack_retries=1: one retransmission, then the request expires.
  const PlayResult r = played("`sysctl -q net.ipv4.tcp_synack_retries=1`\n" + std::string(kHandshake) + R"(
 +1~+1.04 > S. 0:0(0) ack 1 <...>
   +10 close(3) = 0
)");
  EXPECT_TRUE(r.held) << render(r);
}

TEST(PacketdrillPlay, ASysctlOutOfRangeCannotRun) {
  auto r = play("`sysctl -q net.ipv4.tcp_syncookies=7`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
  ASSERT_TRUE(std::holds_alternative<ParseError>(r));
  EXPECT_EQ(std::get<ParseError>(r).message(), "t.pkt:1:12: sysctl net.ipv4.tcp_syncookies=7 is out of range [0, 2]");
}

TEST(PacketdrillPlay, WhatTheModelCannotPlayIsRefusedBeforeTheRun) {
  auto r = play("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 setsockopt(3, SOL_TCP, TCP_MAXSEG, [536], 4) = 0\n");
  ASSERT_TRUE(std::holds_alternative<ParseError>(r));
  EXPECT_EQ(std::get<ParseError>(r).message(),
            "t.pkt:2:1: TCP_MAXSEG is not modelled (the model's MSS is the profile's loopback MSS) (not run)");
  // A misspelt O_NONBLOCK would leave the socket blocking in silence (found by the fuzzer).
  auto misspelt = play("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOxK) = 0\n");
  ASSERT_TRUE(std::holds_alternative<ParseError>(misspelt));
  EXPECT_EQ(std::get<ParseError>(misspelt).message(),
            "t.pkt:2:1: fcntl(F_SETFL) flag O_NONBLOxK is not one the model knows (O_RDWR, O_NONBLOCK, ...) (not run)");
  EXPECT_TRUE(std::holds_alternative<PlayResult>(
      play("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n")));
}

TEST(PacketdrillPlay, SysctlsTheModelDoesNotReadAreNoted) {
  const PlayResult r = played("`sysctl -q net.ipv4.tcp_frto=2`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
  EXPECT_TRUE(r.held);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "t.pkt:1: sysctl net.ipv4.tcp_frto=2 is not one the model reads: ignored");
}

}  // namespace
}  // namespace synsim::packetdrill

namespace synsim::packetdrill {
namespace {

// Two remote peers by their ports: each has its own sequence numbers, and a
// `>` line holds only for the segment its tuple was sent.
TEST(PacketdrillPlay, PortsNameSeveralRemotePeersEachWithItsOwnNumbers) {
  const std::string_view listen = R"(
    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 2) = 0
   +0 < 40001>8080 S 0:0(0) win 65535 <mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7>
   +0 > 8080>40001 S. 0:0(0) ack 1 <...>
   +0 < 40002>8080 S 500:500(0) win 65535 <mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7>
)";
  const PlayResult ok = played(std::string(listen) + R"(
   +0 > S. 0:0(0) ack 501 <...>
 +.01 < 40001>8080 . 1:1(0) ack 1 win 512 <nop,nop,TS val 110 ecr 100>
 +.01 < 40002>8080 . 501:501(0) ack 1 win 512 <nop,nop,TS val 110 ecr 100>
   +0 accept(3, ..., ...) = 4
   +0 accept(3, ..., ...) = 5
)");
  EXPECT_TRUE(ok.held) << render(ok);
  const PlayResult wrong = played(std::string(listen) + R"(
   +0 > 8080>40001 S. 0:0(0) ack 501 <...>
)");
  EXPECT_FALSE(wrong.held);
  EXPECT_EQ(wrong.lines.back().problem, "4-tuple: expected remote port 40001, actual remote port 40002") << render(wrong);
}

}  // namespace
}  // namespace synsim::packetdrill
