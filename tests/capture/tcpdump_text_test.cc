// tcpdump's text read back: today's form and the 2003 form, -n or names,
// -tt, -ttt, -tttt, -S, with and without IP, wrapped lines, and every line
// that is not a TCP packet line said (skipped) or refused (FILE:LINE:COL).
#include <gtest/gtest.h>

#include <string>

#include "sim/capture/tcpdump_text.h"

namespace synsim::capture {
namespace {

constexpr const char* kModern =
    "1700000000.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1000, win 65495, options [mss "
    "65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0\n"
    "1700000000.000010 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 65483, options [mss "
    "65495,sackOK,TS val 2 ecr 1,nop,wscale 7], length 0\n"
    "1700000000.000020 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 1, win 512, options [nop,nop,TS val 3 "
    "ecr 2], length 0\n"
    "1700000000.000030 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [P.], seq 1:6, ack 1, win 512, options "
    "[nop,nop,TS val 4 ecr 2], length 5: HTTP: GET / HTTP/1.0\n"
    "1700000000.000040 IP 127.0.0.1.8080 > 127.0.0.1.40000: Flags [.], ack 6, win 512, options [nop,nop,TS val 5 "
    "ecr 4,nop,nop,sack 1 {1:6}], length 0\n";

// What kModern says, in absolute numbers, whatever form it was printed in.
void expect_the_handshake_and_request(const Input& in) {
  ASSERT_EQ(in.segments.size(), 5u);
  const outcome::Packet& syn = in.segments[0].packet;
  EXPECT_EQ(syn.src_addr, "127.0.0.1");
  EXPECT_EQ(syn.src_port, 40000);
  EXPECT_EQ(syn.dst_port, 8080);
  EXPECT_EQ(syn.flags, outcome::kSyn);
  EXPECT_EQ(syn.seq, 1000u);
  EXPECT_EQ(syn.options.mss, 65495);
  EXPECT_TRUE(syn.options.sack_permitted);
  EXPECT_EQ(syn.options.wscale, 7);
  const outcome::Packet& synack = in.segments[1].packet;
  EXPECT_EQ(synack.flags, outcome::kSyn | outcome::kAck);
  EXPECT_EQ(synack.seq, 5000u);
  EXPECT_EQ(synack.ack, 1001u);
  const outcome::Packet& ack = in.segments[2].packet;
  EXPECT_EQ(ack.flags, outcome::kAck);
  EXPECT_EQ(ack.seq, 1001u);
  EXPECT_EQ(ack.ack, 5001u);
  EXPECT_EQ(ack.options.ts_val, 3u);
  const outcome::Packet& data = in.segments[3].packet;
  EXPECT_EQ(data.flags, outcome::kPsh | outcome::kAck);
  EXPECT_EQ(data.seq, 1001u);
  EXPECT_EQ(data.length, 5u);
  const outcome::Packet& acked = in.segments[4].packet;
  EXPECT_EQ(acked.ack, 1006u);
  EXPECT_EQ(acked.seq, 5001u);
  ASSERT_EQ(acked.options.sack.size(), 1u);
  EXPECT_EQ(acked.options.sack[0].left, 1001u);
  EXPECT_EQ(acked.options.sack[0].right, 1006u);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

TEST(TcpdumpText, TodaysFormWithRelativeNumbers) {
  const Input in = read_tcpdump_text(kModern, "t.txt");
  expect_the_handshake_and_request(in);
  EXPECT_EQ(in.segments[0].ns, 1'700'000'000'000'000'000);
  EXPECT_EQ(in.segments[4].ns - in.segments[0].ns, 40'000);
  EXPECT_TRUE(in.skipped.empty());
}

TEST(TcpdumpText, AbsoluteNumbersOfDashS) {
  std::string text = kModern;
  text = replace_all(text, "Flags [.], ack 1,", "Flags [.], ack 5001,");
  text = replace_all(text, "seq 1:6, ack 1,", "seq 1001:1006, ack 5001,");
  text = replace_all(text, "Flags [.], ack 6,", "Flags [.], ack 1006,");
  text = replace_all(text, "sack 1 {1:6}", "sack 1 {1001:1006}");
  expect_the_handshake_and_request(read_tcpdump_text(text, "t.txt"));
}

TEST(TcpdumpText, WithoutIpAndWithAnyInterfacesDirection) {
  expect_the_handshake_and_request(read_tcpdump_text(replace_all(kModern, " IP ", " "), "t.txt"));
  expect_the_handshake_and_request(read_tcpdump_text(replace_all(kModern, " IP ", " lo    In  IP "), "t.txt"));
}

TEST(TcpdumpText, TimeOfDayDateAndDeltas) {
  std::string text = kModern;
  for (int i = 0; i < 5; ++i) {
    text = replace_all(text, "1700000000.0000" + std::to_string(i) + "0", "11:09:5" + std::to_string(i) + ".000001");
  }
  Input in = read_tcpdump_text(text, "t.txt");
  expect_the_handshake_and_request(in);
  EXPECT_EQ(in.segments[4].ns - in.segments[0].ns, 4'000'000'000);

  text = kModern;
  for (int i = 0; i < 5; ++i) {
    text = replace_all(text, "1700000000.0000" + std::to_string(i) + "0",
                       i == 0 ? std::string("00:00:00.000000") : "00:00:0" + std::to_string(i) + ".000000");
  }
  in = read_tcpdump_text(text, "t.txt");  // -ttt: each time since the line before
  expect_the_handshake_and_request(in);
  EXPECT_EQ(in.segments[4].ns - in.segments[0].ns, 10'000'000'000);  // 1 + 2 + 3 + 4 s

  text = replace_all(kModern, "1700000000.", "2023-11-14 22:13:20.");
  in = read_tcpdump_text(text, "t.txt");  // -tttt
  expect_the_handshake_and_request(in);
  EXPECT_EQ(in.segments[0].ns, 1'700'000'000'000'000'000);
}

TEST(TcpdumpText, Ipv6Addresses) {
  const Input in = read_tcpdump_text(replace_all(kModern, "IP 127.0.0.1.", "IP6 ::1."), "t.txt");
  ASSERT_EQ(in.segments.size(), 5u);
  EXPECT_EQ(in.segments[0].packet.src_addr, "::1");
  EXPECT_EQ(in.segments[0].packet.dst_port, 8080);
}

TEST(TcpdumpText, The2003FormWrappedAndLabelledAsInTheReport) {
  const std::string text =
      "Line 1: 11:09:51.399251 localhost.49186 > localhost.webcache: S\n"
      "3745756949:3745756949(0) win 32767 <mss 16396,sackOK,timestamp 19532972\n"
      "19532939,nop,wscale 11> (DF)\n"
      "\n"
      "Line 2: 11:09:51.399287 localhost.webcache > localhost.49186: S\n"
      "3755771471:3755771471(0) ack 3745756950 win 32767 <mss\n"
      "16396,sackOK,timestamp 19532972 19532972,nop,wscale 11> (DF)\n"
      "\n"
      "Line 3: 11:09:51.399337 localhost.49186 > localhost.webcache: . ack 1 win\n"
      "15 <nop,nop,timestamp 19532972 19532972> (DF)\n"
      "...\n"
      "Line 4: 11:09:51.426500 localhost.49186 > localhost.webcache: P 1:6(5) ack\n"
      "1 win 15 <nop,nop,timestamp 19532999 19532972> (DF)\n"
      "Line 6: 11:09:54.954641 localhost.49186 > localhost.webcache: . ack 1 win\n"
      "15 <nop,nop,timestamp 19536528 19536528,nop,nop,sack sack 1 {0:1} > (DF)\n";
  const Input in = read_tcpdump_text(text, "r.txt");
  ASSERT_EQ(in.segments.size(), 5u);
  const outcome::Packet& syn = in.segments[0].packet;
  EXPECT_EQ(syn.src_addr, "127.0.0.1");
  EXPECT_EQ(syn.src_port, 49186);
  EXPECT_EQ(syn.dst_port, 8080);  // webcache
  EXPECT_EQ(syn.seq, 3745756949u);
  EXPECT_EQ(syn.options.mss, 16396);
  EXPECT_EQ(syn.options.ts_val, 19532972u);
  EXPECT_EQ(syn.options.ts_ecr, 19532939u);
  EXPECT_EQ(syn.options.wscale, 11);
  EXPECT_EQ(in.segments[1].packet.ack, 3745756950u);
  EXPECT_EQ(in.segments[2].packet.ack, 3755771472u);  // "ack 1"
  EXPECT_EQ(in.segments[2].packet.seq, 3745756950u);
  EXPECT_EQ(in.segments[2].packet.window, 15);
  const outcome::Packet& data = in.segments[3].packet;
  EXPECT_EQ(data.flags, outcome::kPsh | outcome::kAck);
  EXPECT_EQ(data.seq, 3745756950u);
  EXPECT_EQ(data.length, 5u);
  const outcome::Packet& dup = in.segments[4].packet;
  ASSERT_EQ(dup.options.sack.size(), 1u);
  EXPECT_EQ(dup.options.sack[0].left, 3755771471u);  // {0:1}: the SYN-ACK's sequence number
  EXPECT_EQ(dup.options.sack[0].right, 3755771472u);
  ASSERT_EQ(in.skipped.size(), 1u);  // the "..."
  EXPECT_EQ(in.skipped[0].where, "r.txt:11:1");
}

TEST(TcpdumpText, LinesThatAreNotTcpPacketLinesAreSaidAndSkipped) {
  const std::string text = std::string("reading from file x.pcap, link-type EN10MB (Ethernet)\n") + kModern +
                           "1700000000.000050 IP 127.0.0.1.53 > 127.0.0.1.40001: 1234 1/0/0 A 1.2.3.4 (45)\n"
                           "IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 6, win 512, length 0\n";
  const Input in = read_tcpdump_text(text, "t.txt");
  EXPECT_EQ(in.segments.size(), 5u);
  ASSERT_EQ(in.skipped.size(), 3u);
  EXPECT_EQ(in.skipped[0].where, "t.txt:1:1");
  EXPECT_EQ(in.skipped[0].why, "not a tcpdump packet line");
  EXPECT_EQ(in.skipped[1].where, "t.txt:7:1");
  EXPECT_EQ(in.skipped[1].why.substr(0, 8), "not TCP:");
  EXPECT_EQ(in.skipped[2].where, "t.txt:8:1");
  EXPECT_NE(in.skipped[2].why.find("tcpdump -t"), std::string::npos);

  // Eleven digits of seconds are no -tt time (found by fuzz_capture: their
  // nanoseconds overflowed 64 bits); ten, up to the year 2262, are.
  const Input far = read_tcpdump_text(std::string(kModern) +
                                          "111700000000.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 1, "
                                          "win 512, length 0\n"
                                          "4102444800.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 1, "
                                          "win 512, length 0\n",
                                      "t.txt");
  EXPECT_EQ(far.segments.size(), 6u);
  ASSERT_EQ(far.skipped.size(), 1u);
  EXPECT_EQ(far.skipped[0].where, "t.txt:6:1");
  // Likewise a -tttt date past 2262 (fuzz_capture: 7003-... overflowed), or
  // no calendar date at all.
  const std::string tail = " IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [.], ack 1, win 512, length 0\n";
  const Input dates = read_tcpdump_text(replace_all(kModern, "1700000000.", "2023-11-14 22:13:20.") +
                                            "7003-01-01 00:00:00.000000" + tail + "2023-13-01 00:00:00.000000" + tail +
                                            "2262-01-01 00:00:00.000000" + tail,
                                        "t.txt");
  EXPECT_EQ(dates.segments.size(), 6u);
  ASSERT_EQ(dates.skipped.size(), 2u);
  EXPECT_EQ(dates.skipped[0].where, "t.txt:6:1");
  EXPECT_EQ(dates.skipped[1].where, "t.txt:7:1");
}

// The message of the InputError `text` raises.
std::string error_of(const std::string& text) {
  try {
    read_tcpdump_text(text, "bad.txt");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TcpdumpText, AMalformedPacketLineIsRefusedAtItsLineAndColumn) {
  const std::string good = "1700000000.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1000, win 1, length 0\n";
  const std::string bad = "1700000000.000001 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq x1000, win 1, length 0\n";
  EXPECT_EQ(error_of(good + bad), "bad.txt:2:71: seq needs a number");
  const std::string flag = "1700000000.000001 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [Sq], seq 1, win 1, length 0\n";
  EXPECT_EQ(error_of(flag), "bad.txt:1:64: unknown TCP flag 'q'");
  const std::string service = "11:09:51.399251 localhost.49186 > localhost.gopherx: S 1:1(0) win 1\n";
  EXPECT_EQ(error_of(service),
            "bad.txt:1:35: unknown service name 'gopherx' (give `tcpdump -n` output, with port numbers)");
  // Cut short at the end of the file: no length.
  const std::string cut = "1700000000.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1000, win 1";
  EXPECT_EQ(error_of(cut), "bad.txt:1:82: no 'length N': the line is cut short");
  // The 2003 form wrapped, then broken on its second line.
  const std::string wrapped = "11:09:51.399251 localhost.49186 > localhost.webcache: S\n"
                              "3745756949:3745756949 win 32767\n";
  EXPECT_EQ(error_of(wrapped), "bad.txt:2:1: expected FIRST:LAST(LENGTH)");
  EXPECT_EQ(error_of("hello\nworld\n"),
            "bad.txt: no TCP packet line (2 lines; first skipped: bad.txt:1:1: not a tcpdump packet line)");
  EXPECT_EQ(error_of(good + "2023-11-14 22:13:20.000000 IP 127.0.0.1.40000 > 127.0.0.1.8080: Flags [S], seq 1000, "
                            "win 1, length 0\n"),
            "bad.txt:2:1: the times change form here (tcpdump -t, -tt, -ttt, -tttt: one form a file)");
}

}  // namespace
}  // namespace synsim::capture
