// Names, never numbers: a saved outcome names a reason's kind and enums
// (sim/report/json.h), and reads them back by these names.
#include "sim/outcome/reason.h"

#include <gtest/gtest.h>

#include "sim/outcome/outcome.h"

namespace synsim::outcome {
namespace {

TEST(ReasonNames, EveryNameReadsBackAsItsValue) {
  for (auto k = static_cast<int>(ReasonKind::none); k <= static_cast<int>(ReasonKind::saved); ++k) {
    const auto kind = static_cast<ReasonKind>(k);
    EXPECT_EQ(from_string<ReasonKind>(to_string(kind)), kind) << to_string(kind);
  }
  EXPECT_EQ(from_string<ReasonKind>("synack_retransmitted"), std::nullopt);
  EXPECT_EQ(from_string<ReasonKind>("?"), std::nullopt);
  for (auto w : {SegmentWord::data_segment, SegmentWord::fin, SegmentWord::final_ack, SegmentWord::ack}) {
    EXPECT_EQ(from_string<SegmentWord>(to_string(w)), w);
  }
  for (auto c : {SocketCall::socket, SocketCall::connect, SocketCall::write, SocketCall::read}) {
    EXPECT_EQ(from_string<SocketCall>(to_string(c)), c);
  }
  EXPECT_EQ(from_string<ConnectionOutcome>("open_at_end"), ConnectionOutcome::open_at_end);
  EXPECT_EQ(from_string<ConnectionOutcome>("exploded"), std::nullopt);
}

}  // namespace
}  // namespace synsim::outcome
