// tcpdump's text output read back as TCP segments, for `synsim explain`.
//
// Read first: tcpdump's print-tcp.c, tcp_print() (4.99 and, for the 2003 form,
// 3.7), and util-print.c, ts_print(). Accepted:
//   - times: the default time of day (`11:09:50.893716`), `-tt` seconds since
//     the epoch, `-tttt` with the date, `-ttt` deltas (a file whose first time
//     is 00:00:00.000000; `-ttttt`, times since the first packet, starts so
//     too and is misread as deltas); micro- or nanosecond fractions;
//   - `IP`/`IP6` before the addresses or not (tcpdump before 3.8 printed
//     none), and `-i any`'s interface and direction (`lo In IP ...`);
//   - addresses and ports as numbers (`-n`) or as the names tcpdump prints
//     without it (`localhost.webcache`: localhost is 127.0.0.1 or ::1, the
//     services are /etc/services' usual TCP names);
//   - today's form `Flags [S.], seq 1, ack 2, win 3, options [...], length 0`
//     and the 2003 form `S 1:1(0) ack 2 win 3 <mss 16396,...> (DF)`;
//   - sequence numbers as tcpdump prints them: absolute on a SYN-ACK, on the
//     first ACK-bearing segment of a conversation and on segments without
//     ACK, relative to the conversation's initial ones after that (told
//     apart from `-S` absolute numbers per conversation: relative numbers
//     start near 0, absolute ones near the ISN); SACK blocks likewise;
//   - a packet line wrapped over several lines (a mail's line breaks) and a
//     label before it (`Line 4: 11:09:51.304909 ...`, the 2003 report's form):
//     a packet line whose TCP part is not finished yet (no `length N` for
//     today's form, no `win N` or an open `<` for the 2003 form) takes the
//     next lines until it is.
// Every other line is reported in Input::skipped ("FILE:LINE:1", why) and
// skipped; a packet line that is not TCP (UDP, ICMP, ARP) too. A packet line
// whose TCP part cannot be read is bad input: InputError "FILE:LINE:COL:
// what is wrong".
#pragma once

#include <string>
#include <string_view>

#include "sim/capture/input.h"

namespace synsim::capture {

Input read_tcpdump_text(std::string_view text, const std::string& name);

}  // namespace synsim::capture
