// pcap and pcapng files, read with libpcap (which reads both, in either byte
// order, with micro- or nanosecond times), decoded by frame.h.
//
// Link types: NULL/LOOP (BSD loopback), Ethernet (`tcpdump -i lo` on
// Linux), raw IPv4/IPv6 (synsim's own capture.pcap), Linux cooked SLL and
// SLL2 (`tcpdump -i any`). A pcapng file with several interfaces of
// different link types is read interface by interface as libpcap delivers
// it (libpcap refuses such files; the error says so).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/capture/input.h"
#include "sim/capture/wire_segment.h"

namespace synsim::capture {

// True when `head` (the file's first bytes) is a pcap or pcapng magic number.
bool looks_like_pcap(std::string_view head);

// Every TCP segment of the file; non-TCP packets are listed in
// Input::skipped. Throws InputError ("FILE: packet N: what is wrong") for a
// file libpcap cannot read, a truncated record, a TCP header that is cut
// short or inconsistent, a link type it does not decode, or a file with no
// TCP segment at all.
Input read_pcap_file(const std::string& path);
// The same from bytes in memory (tests, the fuzz target); `name` for messages.
Input read_pcap_bytes(std::string_view bytes, const std::string& name);

// Where a file's records go one at a time, for a reader that keeps none
// (stream.h): a TCP segment with its time (ns since the epoch) and number
// (from 1), or what was skipped.
class SegmentSink {
 public:
  virtual ~SegmentSink() = default;
  virtual void segment(std::int64_t ns, const WireSegment& w, std::uint64_t number) = 0;
  virtual void skipped(Skipped s) = 0;
};
// The file's records into `sink`, in file order; the same InputError as
// read_pcap_file(), the same "no TCP segment" at the end.
void read_pcap_file(const std::string& path, SegmentSink& sink);
void read_pcap_bytes(std::string_view bytes, const std::string& name, SegmentSink& sink);

}  // namespace synsim::capture
