// What the kernel's socket listings say about one connection's sockets:
// the one place that decides which model state is which TCP state, and
// what Recv-Q and Send-Q are (style.md rule 13; outcome/sockets.h says what
// they mean).
//
// Read first: net/ipv4/tcp_diag.c tcp_diag_get_info() (inet_diag, for ss)
// and net/ipv4/tcp_ipv4.c get_tcp4_sock() / get_openreq4() /
// get_timewait4_sock() (/proc/net/tcp, for netstat); net/ipv4/tcp.c
// tcp_get_info() reads the same fields for TCP_INFO. The states follow
// RFC 793's diagram as tcp_set_state() walks it: tcp_close() ->
// tcp_close_state() (ESTABLISHED -> FIN_WAIT1, CLOSE_WAIT -> LAST_ACK),
// tcp_rcv_state_process() (FIN_WAIT1 -> FIN_WAIT2 when the FIN is acked,
// CLOSING -> TIME_WAIT, LAST_ACK -> CLOSE), tcp_fin() (ESTABLISHED ->
// CLOSE_WAIT, FIN_WAIT1 -> CLOSING, FIN_WAIT2 -> TIME_WAIT).
#pragma once

#include "sim/outcome/sockets.h"
#include "sim/tcp/sockets.h"

namespace synsim::tcp {

// The client socket (get_tcp4_sock(), tcp_diag_get_info()). Closed
// (state close) before connect() and once the socket is gone; TIME_WAIT
// when it closed first and both FINs are acked (the model keeps no
// TIME_WAIT sock: the recorder ends it after TCP_TIMEWAIT_LEN or when the
// port is taken again, outcome::kTimeWaitLength).
outcome::SocketView client_view(const Conn& k);

// The server side: the request sock while there is one (get_openreq4():
// SYN_RECV, queues 0), then the child socket, in the accept queue or
// accepted. Closed when there is neither (before the SYN, after a reset, a
// dropped request, a SYN answered with a cookie until its ACK).
outcome::SocketView server_view(const Conn& k);

}  // namespace synsim::tcp
