#include "sim/testing/harness.h"

#include <cmath>

#include "sim/outcome/segment_kind.h"
#include "sim/scenario/load.h"

namespace synsim::testing {

bool is(const outcome::Packet& p, Seg kind) {
  using outcome::SegmentKind;
  const SegmentKind k = outcome::segment_kind(p);
  switch (kind) {
    case Seg::syn: return p.from_client && k == SegmentKind::syn;
    case Seg::synack: return !p.from_client && k == SegmentKind::synack;
    case Seg::client_data: return p.from_client && k == SegmentKind::data;
    case Seg::client_ack: return p.from_client && k == SegmentKind::ack && (p.flags & outcome::kAck);
    case Seg::server_rst: return !p.from_client && k == SegmentKind::rst;
    case Seg::any: return true;
  }
  return false;
}

std::vector<Time> times(const Outcome& out, const std::string& connection, Seg kind) {
  std::vector<Time> t;
  for (const outcome::Packet& p : out.packets) {
    if (p.connection == connection && is(p, kind)) t.push_back(p.time);
  }
  return t;
}

std::vector<double> seconds_since(const Outcome& out, const std::string& connection, Seg kind, Time origin) {
  std::vector<double> s;
  for (Time t : times(out, connection, kind)) s.push_back(static_cast<double>(to_ns(t - origin)) / 1e9);
  return s;
}

std::int64_t counter(const Outcome& out, const std::string& name) {
  auto it = out.counters.find(name);
  return it == out.counters.end() ? 0 : it->second;
}

const outcome::ConnectionRecord& record(const Outcome& out, const std::string& connection) {
  for (const outcome::ConnectionRecord& r : out.connections) {
    if (r.name == connection) return r;
  }
  ADD_FAILURE() << "no connection named " << connection;
  static outcome::ConnectionRecord none;
  return none;
}

std::vector<outcome::Annotation> annotations_of(const Outcome& out, const std::string& connection) {
  std::vector<outcome::Annotation> n;
  for (const outcome::Annotation& a : out.annotations) {
    if (a.connection == connection) n.push_back(a);
  }
  return n;
}

std::vector<outcome::Reason> reasons(const Outcome& out, const std::string& connection, outcome::ReasonKind kind) {
  std::vector<outcome::Reason> r;
  for (const outcome::Annotation& a : out.annotations) {
    if (a.connection == connection && a.reason.kind == kind) r.push_back(a.reason);
  }
  return r;
}

bool has_reason(const Outcome& out, const std::string& connection, outcome::ReasonKind kind) {
  return !reasons(out, connection, kind).empty();
}

outcome::Reason first_reason(const Outcome& out, const std::string& connection, outcome::ReasonKind kind) {
  const std::vector<outcome::Reason> r = reasons(out, connection, kind);
  if (r.empty()) {
    ADD_FAILURE() << connection << " has no reason " << outcome::to_string(kind);
    return outcome::Reason{};
  }
  return r.front();
}

Scenario load_or_fail(const std::string& path) {
  scenario::LoadResult r = scenario::load_file(path);
  for (const scenario::Diagnostic& d : r.errors) ADD_FAILURE() << d.str();
  if (!r.ok()) return Scenario{};
  return *r.scenario;
}

void expect_times_near(const std::vector<double>& actual, const std::vector<double>& expected, double tolerance,
                       const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what << ": number of packets";
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], tolerance)
        << what << " #" << i << ": expected " << expected[i] << " s +- " << tolerance << " s, got " << actual[i];
  }
}

void expect_times_near_rel(const std::vector<double>& actual, const std::vector<double>& expected, double fraction,
                           const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what << ": number of packets";
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double tolerance = 0.004 + fraction * expected[i];
    EXPECT_NEAR(actual[i], expected[i], tolerance)
        << what << " #" << i << ": expected " << expected[i] << " s +- " << tolerance << " s, got " << actual[i];
  }
}

}  // namespace synsim::testing
