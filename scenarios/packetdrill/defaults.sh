# The sysctls every script in this directory runs with, as the kernel's
# selftests ship theirs (tools/testing/selftests/net/packetdrill/defaults.sh).
# `synsim run` and `synsim kernel` read it; nothing executes it.
#
# The window scale a SYN or SYN-ACK offers follows tcp_rmem[2]
# (tcp_select_initial_window(), net/ipv4/tcp_output.c: ilog2 of the larger
# of tcp_rmem[2] and rmem_max, less 15). The model's profiles offer wscale 7
# (a 6 MB tcp_rmem[2]); a kernel that sized tcp_rmem[2] at 32 MB from the
# machine's memory (6.18.44 here) offers 10. Pinned, so that the scripts
# state one window scale on both.
sysctl -q net.ipv4.tcp_rmem="4096 131072 6291456"
