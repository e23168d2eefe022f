// `synsim run SCENARIO --format pkt --connection NAME`: what the written
// script holds (its peers, calls, times and header), what is folded out and
// why, and what cannot be written.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/packetdrill/local.h"
#include "sim/pktout/script_text.h"
#include "sim/pktout/server_view.h"
#include "tests/pktout/written.h"
#include "tests/run_synsim.h"

namespace synsim::pktout {
namespace {

using testing::parsed;
using testing::written;

const char* const kStall = "scenarios/stall/loopback-stall-2003.yaml";

std::vector<const packetdrill::SyscallEvent*> calls_named(const packetdrill::Script& s, const std::string& name) {
  std::vector<const packetdrill::SyscallEvent*> out;
  for (const packetdrill::Event& e : s.events) {
    const auto* c = std::get_if<packetdrill::SyscallEvent>(&e.what);
    if (c != nullptr && c->name == name) out.push_back(c);
  }
  return out;
}

TEST(PacketdrillOut, StallScriptShowsThePeersThatFillTheAcceptQueueAndFoldsOutTheRest) {
  const std::string text = written(kStall, "x#1");
  const packetdrill::Script s = parsed(text);
  // x#1 (49442), and the three children that fill the queue of backlog 2:
  // pre#0, pre#1 and x#0. x#2 and x#3 change nothing x#1 meets.
  std::vector<packetdrill::Tuple> tuples = packetdrill::script_tuples(s);
  std::sort(tuples.begin(), tuples.end());
  EXPECT_EQ(tuples, (std::vector<packetdrill::Tuple>{49436, 49438, 49440, 49442}));
  EXPECT_NE(text.find("without them (this script holds on the model without them):\n//   x#2, x#3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("the model's run with seed 1\n// on the kernel profile linux-6.18 (HZ 250)"), std::string::npos);
  EXPECT_NE(text.find("synsim run scenarios/stall/loopback-stall-2003.yaml --format pkt --connection x#1"),
            std::string::npos);
  // The server's calls: listen() with the scenario's backlog, the three
  // children accepted at 4 s, x#1's at its delivery, its request read, its
  // response written and the socket closed.
  ASSERT_EQ(calls_named(s, "listen").size(), 1u);
  EXPECT_EQ(calls_named(s, "listen")[0]->args[1].number, 2);
  const auto accepts = calls_named(s, "accept");
  ASSERT_EQ(accepts.size(), 4u);
  EXPECT_EQ(accepts.back()->result, 7);
  EXPECT_NE(text.find("read(7, ..., 5) = 5"), std::string::npos);
  EXPECT_NE(text.find("write(7, ..., 5) = 5"), std::string::npos);
  EXPECT_NE(text.find("close(7) = 0"), std::string::npos);
  // Under each segment, the model's reason, with its kernel function.
  EXPECT_NE(text.find("//   x#1: accept queue full (3/3): data segment dropped; request kept and marked acked "
                      "(tcp_v4_syn_recv_sock -> listen_overflow)"),
            std::string::npos);
}

TEST(PacketdrillOut, RetransmittedSynAckIsDueWithinTheTimerWheelsSlack) {
  const packetdrill::Script s = parsed(written(kStall, "x#1"));
  std::vector<packetdrill::TimeSpec> synacks;
  for (const packetdrill::Event& e : s.events) {
    const auto* p = std::get_if<packetdrill::PacketEvent>(&e.what);
    if (p != nullptr && !p->inbound && p->flags == (packetdrill::kSyn | packetdrill::kAck) && p->dst_port == 49442) {
      synacks.push_back(e.time);
    }
  }
  ASSERT_EQ(synacks.size(), 3u);  // the SYN-ACK and its two retransmissions
  // The first answers the SYN at once: timed from it.
  EXPECT_EQ(synacks[0].kind, packetdrill::TimeKind::relative);
  // The model sent them at 1.024 s and 3.040 s: 1 s and 2 s timers, each up
  // to 32 ms late on the wheel plus a jiffy, the second after the first.
  EXPECT_EQ(synacks[1].kind, packetdrill::TimeKind::absolute_range);
  EXPECT_EQ(synacks[1].start, ms(1024) - ms(36));
  EXPECT_EQ(synacks[1].end, ms(1024) + ms(36));
  EXPECT_EQ(synacks[2].start, ms(3040) - ms(72));
  EXPECT_EQ(synacks[2].end, ms(3040) + ms(72));
}

// The check behind folding: a peer that fills the queue is not folded out,
// and a script without it does not hold (x#1's request would create its
// child at once).
TEST(PacketdrillOut, ScriptWithoutAPeerThatFillsTheQueueDoesNotHold) {
  const scenario::Scenario sc = testing::load(kStall);
  const outcome::Outcome out = model::run(sc);
  ASSERT_EQ(out.connections[3].name, "x#1");
  ViewRequest req;
  req.subject = 3;
  req.further = {2};  // x#0 only: pre#0 and pre#1 left out
  ScriptOrigin origin;
  origin.subject = "x#1";
  const std::string text = script_text(sc, origin, server_view(sc, out, req).lines);
  auto played = packetdrill::play_on_model(parsed(text), packetdrill::PlayOptions{});
  ASSERT_TRUE(std::holds_alternative<packetdrill::PlayResult>(played));
  const auto& r = std::get<packetdrill::PlayResult>(played);
  EXPECT_FALSE(r.held) << packetdrill::render(r);
}

TEST(PacketdrillOut, AnswersFollowTheirSegmentsInABurst) {
  // x#2's request retransmission at 6.912 s comes in the same instant as
  // x#1's and x#3's; the model answers all three after the burst, a player
  // answers each as it is injected. The script holds on the model.
  const std::string text = written(kStall, "x#2");
  const std::size_t in = text.find("6.912000 < 49444>8080 P. 1:6(5)");
  const std::size_t ack = text.find("> 8080>49444 . 1:1(0) ack 6");
  ASSERT_NE(in, std::string::npos) << text;
  ASSERT_NE(ack, std::string::npos) << text;
  EXPECT_EQ(text.find("< 49446>8080", in), std::string::npos) << "x#3 is folded out";
  EXPECT_LT(in, ack);
}

// Each from a small scenario (a --set override where it takes one), so
// that no refusal waits on a load run.
// A load scenario's connection: of the others that met the listener while
// it did, none is needed (each was tried and folded out). Shown with all of
// them, the application closes the subject's descriptor and the next
// accept() alone takes it again: that script holds on the model too.
TEST(PacketdrillOut, LoadConnectionFoldsOutEveryOtherAndReusesItsDescriptorOnce) {
  const char* const load = "scenarios/load/c16-b8.yaml";
  const packetdrill::Script alone = parsed(written(load, "load#9"));
  EXPECT_EQ(packetdrill::script_tuples(alone), (std::vector<packetdrill::Tuple>{49454}));
  const scenario::Scenario sc = testing::load(load);
  const outcome::Outcome out = model::run(sc);
  ViewRequest req;
  for (std::size_t i = 0; i < out.connections.size(); ++i) {
    if (out.connections[i].name == "load#9") req.subject = i;
  }
  for (std::size_t i = 4; i < 20; ++i) {
    if (i != req.subject) req.further.push_back(i);
  }
  ScriptOrigin origin;
  origin.subject = "load#9";
  const std::string text = script_text(sc, origin, server_view(sc, out, req).lines);
  const std::size_t closed = text.find("close(9) = 0");
  ASSERT_NE(closed, std::string::npos) << text;
  const std::size_t again = text.find("accept(3, ..., ...) = 9", closed);
  ASSERT_NE(again, std::string::npos) << text;
  EXPECT_NE(text.find("accept(3, ..., ...) = 16", again), std::string::npos) << text;
  auto played = packetdrill::play_on_model(parsed(text), packetdrill::PlayOptions{});
  ASSERT_TRUE(std::holds_alternative<packetdrill::PlayResult>(played));
  EXPECT_TRUE(std::get<packetdrill::PlayResult>(played).held)
      << packetdrill::render(std::get<packetdrill::PlayResult>(played));
}

std::string refusal(const std::string& relative, const std::string& connection,
                    const std::vector<std::string>& sets = {}) {
  scenario::LoadResult loaded = scenario::load_file(std::string(SYNSIM_SOURCE_DIR) + "/" + relative, sets);
  if (!loaded.ok()) return "(not loaded)";
  const outcome::Outcome out = model::run(*loaded.scenario);
  auto w = write_script(*loaded.scenario, out, relative, connection);
  if (std::holds_alternative<std::string>(w)) return "(written)";
  return std::get<CannotWrite>(w).why;
}

TEST(PacketdrillOut, RefusesWhatAScriptCannotSayNamingIt) {
  EXPECT_NE(refusal("scenarios/wire/final-ack-held.yaml", "c#0").find("its link rules (wire mode)"),
            std::string::npos);
  EXPECT_NE(refusal(kStall, "x#9").find("no connection of that name (the scenario's: pre#0, pre#1, x#0"),
            std::string::npos);
  // Seventy clients connecting together: x#1 meets 71 others at the listener.
  EXPECT_NE(refusal(kStall, "x#1", {"clients.x.count=70"}).find("71 other connections met the listener while it did"),
            std::string::npos);
  EXPECT_NE(refusal(kStall, "x#1", {"kernel=linux-2.5.66"}).find("one sweep timer per listener"), std::string::npos);
}

TEST(PacketdrillOut, CommandWritesNothingWhenItCannotWrite) {
  const std::string stall = std::string(SYNSIM_SOURCE_DIR) + "/" + kStall;
  // stdout alone: a refusal leaves it empty, never half a script.
  const auto refused = synsim::testing::shell(std::string(SYNSIM_BINARY) + " run " + SYNSIM_SOURCE_DIR +
                                              "/scenarios/wire/final-ack-held.yaml --format pkt --connection c#0 "
                                              "2>/dev/null");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.output, "");
  const auto no_name = synsim::testing::synsim("run " + stall + " --format pkt");
  EXPECT_EQ(no_name.exit_code, 2);
  EXPECT_NE(no_name.output.find("--connection NAME"), std::string::npos) << no_name.output;
  const auto stray = synsim::testing::synsim("run " + stall + " --connection x#1");
  EXPECT_EQ(stray.exit_code, 2);
  EXPECT_NE(stray.output.find("only with --format pkt"), std::string::npos) << stray.output;
}

}  // namespace
}  // namespace synsim::pktout
