// Drawing helpers shared by the HTML report and the Perfetto trace: HTML
// escaping, what each packet is (SYN, retransmission, dropped...), and the
// report's time axes.
//
// Everything here is deterministic: numbers are printed with fixed
// precision, never with the locale.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.h"
#include "sim/outcome/outcome.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::report {

// Text made safe for HTML element content and attribute values (double- or
// single-quoted): & < > " ' become entities. Every string that comes from a
// scenario or an outcome goes through this before it reaches the page.
std::string html_escape(std::string_view text);

// A number for an SVG attribute: at most 2 decimals, trailing zeros trimmed
// ("12.5", "3", "-0.25").
std::string svg_num(double v);

// A time for an axis label, in the unit a person reads most easily:
// "0", "20us", "80.02ms", "6.912s", "6.91202s" (up to microseconds).
std::string axis_time_label(std::int64_t ns);

// What a packet is, for colour and legend: its outcome::segment_kind(), the
// one definition (a FIN carrying payload is data); outcome::to_string()
// names it.
using PacketMark = outcome::SegmentKind;

struct PacketInfo {
  PacketMark mark = PacketMark::ack;
  bool retransmission = false;  // a SYN, SYN-ACK or payload the same side already sent
  bool dup_ack = false;         // challenge ACK, duplicate ACK or D-SACK (pure ACK)
  bool dropped = false;         // an annotation of its connection is a drop (outcome::is_drop)
  bool duplicate_ack_noted = false;  // an annotation names a challenge or duplicate ACK
  std::string connection;       // the packet's connection
  std::vector<std::string> annotations;  // texts of the annotations that follow it, in order
};

// One PacketInfo per packet of `o`, in wire order.
//   retransmission: a SYN from a client that already sent one, a SYN-ACK from
//     a server that already sent one on that connection, or a segment whose
//     payload lies entirely below what that side already sent.
//   dup_ack: a pure ACK carrying SACK blocks, or one with an annotation that
//     names a challenge or duplicate ACK (outcome::names_duplicate_ack), or a
//     client's pure ACK answering a retransmitted SYN-ACK (what the kernel
//     side shows without annotations).
//   dropped: an annotation of the packet's own connection is a drop
//     (outcome::is_drop).
std::vector<PacketInfo> classify_packets(const outcome::Outcome& o);

// A piecewise-linear time axis on which a 10 us handshake and a 100 s stall
// are both visible. The knots are the times at which something happens (a
// packet, a phase boundary, a queue change); between consecutive knots the
// width is proportional to log10(1 + gap / resolution), so a quiet gap is
// drawn shorter the longer it is, relative to its length, while every burst
// of events stays spread out. Knots closer than `resolution` (1 us, doubled
// until there are at most kMaxKnots) are merged.
class BrokenAxis {
 public:
  static constexpr std::size_t kMaxKnots = 400;

  // `times_ns` in any order, duplicates allowed; [x0, x0 + width] in pixels.
  BrokenAxis(std::vector<std::int64_t> times_ns, double x0, double width);

  double x(std::int64_t t_ns) const;
  double x0() const { return x0_; }
  double x1() const { return x0_ + width_; }
  std::int64_t first() const { return knots_.front(); }
  std::int64_t last() const { return knots_.back(); }

  struct Tick {
    std::int64_t t_ns = 0;
    double x = 0;
  };
  // Knots to label, left to right, at least `min_spacing` pixels apart;
  // a knot that follows a long gap wins over its neighbours.
  std::vector<Tick> ticks(double min_spacing) const;

  struct Gap {
    std::int64_t from_ns = 0;
    std::int64_t to_ns = 0;
    double x_from = 0;
    double x_to = 0;
  };
  // Gaps between knots longer than `min_ns`: where the axis is compressed.
  std::vector<Gap> gaps(std::int64_t min_ns) const;

 private:
  std::vector<std::int64_t> knots_;  // strictly increasing
  std::vector<double> xs_;           // pixel position of each knot
  double x0_;
  double width_;
};

// A log10 axis for durations (distributions): [lo, hi] nanoseconds widened to
// whole decades, mapped onto [x0, x0 + width].
class LogAxis {
 public:
  LogAxis(std::int64_t lo_ns, std::int64_t hi_ns, double x0, double width);
  double x(std::int64_t ns) const;
  // The decades in range, in ns: 1000, 10000, ...
  std::vector<std::int64_t> decades() const;

 private:
  double lo_log_;
  double hi_log_;
  double x0_;
  double width_;
};

}  // namespace synsim::report
