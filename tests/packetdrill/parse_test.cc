// The packetdrill reader: the covered language read into plain structs, and
// everything else refused with FILE:LINE:COL before anything runs.
#include "sim/packetdrill/parse.h"

#include <gtest/gtest.h>

#include <map>

namespace synsim::packetdrill {
namespace {

using Files = std::map<std::string, std::string>;

std::variant<Script, ParseError> parse(std::string_view text, const Files& files = {}) {
  return parse_script(text, "t.pkt", [files](const std::string& name) -> std::optional<std::string> {
    const auto it = files.find(name);
    if (it == files.end()) return std::nullopt;
    return it->second;
  });
}

Script ok(std::string_view text, const Files& files = {}) {
  auto r = parse(text, files);
  if (auto* e = std::get_if<ParseError>(&r)) {
    ADD_FAILURE() << e->message();
    return {};
  }
  return std::get<Script>(std::move(r));
}

std::string error(std::string_view text, const Files& files = {}) {
  auto r = parse(text, files);
  if (auto* e = std::get_if<ParseError>(&r)) return e->message();
  ADD_FAILURE() << "parsed, but should not have:\n" << text;
  return {};
}

const PacketEvent& packet(const Script& s, std::size_t i) { return std::get<PacketEvent>(s.events.at(i).what); }
const SyscallEvent& call(const Script& s, std::size_t i) { return std::get<SyscallEvent>(s.events.at(i).what); }

TEST(PacketdrillParse, ReadsTheKernelsBasicServerScript) {
  const Script s = ok(R"(// Minimal passive open.
`./defaults.sh`

    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
   +0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
   +0 bind(3, ..., ...) = 0
   +0 listen(3, 1) = 0
   +0 < S 0:0(0) win 65535 <mss 1000,sackOK,nop,nop,nop,wscale 8>
   +0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>
   +0 < . 1:1(0) ack 1 win 257
   +0 accept(3, ..., ...) = 4
   +0 < P. 1:1001(1000) ack 1 win 257
 +.04 > . 1:1(0) ack 1002
)",
                      {{"./defaults.sh", "sysctl -q net.ipv4.tcp_syncookies=1\n"}});
  ASSERT_EQ(s.events.size(), 10u);
  EXPECT_EQ(call(s, 0).name, "socket");
  EXPECT_EQ(call(s, 0).result, 3);
  EXPECT_EQ(call(s, 3).args.at(1).number, 1);
  const PacketEvent& syn = packet(s, 4);
  EXPECT_TRUE(syn.inbound);
  EXPECT_EQ(syn.flags, kSyn);
  EXPECT_EQ(syn.win, 65535u);
  ASSERT_TRUE(syn.options);
  EXPECT_EQ(syn.options->size(), 6u);
  EXPECT_EQ(syn.options->at(0).kind, OptionKind::mss);
  EXPECT_EQ(syn.options->at(0).a, 1000u);
  EXPECT_EQ(syn.options->at(5).kind, OptionKind::wscale);
  const PacketEvent& synack = packet(s, 5);
  EXPECT_FALSE(synack.inbound);
  EXPECT_EQ(synack.flags, kSyn | kAck);
  EXPECT_EQ(synack.ack, 1u);
  const PacketEvent& data = packet(s, 8);
  EXPECT_EQ(data.seq, 1u);
  EXPECT_EQ(data.len, 1000u);
  EXPECT_EQ(s.events.at(9).time.kind, TimeKind::relative);
  EXPECT_EQ(s.events.at(9).time.start, ms(40));
  EXPECT_EQ(s.events.at(9).where.line, 13u);
  EXPECT_EQ(s.events.at(9).text, "+.04 > . 1:1(0) ack 1002");
  ASSERT_EQ(s.sysctls.size(), 1u);
  EXPECT_EQ(s.sysctls[0].name, "net.ipv4.tcp_syncookies");
  EXPECT_EQ(s.sysctls[0].value, "1");
}

TEST(PacketdrillParse, ReadsEveryKindOfTime) {
  const Script s = ok("0 listen(3, 1) = 0\n+0.5 close(3) = 0\n1.0~1.5 close(3) = 0\n+1~+2 close(3) = 0\n"
                      "* close(3) = 0\n+0...0.200 accept(3, ..., ...) = 4\n");
  EXPECT_EQ(s.events[0].time.kind, TimeKind::absolute);
  EXPECT_EQ(s.events[1].time.kind, TimeKind::relative);
  EXPECT_EQ(s.events[1].time.start, ms(500));
  EXPECT_EQ(s.events[2].time.kind, TimeKind::absolute_range);
  EXPECT_EQ(s.events[2].time.end, ms(1500));
  EXPECT_EQ(s.events[3].time.kind, TimeKind::relative_range);
  EXPECT_EQ(s.events[4].time.kind, TimeKind::any);
  EXPECT_EQ(s.events[5].time.kind, TimeKind::relative);
  EXPECT_EQ(call(s, 5).end, ms(200));
}

TEST(PacketdrillParse, ReadsOptionsAcksAndErrors) {
  const Script s = ok("0 < S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 7,nop,wscale 7>\n"
                      "+0 > . 1:1(0) ack 1 <nop,nop,sack 1001:2001 3001:4001>\n"
                      "+0 > R. 1:1(0) ack 1 <...>\n"
                      "+0 accept(3, ..., ...) = -1 EAGAIN (Resource temporarily unavailable)\n"
                      "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0\n"
                      "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n");
  const TcpOption& ts = packet(s, 0).options->at(2);
  EXPECT_EQ(ts.kind, OptionKind::timestamp);
  EXPECT_EQ(ts.a, 100u);
  EXPECT_EQ(ts.b, 7u);
  const TcpOption& sack = packet(s, 1).options->at(2);
  ASSERT_EQ(sack.blocks.size(), 2u);
  EXPECT_EQ(sack.blocks[1], (std::pair<std::uint32_t, std::uint32_t>{3001, 4001}));
  EXPECT_TRUE(packet(s, 2).options_any);
  EXPECT_EQ(call(s, 3).result, -1);
  EXPECT_EQ(call(s, 3).errno_name, "EAGAIN");
  EXPECT_EQ(call(s, 4).args.at(3).elements.at(1).text, "l_linger");
  EXPECT_EQ(call(s, 5).args.at(2).text, "O_RDWR|O_NONBLOCK");
}

TEST(PacketdrillParse, PortsBeforeTheFlagsNameTheSegmentsFourTuple) {
  const Script s = ok("0 < 40002>8080 S 0:0(0) win 65535\n"
                      "+0 > 8080>40002 S. 0:0(0) ack 1\n"
                      "+0 < . 1:1(0) ack 1 win 512\n");
  EXPECT_EQ(packet(s, 0).src_port, 40002);
  EXPECT_EQ(packet(s, 0).dst_port, 8080);
  EXPECT_EQ(packet(s, 0).remote_port(), 40002);
  EXPECT_EQ(packet(s, 1).remote_port(), 40002);  // outbound: the destination
  EXPECT_FALSE(packet(s, 2).remote_port());
  EXPECT_EQ(error("0 < 40002 S 0:0(0) win 1\n"), "t.pkt:1:10: expected '>' between the source and destination ports "
                                                "(SRC>DST), found 'S'");
  EXPECT_NE(error("0 < 70000>8080 S 0:0(0) win 1\n").find("t.pkt:1:5:"), std::string::npos);
}

TEST(PacketdrillParse, SysctlLinesBecomeSysctlsAndOtherCommandsAreSkipped) {
  const Script s = ok("`sysctl -q net.ipv4.tcp_synack_retries=2 net.core.somaxconn=\"16\"\n"
                      "tc qdisc add dev tun0 root pfifo; sysctl -w net/ipv4/tcp_syncookies=0`\n"
                      "0 listen(3, 1) = 0\n");
  ASSERT_EQ(s.sysctls.size(), 3u);
  EXPECT_EQ(s.sysctls[0].name, "net.ipv4.tcp_synack_retries");
  EXPECT_EQ(s.sysctls[1].value, "16");
  EXPECT_EQ(s.sysctls[2].name, "net.ipv4.tcp_syncookies");
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(s.skipped[0].command, "tc qdisc add dev tun0 root pfifo");
  EXPECT_EQ(s.skipped[0].where.line, 2u);
}

TEST(PacketdrillParse, DefaultsShBesideTheScriptIsReadNotRun) {
  const Script s = ok("`../common/defaults.sh`\n0 listen(3, 1) = 0\n",
                      {{"../common/defaults.sh",
                        "#!/bin/bash\nip tcp_metrics flush all > /dev/null 2>&1\n"
                        "sysctl -q net.ipv4.tcp_rmem=\"4096 540000 $((15*1024*1024))\"\n"
                        "sysctl -q net.ipv4.tcp_early_retrans=4 net.ipv4.tcp_recovery=1\n"}});
  ASSERT_EQ(s.sysctls.size(), 3u);
  EXPECT_EQ(s.sysctls[0].value, "4096 540000 $((15*1024*1024))");
  EXPECT_EQ(s.sysctls[1].file, "../common/defaults.sh");
  EXPECT_EQ(s.sysctls[1].where.line, 4u);
  ASSERT_EQ(s.skipped.size(), 1u);
  EXPECT_EQ(s.skipped[0].command, "ip tcp_metrics flush all > /dev/null 2>&1");
}

TEST(PacketdrillParse, AMissingDefaultsShIsAnError) {
  EXPECT_EQ(error("`./defaults.sh`\n0 listen(3, 1) = 0\n"),
            "t.pkt:1:2: cannot read ./defaults.sh beside the script (its sysctls would be missing)");
}

TEST(PacketdrillParse, ASysctlAfterTheFirstEventIsRefused) {
  EXPECT_EQ(error("0 listen(3, 1) = 0\n+0 `sysctl -q net.ipv4.tcp_syncookies=2`\n"),
            "t.pkt:2:15: sysctl net.ipv4.tcp_syncookies is set after the script's first event: the model's "
            "sysctls hold for the whole run (set it before the first event)");
}

TEST(PacketdrillParse, ASegmentWithNoTimeIsAnError) {
  EXPECT_EQ(error("0 listen(3, 1) = 0\n> S. 0:0(0) ack 1\n"),
            "t.pkt:2:1: a segment needs a time before it (0, +0.1, 0.1~0.2 or *)");
}

TEST(PacketdrillParse, UnknownSystemCallsAreErrors) {
  EXPECT_EQ(error("0 poll([{fd=3, events=POLLIN}], 1, 0) = 1\n"),
            "t.pkt:1:3: unknown system call 'poll' (covered: socket, setsockopt, getsockopt, fcntl, bind, "
            "listen, accept, connect, read, recv, write, send, close, shutdown, accept4)");
}

TEST(PacketdrillParse, SyntaxErrorsNameTheLineAndColumn) {
  EXPECT_EQ(error("0 < S 0:0 win 100\n"), "t.pkt:1:10: expected '(' before the payload length (start:end(length)), "
                                          "found 'win'");
  EXPECT_EQ(error("0 < S 0:5(4)\n"), "t.pkt:1:7: the sequence range 0:5 holds 5 bytes, not the length 4");
  EXPECT_EQ(error("0 < X 0:0(0)\n"), "t.pkt:1:5: unknown TCP flag (flags are S . P F R)");
  EXPECT_EQ(error("0 < S 0:0(0) <mss 1000,bogus>\n"),
            "t.pkt:1:24: unknown TCP option 'bogus' (covered: nop, eol, mss, sackOK, TS val/ecr, wscale, sack)");
  EXPECT_EQ(error("0 listen(3, 1)\n"),
            "t.pkt:1:15: expected '=' before the system call's expected result (= N), found the end of the line");
  EXPECT_EQ(error("0 < S 0:0(0) ack 1\n"), "t.pkt:1:14: an ack number on a segment without the ACK flag (.)");
  EXPECT_EQ(error("0.1~+0.2 close(3) = 0\n"), "t.pkt:1:5: a time range mixes absolute and relative (+) times");
}

TEST(PacketdrillParse, TruncatedInputIsAnError) {
  EXPECT_EQ(error("0 listen(3, 1) = 0\n+0 < S 0:0("), "t.pkt:2:12: expected a payload length, found the end of the file");
  EXPECT_EQ(error("0 listen(3, 1) = 0\n/* open"), "t.pkt:2:1: unterminated comment: /* has no */ before the end of "
                                                  "the file");
  EXPECT_EQ(error("`sysctl -q net.ipv4.tcp_sack=1\n"), "t.pkt:1:1: unterminated shell command: ` has no closing ` "
                                                       "before the end of the file");
  EXPECT_EQ(error("0 listen(3, 1) = 0\n+0.5"), "t.pkt:2:5: the time has no event after it (truncated line?)");
  EXPECT_EQ(error("// nothing but a comment\n"), "t.pkt:2:1: the script has no events");
}

TEST(PacketdrillParse, BinaryInputIsAnError) {
  EXPECT_EQ(error(std::string_view("0 listen(3, 1) = 0\n\x7f" "ELF\0\x01", 25)),
            "t.pkt:2:5: binary input (byte 0x00): a packetdrill script is text");
  EXPECT_EQ(error("0 close(3) = 0\n\xff\xfe"), "t.pkt:2:1: binary input (byte 0xff): a packetdrill script is text");
}

TEST(PacketdrillParse, FeaturesOutsideTheCoveredLanguageAreRefusedByName) {
  EXPECT_EQ(error("0 < S 0:10(10) <FO abcd>\n"), "t.pkt:1:7: TCP Fast Open (data on a SYN) is outside the covered "
                                                "language (not run)");
  EXPECT_EQ(error("0 < S 0:0(0) <mss 1460,FO abcd>\n"),
            "t.pkt:1:24: TCP Fast Open (the FO option) is outside the covered language (not run)");
  EXPECT_EQ(error("0 setsockopt(3, SOL_TCP, TCP_FASTOPEN, [1], 4) = 0\n"),
            "t.pkt:1:26: TCP Fast Open (TCP_FASTOPEN) is outside the covered language (not run)");
  EXPECT_EQ(error("0 < SEW 0:0(0)\n"), "t.pkt:1:6: ECN (the E and W flags) is outside the covered language (not run)");
  EXPECT_EQ(error("0 < [ect0] S 0:0(0)\n"),
            "t.pkt:1:5: ECN codepoints ([ect0], [ect1], [ce], [noecn]) is outside the covered language (not run)");
  EXPECT_EQ(error("0 > S. 0:0(0) ack 1 <mss 1460,AccECN0 1>\n"),
            "t.pkt:1:31: AccECN (the AccECN option) is outside the covered language (not run)");
  EXPECT_EQ(error("0 socket(..., SOCK_STREAM, IPPROTO_MPTCP) = 3\n"),
            "t.pkt:1:28: MPTCP is outside the covered language (not run)");
  EXPECT_EQ(error("0 < S 0:0(0) <mpcapable v1 flags[flag_h] nokey>\n"),
            "t.pkt:1:15: MPTCP (the mpcapable option) is outside the covered language (not run)");
  EXPECT_EQ(error("0 getsockopt(3, SOL_TCP, TCP_CONGESTION, \"cubic\", [16]) = 0\n"),
            "t.pkt:1:26: congestion-control assertions (TCP_CONGESTION) is outside the covered language (not run)");
  EXPECT_EQ(error("0 close(3) = 0\n+0 %{ assert tcpi_reordering == 3 }%\n"),
            "t.pkt:2:4: Python code (%{ }%, tcpi_* and congestion-control assertions) is outside the covered "
            "language (not run)");
  EXPECT_EQ(error("0 getsockopt(3, SOL_TCP, TCP_INFO, {tcpi_state=1}, [4]) = 0\n"),
            "t.pkt:1:26: tcpi_* assertions (TCP_INFO) is outside the covered language (not run)");
  EXPECT_EQ(error("0 setsockopt(3, SOL_TCP, TCP_NODELAY, [tcpi_rtt], 4) = 0\n"),
            "t.pkt:1:40: tcpi_* assertions (tcpi_rtt) is outside the covered language (not run)");
  EXPECT_EQ(error("0 setsockopt(3, SOL_TCP, TCP_ULP, \"tls\", 4) = 0\n"),
            "t.pkt:1:26: socket option 'TCP_ULP' is outside the covered language (covered: SO_REUSEADDR, "
            "SO_LINGER, SO_RCVBUF, SO_ERROR, TCP_DEFER_ACCEPT, TCP_NODELAY, TCP_MAXSEG, TCP_SYNCNT, SO_SNDBUF)");
}

TEST(PacketdrillParse, OnlyASystemCallCanBlock) {
  EXPECT_EQ(error("0...0.2 < S 0:0(0)\n"), "t.pkt:1:1: only a system call can block (start...end)");
}

}  // namespace
}  // namespace synsim::packetdrill
