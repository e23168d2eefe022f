// The streaming explainer's core (stream.h says what it promises): segments
// in, in time order, each already told to be to or from the server; the
// connections open at that point of the capture; each read with the one
// connection reading (connection_reading.h) once nothing later can change
// it. stream.cc holds it; stream_read.cc feeds it from a file.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "sim/capture/connection_table.h"
#include "sim/capture/stream.h"
#include "sim/capture/wire_segment.h"
#include "sim/outcome/latency_tally.h"

namespace synsim::capture {

// The listening side: every endpoint explain() would call the server's.
struct ServerEndpoint {
  IpAddress addr;
  std::uint16_t port = 0;
  bool operator==(const ServerEndpoint&) const = default;
};

class StreamExplainer {
 public:
  // `t0_ns`: the capture's first segment (times are since it); `servers`
  // and `servers_text` as explain() finds and prints them.
  StreamExplainer(std::string name, std::vector<ServerEndpoint> servers, std::string servers_text,
                  std::int64_t t0_ns, std::vector<std::string> notes);

  // The next segment in capture order; `where` names it for a message
  // ("packet 7" is made of `number` when `where` is null).
  void segment(std::int64_t ns, const WireSegment& w, const std::string* where, std::uint64_t number);
  // Reads what is still open, at the capture's end. Throws InputError when
  // no segment was to or from the server.
  StreamedExplanation finish(std::vector<Skipped> read_skipped, std::size_t read_skipped_count);
  void every_record(EveryRecord f) { every_ = std::move(f); }

 private:
  struct Held {
    Time time{};
    bool from_client = true;
    WireSegment w;
  };
  struct Open {
    ConnectionKey key;
    std::uint32_t index = 0;
    std::optional<Time> due;  // its entry in due_
    bool has_syn = false;
    bool attached = true;  // the 4-tuple's current connection (a new SYN detaches it)
    std::uint32_t isn = 0;
    std::string client_text, server_text;
    std::vector<Held> segments;
    Time last{}, syn_at{};
    std::optional<Duration> rtt;  // first SYN-ACK after the last SYN
    std::optional<Time> closed_at;
    bool client_fin = false, server_fin = false;
  };
  // A connection read and gone: a later segment on its 4-tuple that
  // explain() would have given it makes the stream's answer wrong. Kept
  // under the 4-tuple's 64-bit hash, not the 40-byte 4-tuple: two 4-tuples
  // of one hash only make the stream give up (NotStreamable) needlessly.
  struct Gone {
    std::uint32_t isn = 0;
    std::uint32_t index = 0;
    bool has_syn = false;
  };
  struct GoneAt {
    Time at{};
    std::uint64_t key = 0;
    std::uint32_t index = 0;
  };
  struct Kept {
    outcome::ConnectionRecord record;
    bool row = false, story = false;
  };

  std::uint32_t open_connection(const ConnectionKey& key, bool syn, const WireSegment& w);
  void note_close(Open& c, const Held& h);
  Duration linger(const Open& c) const;
  Time due_time(const Open& c) const;
  void schedule(std::uint32_t slot, Time at);
  void expire(Time now);
  void finish_or_wait(std::uint32_t slot, Time now);
  std::span<const outcome::Packet* const> packets_of(const Open& c);
  bool settled(std::span<const outcome::Packet* const> ps, Time now) const;
  void read_and_free(std::uint32_t slot, Time end, std::span<const outcome::Packet* const> ps);
  void keep(outcome::ConnectionRecord r);
  void add_latencies(const outcome::ConnectionRecord& r);
  void forget_gone(Time now);
  bool is_server(const IpAddress& a, std::uint16_t port) const;

  std::string name_;
  std::vector<ServerEndpoint> servers_;
  std::string servers_text_;
  std::int64_t t0_ns_;
  std::vector<std::string> notes_;

  std::vector<Open> slots_;
  std::vector<std::uint32_t> free_slots_;
  ConnectionTable<std::uint32_t> by_key_;  // the slot of the 4-tuple's current connection
  // When each open connection is next looked at, one entry each (a heap
  // with stale entries left in would hold one a connection ever seen).
  std::set<std::pair<Time, std::uint32_t>> due_;
  FlatTable<std::uint64_t, Gone, Fingerprint> gone_;
  // In the order they were read, to forget them: after their close, after their silence.
  std::deque<GoneAt> gone_closed_, gone_silent_;
  std::size_t open_ = 0, held_ = 0;
  StreamHeld max_;

  std::vector<outcome::Packet> scratch_;
  std::vector<const outcome::Packet*> scratch_ptrs_;

  std::uint32_t next_index_ = 0;
  std::uint16_t server_port_ = 0;
  std::uint64_t packets_ = 0;
  Time now_{};
  outcome::Counters counters_;
  std::map<std::uint32_t, Kept> kept_;  // by index: the summary's order
  std::size_t kept_rows_ = 0, kept_stories_ = 0;
  std::array<outcome::LatencyTally, 3> latencies_;  // by Latency
  std::array<std::vector<Time>, 3> waiting_at_end_;  // waits unfinished when the capture ends: their start
  std::vector<Skipped> skipped_;
  std::size_t skipped_count_ = 0;
  EveryRecord every_;
};

}  // namespace synsim::capture
