#include "sim/capture/pcap_file.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "sim/capture/frame.h"

namespace synsim::capture {

namespace {

// A libpcap link type (pcap_datalink(), DLT_*) as frame.h decodes it.
std::optional<LinkType> link_type(int dlt) {
  switch (dlt) {
    case DLT_NULL: return LinkType::null_bsd;
    case DLT_LOOP: return LinkType::loop;
    case DLT_EN10MB: return LinkType::ethernet;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6: return LinkType::raw;
    case DLT_LINUX_SLL: return LinkType::linux_sll;
    case DLT_LINUX_SLL2: return LinkType::linux_sll2;
    default: return std::nullopt;
  }
}

struct PcapClose {
  void operator()(pcap_t* p) const { pcap_close(p); }
};

// Packets are numbered from 1, as Wireshark and `tcpdump -#` number them.
void read_records(pcap_t* pcap, const std::string& name, SegmentSink& sink) {
  const int dlt = pcap_datalink(pcap);
  const std::optional<LinkType> link = link_type(dlt);
  if (!link) {
    const char* dlt_name = pcap_datalink_val_to_name(dlt);
    throw InputError(fmt::format("{}: link type {} ({}) is not one explain reads (loopback/NULL, Ethernet, raw "
                                 "IP, Linux SLL, SLL2)",
                                 name, dlt, dlt_name ? dlt_name : "unknown"));
  }
  const bool nano = pcap_get_tstamp_precision(pcap) == PCAP_TSTAMP_PRECISION_NANO;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  std::uint64_t number = 0, segments = 0;
  std::string first_skipped;
  WireSegment w;
  for (;;) {
    const int rc = pcap_next_ex(pcap, &header, &data);
    if (rc == PCAP_ERROR_BREAK) break;  // end of file
    ++number;
    if (rc != 1) {
      throw InputError(fmt::format("{}: packet {}: {}", name, number, pcap_geterr(pcap)));
    }
    w = WireSegment{};
    Decoded d = decode_frame(*link, std::span<const std::uint8_t>(data, header->caplen), w);
    switch (d.kind) {
      case Decoded::Kind::tcp: {
        const std::int64_t frac = static_cast<std::int64_t>(header->ts.tv_usec) * (nano ? 1 : 1000);
        sink.segment(static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 + frac, w, number);
        ++segments;
        break;
      }
      case Decoded::Kind::other:
        if (first_skipped.empty()) first_skipped = "not TCP: " + d.why;
        sink.skipped(Skipped{fmt::format("packet {}", number), "not TCP: " + d.why});
        break;
      case Decoded::Kind::malformed:
        throw InputError(fmt::format("{}: packet {}: {} ({} link layer, {} of {} bytes captured)", name, number,
                                     d.why, to_string(*link), header->caplen, header->len));
    }
  }
  if (segments == 0) {
    throw InputError(fmt::format("{}: no TCP segment in the capture ({} packets{})", name, number,
                                 first_skipped.empty() ? "" : ", first: " + first_skipped));
  }
}

// The Input of every segment, its Packet made of it.
class InputSink : public SegmentSink {
 public:
  InputSink(const std::string& name, const std::string& format, std::uint64_t bytes) {
    in_.name = name;
    in_.format = format;
    // A first guess of how many segments the file holds (a loopback TCP
    // segment takes ~70-90 bytes with its record header).
    in_.segments.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(bytes / 64, 50'000'000)));
  }
  void segment(std::int64_t ns, const WireSegment& w, std::uint64_t number) override {
    in_.segments.push_back(Segment{ns, to_packet(w), fmt::format("packet {}", number)});
  }
  void skipped(Skipped s) override { in_.skipped.push_back(std::move(s)); }
  Input take() { return std::move(in_); }

 private:
  Input in_;
};

Input read_open(pcap_t* pcap, const std::string& name, const std::string& format, std::uint64_t bytes) {
  InputSink sink(name, format, bytes);
  read_records(pcap, name, sink);
  return sink.take();
}

std::string format_of(std::string_view head) {
  return head.size() >= 4 && std::memcmp(head.data(), "\x0a\x0d\x0d\x0a", 4) == 0 ? "pcapng" : "pcap";
}

}  // namespace

bool looks_like_pcap(std::string_view head) {
  if (head.size() < 4) return false;
  for (const char* magic : {"\xd4\xc3\xb2\xa1", "\xa1\xb2\xc3\xd4", "\x4d\x3c\xb2\xa1", "\xa1\xb2\x3c\x4d",
                            "\x0a\x0d\x0d\x0a"}) {
    if (std::memcmp(head.data(), magic, 4) == 0) return true;
  }
  return false;
}

namespace {

std::unique_ptr<pcap_t, PcapClose> open_file(const std::string& path, std::string& format, std::uint64_t& size) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) throw InputError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  char head[4] = {};
  const std::size_t got = std::fread(head, 1, 4, f);
  std::rewind(f);
  // pcap_close() closes `f`; a failed open leaves it to us.
  std::unique_ptr<pcap_t, PcapClose> pcap(
      pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!pcap) {
    std::fclose(f);
    throw InputError(fmt::format("{}: not a readable pcap or pcapng file: {}", path, errbuf));
  }
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(path, ec);
  size = ec ? 0 : bytes;
  format = format_of(std::string_view(head, got));
  return pcap;
}

std::unique_ptr<pcap_t, PcapClose> open_bytes(std::string_view bytes, const std::string& name) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  if (bytes.empty()) throw InputError(fmt::format("{}: empty file", name));
  std::FILE* f = ::fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
  if (f == nullptr) throw InputError(fmt::format("{}: cannot read: {}", name, std::strerror(errno)));
  std::unique_ptr<pcap_t, PcapClose> pcap(
      pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!pcap) {
    std::fclose(f);
    throw InputError(fmt::format("{}: not a readable pcap or pcapng file: {}", name, errbuf));
  }
  return pcap;
}

}  // namespace

void read_pcap_file(const std::string& path, SegmentSink& sink) {
  std::string format;
  std::uint64_t size = 0;
  read_records(open_file(path, format, size).get(), path, sink);
}

void read_pcap_bytes(std::string_view bytes, const std::string& name, SegmentSink& sink) {
  read_records(open_bytes(bytes, name).get(), name, sink);
}

Input read_pcap_file(const std::string& path) {
  std::string format;
  std::uint64_t size = 0;
  const std::unique_ptr<pcap_t, PcapClose> pcap = open_file(path, format, size);
  return read_open(pcap.get(), path, format, size);
}

Input read_pcap_bytes(std::string_view bytes, const std::string& name) {
  return read_open(open_bytes(bytes, name).get(), name, format_of(bytes), bytes.size());
}

}  // namespace synsim::capture
