// A capture as an outcome: `synsim explain`. Each TCP connection to the
// server is reconstructed from its segments and given the record, the typed
// reasons and the story a model or kernel run gives its connections, so the
// one judge (sim/outcome/judge.h) and every renderer read it unchanged.
//
// What a capture can and cannot say:
//   - times are the capture's: connect() starts at the first SYN and returns
//     when the client sends its final ACK (or the data carrying it); the
//     request is "delivered" when the server's socket ACKs its first segment
//     (the application's read() is not on the wire); `accepted` is unknown;
//   - the reasons are the capture's (story.h): what each segment is, and what
//     the listener must have done, with a confidence;
//   - the counters are deduced, under their nstat names, as today's kernels
//     count them: ListenOverflows and ListenDrops (the client segments a full
//     accept queue ignored, and the SYNs left unanswered: with the default
//     tcp_syncookies=1 only a full accept queue leaves a SYN unanswered;
//     2.5-era kernels counted those AttemptFails), TCPSynRetrans (SYN and
//     SYN-ACK retransmissions), RetransSegs (and the data's), SyncookiesSent
//     (only the cookies whose ACK was ignored long enough to tell: a cookie
//     that went through at once looks like any handshake, so this is a lower
//     bound), EmbryonicRsts (tcp_abort_on_overflow), OutRsts, ActiveOpens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/capture/input.h"
#include "sim/core/time.h"
#include "sim/outcome/outcome.h"

namespace synsim::capture {

struct ServerAddress {
  std::string addr;  // as packets print it ("127.0.0.1", "::1")
  std::uint16_t port = 0;
};

// "ADDR:PORT" or "[V6ADDR]:PORT"; nullopt with `error` set otherwise.
std::optional<ServerAddress> parse_server(std::string_view text, std::string& error);

struct ExplainOptions {
  // The listening side; default: every endpoint that answered a SYN with a
  // SYN-ACK (or, with none, that was sent SYNs).
  std::optional<ServerAddress> server;
};

// pcap/pcapng (by its magic number) or tcpdump text. Throws InputError.
Input read_capture_file(const std::string& path);
// The same from bytes (tests, the fuzz target).
Input read_capture_bytes(std::string_view bytes, const std::string& name);

// The outcome of the capture: info.source "capture". Segments of no
// connection to the server are added to in.skipped. Throws InputError when
// no server can be told (no SYN at all and no --server) or no segment is to
// or from it.
outcome::Outcome explain(Input& in, const ExplainOptions& options = {});

}  // namespace synsim::capture
