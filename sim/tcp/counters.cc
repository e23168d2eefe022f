#include "sim/tcp/counters.h"

namespace synsim::tcp {

std::string_view mib_name(Mib m) {
  switch (m) {
    case Mib::TcpActiveOpens: return "TcpActiveOpens";
    case Mib::TcpPassiveOpens: return "TcpPassiveOpens";
    case Mib::TcpAttemptFails: return "TcpAttemptFails";
    case Mib::TcpEstabResets: return "TcpEstabResets";
    case Mib::TcpInErrs: return "TcpInErrs";
    case Mib::TcpOutRsts: return "TcpOutRsts";
    case Mib::TcpRetransSegs: return "TcpRetransSegs";
    case Mib::TcpExtListenOverflows: return "TcpExtListenOverflows";
    case Mib::TcpExtListenDrops: return "TcpExtListenDrops";
    case Mib::TcpExtTCPReqQFullDrop: return "TcpExtTCPReqQFullDrop";
    case Mib::TcpExtTCPReqQFullDoCookies: return "TcpExtTCPReqQFullDoCookies";
    case Mib::TcpExtSyncookiesSent: return "TcpExtSyncookiesSent";
    case Mib::TcpExtSyncookiesRecv: return "TcpExtSyncookiesRecv";
    case Mib::TcpExtSyncookiesFailed: return "TcpExtSyncookiesFailed";
    case Mib::TcpExtEmbryonicRsts: return "TcpExtEmbryonicRsts";
    case Mib::TcpExtTCPDeferAcceptDrop: return "TcpExtTCPDeferAcceptDrop";
    case Mib::TcpExtTCPTimeouts: return "TcpExtTCPTimeouts";
    case Mib::TcpExtTCPLossProbes: return "TcpExtTCPLossProbes";
    case Mib::TcpExtTCPSynRetrans: return "TcpExtTCPSynRetrans";
    case Mib::TcpExtTCPChallengeACK: return "TcpExtTCPChallengeACK";
    case Mib::TcpExtTCPSYNChallenge: return "TcpExtTCPSYNChallenge";
    case Mib::TcpExtTCPACKSkippedChallenge: return "TcpExtTCPACKSkippedChallenge";
    case Mib::TcpExtTCPACKSkippedSynRecv: return "TcpExtTCPACKSkippedSynRecv";
    case Mib::TcpExtTCPAbortOnTimeout: return "TcpExtTCPAbortOnTimeout";
    case Mib::TcpExtDelayedACKLost: return "TcpExtDelayedACKLost";
    case Mib::TcpExtTCPDSACKOldSent: return "TcpExtTCPDSACKOldSent";
    case Mib::SoftnetDropped: return "SoftnetDropped";
    case Mib::kCount: break;
  }
  return "?";
}

}  // namespace synsim::tcp
