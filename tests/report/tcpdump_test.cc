#include "sim/report/tcpdump.h"

#include <gtest/gtest.h>

#include "sim/report/reason_text.h"
#include "tests/report/fixtures.h"

namespace synsim::report {
namespace {

using namespace outcome;
using testing::client_packet;
using testing::handshake_outcome;
using testing::server_packet;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<std::string> packet_lines_of(const Outcome& o) { return lines_of(render_tcpdump(o, false)); }

TEST(TcpdumpFlags, PrintsLettersInTcpdumpTableOrder) {
  EXPECT_EQ(tcpdump_flags(kSyn), "S");
  EXPECT_EQ(tcpdump_flags(kSyn | kAck), "S.");
  EXPECT_EQ(tcpdump_flags(kAck), ".");
  EXPECT_EQ(tcpdump_flags(kPsh | kAck), "P.");
  EXPECT_EQ(tcpdump_flags(kFin | kAck), "F.");
  EXPECT_EQ(tcpdump_flags(kFin | kPsh | kAck), "FP.");
  EXPECT_EQ(tcpdump_flags(kRst), "R");
  EXPECT_EQ(tcpdump_flags(kRst | kAck), "R.");
  EXPECT_EQ(tcpdump_flags(kFin | kSyn | kRst | kPsh), "FSRP");
  EXPECT_EQ(tcpdump_flags(0), "none");
}

TEST(Tcpdump, SynPrintsAbsoluteSeqAndSynOptions) {
  EXPECT_EQ(packet_lines_of(handshake_outcome())[0],
            "0.000000 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [S], seq 1234, win 65495, "
            "options [mss 65495,sackOK,TS val 100 ecr 0,nop,wscale 7], length 0");
}

TEST(Tcpdump, SynAckPrintsAbsoluteSeqAndAck) {
  EXPECT_EQ(packet_lines_of(handshake_outcome())[1],
            "0.000010 IP 127.0.0.1.9100 > 127.0.0.1.40000: Flags [S.], seq 5678, ack 1235, win 65483, "
            "options [mss 65495,sackOK,TS val 200 ecr 100,nop,wscale 7], length 0");
}

TEST(Tcpdump, PureAckPrintsOnlyRelativeAck) {
  EXPECT_EQ(packet_lines_of(handshake_outcome())[2],
            "0.000020 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [.], ack 1, win 512, "
            "options [nop,nop,TS val 100 ecr 200], length 0");
}

TEST(Tcpdump, DataPrintsRelativeSeqRangeAndTruncatesTimeToMicroseconds) {
  EXPECT_EQ(packet_lines_of(handshake_outcome())[3],
            "0.000030 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [P.], seq 1:6, ack 1, win 512, "
            "options [nop,nop,TS val 101 ecr 200], length 5");
}

TEST(Tcpdump, RetransmittedSynAckPrintsAbsoluteAgain) {
  EXPECT_EQ(packet_lines_of(handshake_outcome())[4],
            "1.000030 IP 127.0.0.1.9100 > 127.0.0.1.40000: Flags [S.], seq 5678, ack 1235, win 65483, "
            "options [mss 65495,sackOK,TS val 1200 ecr 101,nop,wscale 7], length 0");
}

TEST(Tcpdump, DsackOfServerSynPrintsBlockRelativeToServerIsn) {
  EXPECT_EQ(packet_lines_of(handshake_outcome())[5],
            "1.000040 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [.], ack 1, win 512, "
            "options [nop,nop,TS val 1200 ecr 1200,nop,nop,sack 1 {0:1}], length 0");
}

TEST(Tcpdump, FinWithDataPrintsRange) {
  EXPECT_EQ(packet_lines_of(handshake_outcome())[6],
            "1.500000 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [FP.], seq 6:7, ack 1, win 512, "
            "options [nop,nop,TS val 1700 ecr 1200], length 1");
}

TEST(Tcpdump, RstWithAckPrintsRelativeSeqAndAckWithoutOptions) {
  EXPECT_EQ(packet_lines_of(handshake_outcome())[7],
            "1.500010 IP 127.0.0.1.9100 > 127.0.0.1.40000: Flags [R.], seq 1, ack 8, win 0, length 0");
}

TEST(Tcpdump, RstWithoutAckPrintsAbsoluteSeqAndNoAck) {
  // tcpdump keeps relative numbering only for segments with ACK set.
  EXPECT_EQ(packet_lines_of(handshake_outcome())[8],
            "1.600000 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [R], seq 1242, win 0, length 0");
}

TEST(Tcpdump, FirstAckSegmentOfUnseenConversationSetsTheBase) {
  // A capture that starts mid-connection: tcpdump prints the first ACK-bearing
  // segment absolute and numbers later ones from it, taking its seq as base 0
  // (not ISN+1), so the relative numbers are one less than after a handshake.
  Outcome o;
  o.packets.push_back(client_packet(0, kPsh | kAck, 1000, 2000, 5));
  o.packets.push_back(server_packet(1000, kAck, 2000, 1005));
  o.packets.push_back(client_packet(2000, kPsh | kAck, 1005, 2000, 3));
  auto lines = packet_lines_of(o);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "0.000000 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [P.], seq 1000:1005, ack 2000, win 512, length 5");
  EXPECT_EQ(lines[1], "0.000001 IP 127.0.0.1.9100 > 127.0.0.1.40000: Flags [.], ack 5, win 512, length 0");
  EXPECT_EQ(lines[2], "0.000002 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [P.], seq 5:8, ack 1, win 512, length 3");
}

TEST(Tcpdump, ConversationsAreNumberedIndependently) {
  Outcome o;
  Packet a = server_packet(0, kSyn | kAck, 100, 201);
  Packet b = server_packet(1, kSyn | kAck, 500, 601);
  b.dst_port = 40001;
  Packet a_ack = client_packet(2, kAck, 201, 101);
  Packet b_ack = client_packet(3, kAck, 601, 501);
  b_ack.src_port = 40001;
  o.packets = {a, b, a_ack, b_ack};
  auto lines = packet_lines_of(o);
  EXPECT_EQ(lines[2], "0.000000 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [.], ack 1, win 512, length 0");
  EXPECT_EQ(lines[3], "0.000000 IP 127.0.0.1.40001 > 127.0.0.1.9100: Flags [.], ack 1, win 512, length 0");
}

TEST(Tcpdump, OptionsWithoutTimestampsFollowLinuxWireOrder) {
  Outcome o;
  Packet syn = client_packet(0, kSyn, 1, 0);
  syn.options.mss = 1460;
  syn.options.sack_permitted = true;
  syn.options.wscale = 2;
  o.packets.push_back(syn);
  EXPECT_EQ(packet_lines_of(o)[0],
            "0.000000 IP 127.0.0.1.40000 > 127.0.0.1.9100: Flags [S], seq 1, win 512, "
            "options [mss 1460,nop,nop,sackOK,nop,wscale 2], length 0");
}

TEST(Tcpdump, WithAnnotationsStartsWithRunHeaderAndIndentsNotesUnderTheirPacket) {
  std::string text = render_tcpdump(handshake_outcome());
  auto lines = lines_of(text);
  ASSERT_GE(lines.size(), 7u);
  EXPECT_EQ(lines[0], "# synsim model linux-2.5.66 HZ=1000 seed=42 scenario=loopback-stall");
  EXPECT_EQ(lines[3].substr(0, 9), "0.000020 ");
  EXPECT_EQ(lines[4], "    # x#0: accept queue full (1/1): final ACK dropped; request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow)");
  EXPECT_EQ(lines[5].substr(0, 9), "0.000030 ");
  EXPECT_EQ(lines[6], "    # x#0: accept queue full (1/1): data segment dropped; request kept and marked acked (tcp_v4_syn_recv_sock -> listen_overflow)");
  EXPECT_EQ(lines[8], "    # x#0: SYN-ACK retransmit #1 (reqsk_timer_handler) (the request is acked: its ACK met a full accept queue)");
  EXPECT_EQ(lines.size(), 1 + 9 + 3u);
}

TEST(Tcpdump, WithoutAnnotationsPrintsOnlyPacketLines) {
  std::string text = render_tcpdump(handshake_outcome(), false);
  EXPECT_EQ(text, testing::packet_lines(render_tcpdump(handshake_outcome())));
  EXPECT_EQ(text.find('#'), std::string::npos);
}

TEST(Tcpdump, AnnotationPastTheLastPacketIsKeptAtTheEnd) {
  Outcome o;
  o.packets.push_back(client_packet(0, kSyn, 1, 0));
  o.annotations.push_back({7, saved_reason("run ended"), "", std::nullopt});
  auto lines = lines_of(render_tcpdump(o));
  EXPECT_EQ(lines.back(), "    # run ended");
}

TEST(Tcpdump, MultiLineAnnotationKeepsThePrefixOnEveryLine) {
  Outcome o;
  o.packets.push_back(client_packet(0, kSyn, 1, 0));
  o.annotations.push_back({0, saved_reason("SYN queued\nSYN-ACK sent"), "", std::nullopt});
  auto lines = lines_of(render_tcpdump(o));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], "    # x#0: SYN queued");
  EXPECT_EQ(lines[3], "    #   SYN-ACK sent");
}

}  // namespace
}  // namespace synsim::report
