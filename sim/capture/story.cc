#include "sim/capture/story.h"

#include <algorithm>
#include <optional>

#include "sim/core/seq.h"
#include "sim/outcome/segment_kind.h"

namespace synsim::capture {

namespace {

using outcome::Packet;
using outcome::Reason;
using outcome::ReasonKind;
using outcome::SegmentKind;

Reason because(ReasonKind k, std::uint32_t number = 0) { return Reason{.kind = k, .a = number}; }

bool is_client_ack(const Packet& p) {
  return p.from_client && (p.flags & outcome::kAck) && !(p.flags & (outcome::kSyn | outcome::kRst));
}
// A segment only an established server socket (a child) sends: not a
// SYN-ACK, not an RST (the listener and a request send those too).
bool from_child(const Packet& p) { return !p.from_client && !(p.flags & (outcome::kSyn | outcome::kRst)); }

std::uint32_t confidence(bool loopback, std::uint32_t on_loopback, std::uint32_t elsewhere) {
  return loopback ? on_loopback : elsewhere;
}

}  // namespace

std::vector<Reason> PacketReading::read(const Packet& p, bool client_established, bool client_rst_scripted) {
  std::vector<Reason> out;
  const SegmentKind kind = outcome::segment_kind(p);
  // A bare ACK answering a retransmitted SYN-ACK is a challenge ACK unless it
  // is the handshake's own final ACK: the one classifier decides which.
  const outcome::SegmentClass klass = classes_.classify(p);
  const bool answer_due = answer_due_;
  answer_due_ = false;
  if (is_client_ack(p) && synacks_ > 0) client_acked_ = true;
  if (answer_due && klass == outcome::SegmentClass::ack && p.flags == outcome::kAck) {
    Reason r = because(ReasonKind::kernel_challenge_ack);
    r.flag = !p.options.sack.empty();
    out.push_back(r);
  } else if (p.from_client && kind == SegmentKind::syn) {
    if (++syns_ > 1) out.push_back(because(ReasonKind::kernel_syn_retransmitted, syns_ - 1));
  } else if (!p.from_client && kind == SegmentKind::synack) {
    if (++synacks_ > 1) {
      answer_due_ = data_seen_ || client_established || client_acked_;
      out.push_back(because(ReasonKind::kernel_synack_retransmitted, synacks_ - 1));
    }
  } else if (p.from_client && kind == SegmentKind::data) {
    const std::uint32_t end = p.seq + p.length;
    if (data_seen_ && seq::before(p.seq, data_end_)) {
      Reason r = because(ReasonKind::kernel_request_retransmitted, ++data_sends_);
      r.n = to_ns(p.time) - to_ns(last_data_);
      out.push_back(r);
    }
    if (!data_seen_ || seq::after(end, data_end_)) data_end_ = end;
    data_seen_ = true;
    last_data_ = p.time;
  } else if (!p.from_client && kind == SegmentKind::rst) {
    out.push_back(because(ReasonKind::kernel_server_rst));
  } else if (p.from_client && kind == SegmentKind::rst) {
    // A client RST is expected when it closes with RST; otherwise worth a line.
    if (!client_rst_scripted) out.push_back(because(ReasonKind::kernel_client_rst));
  }
  return out;
}

bool is_loopback(const Packet& p) {
  auto local = [](const std::string& a) { return a.starts_with("127.") || a == "::1"; };
  return (local(p.src_addr) && local(p.dst_addr)) || p.src_addr == p.dst_addr;
}

namespace {

bool is_syn(const Packet& p) { return p.from_client && outcome::segment_kind(p) == SegmentKind::syn; }
bool is_synack(const Packet& p) { return !p.from_client && outcome::segment_kind(p) == SegmentKind::synack; }
bool is_server_rst(const Packet& p) { return !p.from_client && (p.flags & outcome::kRst); }

// One connection's packets and the landmarks every inference reads (n: none).
class Inferring {
 public:
  Inferring(std::span<const Packet* const> ps, bool loopback, Time capture_end)
      : ps_(ps), n_(ps.size()), loopback_(loopback), end_(capture_end) {
    first_syn_ = find(0, is_syn);
    first_synack_ = find(0, is_synack);
    final_ack_ = first_synack_ < n_ ? find(first_synack_ + 1, is_client_ack) : n_;
    child_ = find(final_ack_, from_child);
    later_synack_ = find(final_ack_, is_synack);
    server_rst_ = find(final_ack_, is_server_rst);
  }

  std::vector<Inference> run() {
    syns_dropped();
    if (final_ack_ >= n_) return std::move(out_);
    const bool cookie = syncookie();
    if (!cookie && server_rst_ < n_ && server_rst_ < child_ && server_rst_ < later_synack_) {
      abort_on_overflow();
    } else if (later_synack_ < n_ && later_synack_ < child_) {
      final_ack_dropped();
      if (child_ >= n_) request_expired();
    } else if (!cookie && child_ < n_) {
      acceptq_ignored();
    }
    return std::move(out_);
  }

 private:
  template <typename Pred>
  std::size_t find(std::size_t from, Pred pred) const {
    for (std::size_t i = from; i < n_; ++i) {
      if (pred(*ps_[i])) return i;
    }
    return n_;
  }
  std::uint32_t sure(std::uint32_t on_loopback, std::uint32_t elsewhere) const {
    return confidence(loopback_, on_loopback, elsewhere);
  }
  void add(std::size_t packet, Reason r) { out_.push_back(Inference{packet, std::move(r)}); }
  // The client segments from the final ACK the listener ignored: up to the
  // child, less the one that created it (the last before the child's first
  // segment), as tcp_v4_syn_recv_sock() counts ListenOverflows.
  std::uint32_t ignored_segments(bool* data = nullptr) const {
    std::uint32_t ignored = 0;
    std::size_t last = n_;
    for (std::size_t i = final_ack_; i < child_; ++i) {
      if (!is_client_ack(*ps_[i])) continue;
      ++ignored;
      last = i;
    }
    if (child_ < n_ && last < n_) --ignored;
    if (data != nullptr) {
      *data = false;
      for (std::size_t i = final_ack_; i < child_; ++i) {
        if (is_client_ack(*ps_[i]) && ps_[i]->length > 0 && !(child_ < n_ && i == last)) *data = true;
      }
    }
    return ignored;
  }

  // SYNs before the first answer went unanswered: the listener dropped them.
  void syns_dropped() {
    if (first_syn_ >= n_) return;
    std::uint32_t unanswered = 0;
    for (std::size_t i = first_syn_; i < first_synack_; ++i) {
      if (is_syn(*ps_[i])) ++unanswered;
      if (is_server_rst(*ps_[i])) unanswered = 0;  // refused, not dropped
    }
    if (first_synack_ < n_) --unanswered;  // the last one was answered
    if (unanswered > 0 && unanswered < 64) {
      add(first_syn_, Reason{.kind = ReasonKind::capture_syn_dropped, .a = unanswered, .d = sure(90, 50)});
    }
  }

  // A syncookie's SYN-ACK: the server kept no request, so nothing
  // retransmits it, even while the client's final ACK and data go
  // unanswered and the client retransmits them for seconds (a request
  // sock's timer would have sent a SYN-ACK after 1 s, 3 s on 2.5.66). Each
  // ACK carrying the valid cookie met a full accept queue (ListenOverflows)
  // and no state was left. A cookie whose ACK went through at once looks
  // like any handshake: nothing to infer.
  bool syncookie() {
    if (later_synack_ < n_ || server_rst_ < n_) return false;
    const std::uint32_t ignored = ignored_segments();
    bool retransmitted = false;
    std::optional<std::uint32_t> first_data;
    for (std::size_t i = final_ack_; i < child_; ++i) {
      const Packet& p = *ps_[i];
      if (!is_client_ack(p) || p.length == 0) continue;
      if (first_data && !seq::after(p.seq, *first_data)) retransmitted = true;
      if (!first_data) first_data = p.seq;
    }
    const Time until = child_ < n_ ? ps_[child_]->time : end_;
    const Duration silent = until - ps_[first_synack_]->time;
    if (!retransmitted || silent < ms(1500)) return false;
    add(first_synack_, Reason{.kind = ReasonKind::capture_syncookie, .a = ignored,
                              .d = silent >= ms(3500) ? sure(90, 60) : sure(75, 50)});
    return true;
  }

  // The listener reset the handshake at the final ACK: tcp_abort_on_overflow
  // (its RST carries no ACK and the final ACK's ack_seq, kernel-handshake.md §4.1).
  void abort_on_overflow() {
    const Packet& rst = *ps_[server_rst_];
    const bool exact = !(rst.flags & outcome::kAck) && rst.seq == ps_[final_ack_]->ack;
    add(server_rst_, Reason{.kind = ReasonKind::capture_abort_on_overflow, .flag = exact,
                            .d = exact ? sure(85, 60) : 50});
  }

  // The SYN-ACK retransmitted to a client that had ACKed it: the listener
  // still held the request, so the final ACK created no child.
  void final_ack_dropped() {
    bool data = false;
    const std::uint32_t ignored = ignored_segments(&data);
    add(final_ack_, Reason{.kind = ReasonKind::capture_final_ack_dropped, .flag = data, .a = ignored,
                           .c = data ? 0u : 1u, .d = data ? sure(90, 50) : sure(60, 40)});
  }

  // The final ACK (and the data) ignored, then a retransmission let the
  // child in before anything told a cookie from a kept request: no SYN-ACK
  // was retransmitted (a request's timer fires after 1 s, 3 s on 2.5.66),
  // and the wait was too short for syncookie() to rule the timer out. Each
  // ignored segment still met a full accept queue: ListenOverflows counts it
  // either way (tcp_v4_syn_recv_sock), so the counters need this case.
  // Only a retransmitted request tells: without one, the final ACK may as
  // well have created the child and the data gone to it.
  void acceptq_ignored() {
    std::optional<std::uint32_t> first_data;
    bool retransmitted = false;
    for (std::size_t i = final_ack_; i < child_; ++i) {
      const Packet& p = *ps_[i];
      if (!is_client_ack(p) || p.length == 0) continue;
      if (first_data && !seq::after(p.seq, *first_data)) retransmitted = true;
      if (!first_data) first_data = p.seq;
    }
    if (!retransmitted) return;
    bool data = false;
    const std::uint32_t ignored = ignored_segments(&data);
    if (ignored == 0) return;
    add(final_ack_, Reason{.kind = ReasonKind::capture_acceptq_ignored, .flag = data, .a = ignored,
                           .d = sure(85, 40)});
  }

  // No child ever: the request expired if the listener then answered the
  // client with RST (the request gone), or stayed silent well past the
  // next SYN-ACK's due time (its timer doubles).
  void request_expired() {
    std::uint32_t synacks = 0;
    std::size_t last = first_synack_;
    std::size_t before_last = first_synack_;
    for (std::size_t i = first_synack_; i < n_; ++i) {
      if (!is_synack(*ps_[i])) continue;
      ++synacks;
      before_last = last;
      last = i;
    }
    const std::size_t rst = find(last, is_server_rst);
    const Duration last_gap = ps_[last]->time - ps_[before_last]->time;
    const bool long_silence = synacks >= 2 && end_ - ps_[last]->time > 3 * last_gap;
    if (rst >= n_ && !long_silence) return;
    add(rst < n_ ? rst : last, Reason{.kind = ReasonKind::capture_request_expired, .flag = rst < n_,
                                      .a = synacks - 1, .d = rst < n_ ? sure(85, 60) : sure(70, 40)});
  }

  std::span<const Packet* const> ps_;
  std::size_t n_;
  bool loopback_;
  Time end_;
  std::size_t first_syn_, first_synack_, final_ack_, child_, later_synack_, server_rst_;
  std::vector<Inference> out_;
};

}  // namespace

std::vector<Inference> infer(std::span<const Packet* const> ps, bool loopback, Time capture_end) {
  return Inferring(ps, loopback, capture_end).run();
}

}  // namespace synsim::capture
