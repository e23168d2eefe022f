#include "sim/report/json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/report/reason_text.h"
#include "tests/report/fixtures.h"

namespace synsim::report {
namespace {

using namespace outcome;
using testing::handshake_outcome;

TEST(Json, RoundTripReproducesTheSameText) {
  Outcome o = handshake_outcome();
  std::string text = render_json(o);
  EXPECT_EQ(render_json(outcome_from_json(text)), text);
}

TEST(Json, RoundTripKeepsEveryField) {
  Outcome o = handshake_outcome();
  o.packets[3].src_addr = "10.0.0.1";
  o.connections[0].response_received = at_ns(2'000'000'000);
  o.connections[0].closed = at_ns(3'000'000'000);
  o.connections[0].syncookie = true;
  o.counters["TcpExtTCPTimeouts"] = -1;
  Outcome back = outcome_from_json(render_json(o));

  EXPECT_EQ(back.info.scenario, o.info.scenario);
  EXPECT_EQ(back.info.trace_hash, o.info.trace_hash);
  EXPECT_EQ(back.info.duration, o.info.duration);
  ASSERT_EQ(back.packets.size(), o.packets.size());
  for (std::size_t i = 0; i < o.packets.size(); ++i) {
    const Packet& a = o.packets[i];
    const Packet& b = back.packets[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(b.time, a.time);
    EXPECT_EQ(b.src_addr, a.src_addr);
    EXPECT_EQ(b.src_port, a.src_port);
    EXPECT_EQ(b.dst_port, a.dst_port);
    EXPECT_EQ(b.flags, a.flags);
    EXPECT_EQ(b.seq, a.seq);
    EXPECT_EQ(b.ack, a.ack);
    EXPECT_EQ(b.window, a.window);
    EXPECT_EQ(b.length, a.length);
    EXPECT_EQ(b.options.mss, a.options.mss);
    EXPECT_EQ(b.options.sack_permitted, a.options.sack_permitted);
    EXPECT_EQ(b.options.has_timestamp, a.options.has_timestamp);
    EXPECT_EQ(b.options.ts_val, a.options.ts_val);
    EXPECT_EQ(b.options.ts_ecr, a.options.ts_ecr);
    EXPECT_EQ(b.options.wscale, a.options.wscale);
    ASSERT_EQ(b.options.sack.size(), a.options.sack.size());
    for (std::size_t s = 0; s < a.options.sack.size(); ++s) {
      EXPECT_EQ(b.options.sack[s].left, a.options.sack[s].left);
      EXPECT_EQ(b.options.sack[s].right, a.options.sack[s].right);
    }
    EXPECT_EQ(b.connection, a.connection);
    EXPECT_EQ(b.from_client, a.from_client);
  }
  ASSERT_EQ(back.annotations.size(), o.annotations.size());
  EXPECT_EQ(back.annotations[1].packet_index, o.annotations[1].packet_index);
  // Read back, a reason is the same reason (JsonReasons below).
  EXPECT_EQ(back.annotations, o.annotations);
  ASSERT_EQ(back.connections.size(), o.connections.size());
  const auto& c = back.connections[0];
  EXPECT_EQ(c.connect_start, o.connections[0].connect_start);
  EXPECT_EQ(c.accepted, o.connections[0].accepted);
  EXPECT_EQ(c.response_received, o.connections[0].response_received);
  EXPECT_EQ(c.closed, o.connections[0].closed);
  EXPECT_EQ(c.synack_retransmits, 1u);
  EXPECT_TRUE(c.syncookie);
  ASSERT_EQ(c.explanation.size(), o.connections[0].explanation.size());
  EXPECT_EQ(c.explanation, o.connections[0].explanation);
  EXPECT_EQ(back.connections[1].outcome, ConnectionOutcome::reset);
  EXPECT_EQ(back.connections[1].error, "ECONNRESET");
  EXPECT_FALSE(back.connections[1].accepted.has_value());
  EXPECT_EQ(back.counters, o.counters);
}

TEST(Json, TimesAreIntegerNanosecondsAndAbsentTimesAreNull) {
  auto j = nlohmann::json::parse(render_json(handshake_outcome()));
  EXPECT_EQ(j["packets"][3]["time_ns"], 30'999);
  EXPECT_EQ(j["connections"][0]["stall_ns"], 1'000'060'000 - 30'999);
  EXPECT_TRUE(j["connections"][1]["accepted_ns"].is_null());
  EXPECT_TRUE(j["connections"][1]["stall_ns"].is_null());
  EXPECT_EQ(j["info"]["trace_hash"], "00c0ffee12345678");
}

TEST(Json, PacketFlagsAreGivenAsTcpdumpLettersAndBits) {
  auto j = nlohmann::json::parse(render_json(handshake_outcome()));
  EXPECT_EQ(j["packets"][1]["flags"], "S.");
  EXPECT_EQ(j["packets"][1]["flag_bits"], kSyn | kAck);
  EXPECT_TRUE(j["packets"][2]["options"]["mss"].is_null());
  EXPECT_EQ(j["packets"][5]["options"]["sack"][0]["left"], testing::kServerIsn);
}

TEST(Json, KeysKeepTheirDocumentedOrder) {
  std::string text = render_json(handshake_outcome());
  auto pos = [&](const char* key) { return text.find(std::string("\"") + key + "\""); };
  EXPECT_LT(pos("format"), pos("info"));
  EXPECT_LT(pos("info"), pos("packets"));
  EXPECT_LT(pos("packets"), pos("annotations"));
  EXPECT_LT(pos("annotations"), pos("connections"));
  EXPECT_LT(pos("connections"), pos("counters"));
  EXPECT_EQ(text.rfind("{\n  \"format\": \"synsim-outcome\",\n  \"version\": 2,\n", 0), 0u);
}

TEST(Json, MalformedInputNamesTheField) {
  auto j = nlohmann::json::parse(render_json(handshake_outcome()));
  j["packets"][3]["seq"] = "one";
  try {
    outcome_from_json(j.dump());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "outcome JSON: packets[3].seq: expected an integer");
  }
}

TEST(Json, OutOfRangeValueIsAnError) {
  auto j = nlohmann::json::parse(render_json(handshake_outcome()));
  j["packets"][0]["src_port"] = 70000;
  EXPECT_THROW(outcome_from_json(j.dump()), std::runtime_error);
}

TEST(Json, UnknownOutcomeIsAnError) {
  auto j = nlohmann::json::parse(render_json(handshake_outcome()));
  j["connections"][0]["outcome"] = "exploded";
  EXPECT_THROW(outcome_from_json(j.dump()), std::runtime_error);
}

TEST(Json, RoundTripKeepsQueueSamplesAndTheAcceptQueueLimit) {
  Outcome o = handshake_outcome();
  o.queues = {{at_ns(0), 0, 0}, {at_ns(10'000), 1, 0}, {at_ns(20'000), 1, 1}, {at_ns(1'000'050'000), 0, 0}};
  o.accept_queue_limit = 3;
  std::string text = render_json(o);
  Outcome back = outcome_from_json(text);
  ASSERT_EQ(back.queues.size(), o.queues.size());
  for (std::size_t i = 0; i < o.queues.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(back.queues[i].time, o.queues[i].time);
    EXPECT_EQ(back.queues[i].syn_queue, o.queues[i].syn_queue);
    EXPECT_EQ(back.queues[i].accept_queue, o.queues[i].accept_queue);
  }
  EXPECT_EQ(back.accept_queue_limit, 3);
  EXPECT_EQ(render_json(back), text);

  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["queues"][2]["time_ns"], 20'000);
  EXPECT_EQ(j["queues"][2]["accept_queue"], 1);
  EXPECT_EQ(j["accept_queue_limit"], 3);
}

TEST(Json, OutcomeWithoutQueueKeysReadsAsNoSamples) {
  Outcome o = handshake_outcome();
  o.queues = {{at_ns(5), 2, 1}};
  o.accept_queue_limit = 9;
  auto j = nlohmann::json::parse(render_json(o));
  j.erase("queues");
  j.erase("accept_queue_limit");
  Outcome back = outcome_from_json(j.dump());
  EXPECT_TRUE(back.queues.empty());
  EXPECT_EQ(back.accept_queue_limit, 0);
}

TEST(Json, MalformedQueueSampleNamesTheField) {
  Outcome o = handshake_outcome();
  o.queues = {{at_ns(5), 2, 1}};
  auto j = nlohmann::json::parse(render_json(o));
  j["queues"][0]["syn_queue"] = "two";
  try {
    outcome_from_json(j.dump());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "outcome JSON: queues[0].syn_queue: expected an integer");
  }
}

TEST(Json, CapturedRoundTripsAndAnOlderKernelRunWithoutPacketsReadsAsUncaptured) {
  Outcome o = handshake_outcome();
  o.info.source = "kernel";
  o.info.captured = false;
  EXPECT_FALSE(outcome_from_json(render_json(o)).info.captured);
  // Written before "captured" existed: a kernel run is captured when it holds packets.
  auto j = nlohmann::json::parse(render_json(o));
  j["info"].erase("captured");
  EXPECT_TRUE(outcome_from_json(j.dump()).info.captured);
  j["packets"] = nlohmann::json::array();
  j["annotations"] = nlohmann::json::array();
  EXPECT_FALSE(outcome_from_json(j.dump()).info.captured);
  j["info"]["source"] = "model";
  EXPECT_TRUE(outcome_from_json(j.dump()).info.captured);
}

TEST(Json, AKernelRunsMachineLoadRoundTripsAndIsAbsentOtherwise) {
  Outcome o = handshake_outcome();
  EXPECT_EQ(nlohmann::json::parse(render_json(o))["info"].count("host"), 0u) << "the model has no host";
  EXPECT_FALSE(outcome_from_json(render_json(o)).info.host);
  o.info.source = "kernel";
  o.info.host = outcome::HostLoad{.cpus = 2, .interval = ms(6100), .other_cpu = ms(5580), .loopback_cycle = us(9),
                                  .cross_cpu_cycle = us(30)};
  const Outcome back = outcome_from_json(render_json(o));
  ASSERT_TRUE(back.info.host);
  EXPECT_EQ(back.info.host->cpus, 2);
  EXPECT_EQ(back.info.host->loopback_cycle, us(9));
  EXPECT_EQ(back.info.host->cross_cpu_cycle, us(30));
  EXPECT_EQ(back.info.loader_threads.threads, 0u) << "not measured: not written, read as not measured";
  EXPECT_EQ(nlohmann::json::parse(render_json(o))["info"].count("loader_threads"), 0u);
  // The applications' threads, where measured.
  o.info.loader_threads = {.threads = 2, .cpu = ms(280), .waited = ms(140), .slices = 109};
  o.info.server_threads = {.threads = 1, .cpu = ms(341), .waited = ms(107), .slices = 111};
  const Outcome with_threads = outcome_from_json(render_json(o));
  EXPECT_EQ(with_threads.info.loader_threads.threads, 2u);
  EXPECT_EQ(with_threads.info.loader_threads.cpu, ms(280));
  EXPECT_EQ(with_threads.info.loader_threads.waited, ms(140));
  EXPECT_EQ(with_threads.info.server_threads.slices, 111u);
  // A run saved before the loopback probe existed reads as not measured.
  nlohmann::json old = nlohmann::json::parse(render_json(o));
  old["info"].erase("loader_threads");
  old["info"].erase("server_threads");
  old["info"]["host"].erase("loopback_cycle_ns");
  old["info"]["host"].erase("cross_cpu_cycle_ns");
  const Outcome older = outcome_from_json(old.dump());
  ASSERT_TRUE(older.info.host);
  EXPECT_EQ(older.info.host->loopback_cycle, Duration{0});
  EXPECT_EQ(older.info.host->cross_cpu_cycle, Duration{0});
  EXPECT_EQ(older.info.loader_threads.threads, 0u);
  EXPECT_EQ(back.info.host->interval, ms(6100));
  EXPECT_EQ(back.info.host->other_cpu, ms(5580));
  EXPECT_TRUE(back.info.host->busy());
}

TEST(Json, NotJsonIsAnError) {
  EXPECT_THROW(outcome_from_json("{not json"), std::runtime_error);
  EXPECT_THROW(outcome_from_json("[]"), std::runtime_error);
}

// --- reasons as data (format version 2) -------------------------------------

// What a reason in a saved outcome says, read as data.
nlohmann::json saved_json(const Outcome& o) { return nlohmann::json::parse(render_json(o)); }

std::string read_error(const nlohmann::json& j) {
  try {
    outcome_from_json(j.dump());
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(JsonReasons, AnnotationsAndExplanationsReadBackEqual) {
  Outcome o = handshake_outcome();
  o.annotations[2].at = at_ns(1'000'000'000);  // a timer's decision noted under an earlier packet
  const Outcome back = outcome_from_json(render_json(o));
  ASSERT_EQ(back.annotations.size(), o.annotations.size());
  for (std::size_t i = 0; i < o.annotations.size(); ++i) EXPECT_EQ(back.annotations[i], o.annotations[i]) << i;
  for (std::size_t i = 0; i < o.connections.size(); ++i) {
    EXPECT_EQ(back.connections[i].explanation, o.connections[i].explanation) << o.connections[i].name;
  }
}

// Every kind, with every field set away from its default, comes back as it
// went: kinds and enums by name, figures as numbers.
TEST(JsonReasons, EveryKindAndFieldRoundTripsByName) {
  Outcome o = handshake_outcome();
  o.annotations.clear();
  for (auto k = static_cast<int>(ReasonKind::none); k <= static_cast<int>(ReasonKind::saved); ++k) {
    o.annotations.push_back({1, Reason{.kind = static_cast<ReasonKind>(k),
                                       .segment = SegmentWord::final_ack,
                                       .call = SocketCall::connect,
                                       .flag = true,
                                       .outcome = ConnectionOutcome::timed_out,
                                       .a = 1, .b = 2, .c = 3, .d = 4294967295u,
                                       .n = -1, .m = 9'223'372'036'854'775'807, .text = "ECONNRESET"},
                             "x#0", at_ns(k)});
  }
  const nlohmann::json j = saved_json(o);
  const Outcome back = outcome_from_json(j.dump());
  ASSERT_EQ(back.annotations.size(), o.annotations.size());
  for (std::size_t i = 0; i < o.annotations.size(); ++i) {
    EXPECT_EQ(back.annotations[i], o.annotations[i]) << to_string(o.annotations[i].reason.kind);
    EXPECT_EQ(j["annotations"][i]["reason"]["kind"], to_string(o.annotations[i].reason.kind));
  }
  const nlohmann::json& r = j["annotations"][0]["reason"];
  EXPECT_EQ(r["segment"], "final_ack");
  EXPECT_EQ(r["call"], "connect");
  EXPECT_EQ(r["outcome"], "timed_out");
}

// A reason shows its kind, its kernel function and the figures it has; the
// rendered words sit beside it for people.
TEST(JsonReasons, AReasonIsItsKindFunctionAndSetFigures) {
  const nlohmann::json j = saved_json(handshake_outcome());
  const nlohmann::json& a = j["annotations"][2];
  EXPECT_EQ(a["reason"], nlohmann::json::parse(R"({"kind": "synack_retransmit", "function": "reqsk_timer_handler",
                                                   "a": 1, "flag": true})"));
  EXPECT_EQ(a["text"], annotation_text(handshake_outcome().annotations[2]));
  EXPECT_TRUE(a["at_ns"].is_null());
  const nlohmann::json& step = j["connections"][0]["explanation"][0];
  EXPECT_EQ(step["at_ns"], 20'000);
  EXPECT_EQ(step["reason"]["kind"], "acceptq_full_request_kept");
  EXPECT_EQ(step["reason"]["segment"], "final_ack");
  EXPECT_EQ(step["text"], step_text(handshake_outcome().connections[0].explanation[0]));
}

// The words are for people: a version-2 outcome is read from its reasons,
// whatever its text says.
TEST(JsonReasons, WordsBesideAReasonAreNotReadBack) {
  nlohmann::json j = saved_json(handshake_outcome());
  j["annotations"][2]["text"] = "dropped, says somebody who edited the file";
  j["connections"][0]["explanation"][1]["text"] = "=> a conclusion";
  const Outcome back = outcome_from_json(j.dump());
  EXPECT_EQ(back.annotations[2], handshake_outcome().annotations[2]);
  EXPECT_EQ(back.connections[0].explanation, handshake_outcome().connections[0].explanation);
}

TEST(JsonReasons, UnknownKindIsAnErrorNamingItsPath) {
  nlohmann::json j = saved_json(handshake_outcome());
  j["annotations"][1]["reason"]["kind"] = "synack_retransmitted";
  EXPECT_EQ(read_error(j), "outcome JSON: annotations[1].reason.kind: unknown reason kind 'synack_retransmitted'");
  j = saved_json(handshake_outcome());
  j["connections"][0]["explanation"][1]["reason"]["kind"] = "stalled";
  EXPECT_EQ(read_error(j), "outcome JSON: connections[0].explanation[1].reason.kind: unknown reason kind 'stalled'");
}

TEST(JsonReasons, KindByNumberIsAnError) {
  nlohmann::json j = saved_json(handshake_outcome());
  j["annotations"][1]["reason"]["kind"] = 24;
  EXPECT_EQ(read_error(j), "outcome JSON: annotations[1].reason.kind: expected a string");
}

TEST(JsonReasons, UnknownEnumNameIsAnErrorNamingItsPath) {
  nlohmann::json j = saved_json(handshake_outcome());
  j["annotations"][0]["reason"]["segment"] = "final ACK";
  EXPECT_EQ(read_error(j), "outcome JSON: annotations[0].reason.segment: unknown segment 'final ACK'");
  j = saved_json(handshake_outcome());
  j["annotations"][0]["reason"]["call"] = "accept";
  EXPECT_EQ(read_error(j), "outcome JSON: annotations[0].reason.call: unknown socket call 'accept'");
  j = saved_json(handshake_outcome());
  j["connections"][1]["explanation"].back()["reason"]["outcome"] = "exploded";
  EXPECT_NE(read_error(j).find("reason.outcome: unknown outcome 'exploded'"), std::string::npos) << read_error(j);
}

TEST(JsonReasons, MalformedReasonFieldsNameTheirPath) {
  nlohmann::json j = saved_json(handshake_outcome());
  j["annotations"][2]["reason"]["a"] = "one";
  EXPECT_EQ(read_error(j), "outcome JSON: annotations[2].reason.a: expected an integer");
  j = saved_json(handshake_outcome());
  j["annotations"][2]["reason"]["flag"] = 1;
  EXPECT_EQ(read_error(j), "outcome JSON: annotations[2].reason.flag: expected true or false");
  j = saved_json(handshake_outcome());
  j["annotations"][2]["reason"].erase("kind");
  EXPECT_EQ(read_error(j), "outcome JSON: annotations[2].reason.kind: missing");
  j = saved_json(handshake_outcome());
  j["annotations"][2].erase("reason");
  EXPECT_EQ(read_error(j), "outcome JSON: annotations[2].reason: missing");
  j = saved_json(handshake_outcome());
  j["connections"][0]["explanation"][0] = "0.020000 words only";
  EXPECT_EQ(read_error(j), "outcome JSON: connections[0].explanation[0]: expected an object");
}

TEST(JsonReasons, UnsupportedVersionIsAnError) {
  nlohmann::json j = saved_json(handshake_outcome());
  j["version"] = 3;
  EXPECT_EQ(read_error(j), "outcome JSON: version: version 3 is not supported (expected 1 or 2)");
}

// An outcome written by synsim before reasons were saved as data (version 1):
// its words, as that synsim wrote them.
nlohmann::json version_1(const Outcome& o) {
  nlohmann::json j = saved_json(o);
  j["version"] = 1;
  for (auto& a : j["annotations"]) {
    a = {{"packet_index", a["packet_index"]}, {"connection", a["connection"]}, {"text", a["text"]}};
  }
  for (auto& c : j["connections"]) {
    for (auto& step : c["explanation"]) step = step["text"];
  }
  return j;
}

// The legacy fallback: report::saved_reason reads a version-1 file's words,
// and only those.
TEST(JsonReasons, VersionOneStillReadsAsSavedWords) {
  const Outcome o = handshake_outcome();
  const Outcome back = outcome_from_json(version_1(o).dump());
  ASSERT_EQ(back.annotations.size(), o.annotations.size());
  for (std::size_t i = 0; i < o.annotations.size(); ++i) {
    EXPECT_EQ(back.annotations[i].reason, saved_reason(annotation_text(o.annotations[i])));
    EXPECT_EQ(back.annotations[i].reason.kind, ReasonKind::saved);
    EXPECT_EQ(annotation_text(back.annotations[i]), annotation_text(o.annotations[i]));
    EXPECT_EQ(is_drop(back.annotations[i].reason), is_drop(o.annotations[i].reason));
  }
  const auto& steps = back.connections[0].explanation;
  ASSERT_EQ(steps.size(), o.connections[0].explanation.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].reason.kind, ReasonKind::saved);
    EXPECT_FALSE(steps[i].at.has_value());
    EXPECT_EQ(step_text(steps[i]), step_text(o.connections[0].explanation[i]));
  }
  EXPECT_TRUE(is_conclusion(steps.back().reason));
  // Written again, it is version 2 and its saved reasons stay what they are.
  const Outcome again = outcome_from_json(render_json(back));
  EXPECT_EQ(again.annotations, back.annotations);
  EXPECT_EQ(again.connections[0].explanation, steps);
}

TEST(JsonReasons, VersionOneExplanationLineMustBeAString) {
  nlohmann::json j = version_1(handshake_outcome());
  j["connections"][0]["explanation"][0] = 7;
  EXPECT_EQ(read_error(j), "outcome JSON: connections[0].explanation[0]: expected a string");
}

// --- expect: results (Outcome::expect) ---------------------------------------

// One result of every kind, and each way a value can be missing.
std::vector<Expectation> every_kind_of_result() {
  std::vector<Expectation> all = testing::one_held_one_failed();
  Expectation never = all[1];
  never.kind = ExpectationKind::accepted_at;
  never.actual.reset();
  never.missing = ExpectationMissing::never;
  Expectation outcome_result;
  outcome_result.kind = ExpectationKind::connection_outcome;
  outcome_result.subject = "x#1";
  outcome_result.expected_outcome = ConnectionOutcome::completed;
  outcome_result.actual_outcome = ConnectionOutcome::reset;
  outcome_result.line = 15;
  outcome_result.column = 5;
  Expectation no_connection = outcome_result;
  no_connection.subject = "x#9";
  no_connection.actual_outcome.reset();
  no_connection.missing = ExpectationMissing::no_such_connection;
  Expectation stalls;
  stalls.kind = ExpectationKind::stalls;
  stalls.bound = ExpectationBound::exact;
  stalls.longer_than_ns = 1'000'000'000;
  stalls.expected = 3;
  stalls.actual = 3;
  stalls.passed = true;
  Expectation quantile;
  quantile.kind = ExpectationKind::stall_quantile;
  quantile.subject = "p99.9";
  quantile.bound = ExpectationBound::at_most;
  quantile.expected = 1'000'000'000;
  quantile.missing = ExpectationMissing::no_delivered_requests;
  all.insert(all.end(), {never, outcome_result, no_connection, stalls, quantile});
  return all;
}

TEST(JsonExpect, EveryKindRoundTrips) {
  Outcome o = handshake_outcome();
  o.expect = every_kind_of_result();
  const std::string text = render_json(o);
  const Outcome back = outcome_from_json(text);
  ASSERT_TRUE(back.expect.has_value());
  ASSERT_EQ(back.expect->size(), o.expect->size());
  for (std::size_t i = 0; i < o.expect->size(); ++i) EXPECT_EQ((*back.expect)[i], (*o.expect)[i]) << i;
  EXPECT_EQ(render_json(back), text);
}

// Each result names the scenario's key, bound and figure, the measured value
// in the same unit, pass or fail and the line; the words are for readers.
TEST(JsonExpect, AResultIsTheScenariosFieldsTheMeasuredValueAndTheLine) {
  Outcome o = handshake_outcome();
  o.expect = every_kind_of_result();
  const auto j = nlohmann::json::parse(render_json(o));
  ASSERT_TRUE(j["expect"].is_array());
  EXPECT_EQ(j["expect"][0], nlohmann::json::parse(R"({"kind": "counter", "subject": "TcpExtListenOverflows",
      "bound": "at_least", "expected": 1, "actual": 1, "passed": true, "file": "t.yaml", "line": 12, "column": 5,
      "text": "TcpExtListenOverflows at least 1", "actual_text": "1"})"));
  EXPECT_EQ(j["expect"][1], nlohmann::json::parse(R"({"kind": "data_delivered_at", "subject": "x#0",
      "bound": "within", "expected_ns": 500000000, "tolerance_ns": 100000000, "actual_ns": 1000060000,
      "passed": false, "file": "t.yaml", "line": 14, "column": 5,
      "text": "x#0 data_delivered_at 500ms ±100ms", "actual_text": "1.000060"})"));
  EXPECT_EQ(j["expect"][2]["actual_ns"], nullptr);
  EXPECT_EQ(j["expect"][2]["missing"], "never");
  EXPECT_EQ(j["expect"][3]["expected"], "completed");
  EXPECT_EQ(j["expect"][3]["actual"], "reset");
  EXPECT_EQ(j["expect"][4]["actual"], nullptr);
  EXPECT_EQ(j["expect"][4]["missing"], "no_such_connection");
  EXPECT_EQ(j["expect"][5]["longer_than_ns"], 1'000'000'000);
  EXPECT_EQ(j["expect"][5]["expected"], 3);
  EXPECT_EQ(j["expect"][6]["subject"], "p99.9");
  EXPECT_EQ(j["expect"][6]["expected_ns"], 1'000'000'000);
  EXPECT_EQ(j["expect"][6]["missing"], "no_delivered_requests");
}

// Not judged (`synsim kernel`, a library's model::run()): no "expect" key.
// Judged with nothing stated: an empty array.
TEST(JsonExpect, NotJudgedIsNoKeyAndNothingStatedIsAnEmptyArray) {
  Outcome o = handshake_outcome();
  EXPECT_FALSE(nlohmann::json::parse(render_json(o)).contains("expect"));
  EXPECT_FALSE(outcome_from_json(render_json(o)).expect.has_value());
  o.expect.emplace();
  EXPECT_EQ(nlohmann::json::parse(render_json(o))["expect"], nlohmann::json::array());
  const Outcome back = outcome_from_json(render_json(o));
  ASSERT_TRUE(back.expect.has_value());
  EXPECT_TRUE(back.expect->empty());
}

// An outcome.json written before results were saved (version 2 without
// "expect") still reads, as not judged; so does version 1.
TEST(JsonExpect, AnOlderOutcomeWithoutExpectStillReads) {
  Outcome o = handshake_outcome();
  o.expect = testing::one_held_one_failed();
  auto j = nlohmann::json::parse(render_json(o));
  j.erase("expect");
  const Outcome back = outcome_from_json(j.dump());
  EXPECT_FALSE(back.expect.has_value());
  EXPECT_EQ(back.counters, o.counters);
  EXPECT_FALSE(outcome_from_json(version_1(handshake_outcome()).dump()).expect.has_value());
}

TEST(JsonExpect, MalformedResultNamesItsPath) {
  Outcome o = handshake_outcome();
  o.expect = every_kind_of_result();
  const nlohmann::json good = nlohmann::json::parse(render_json(o));
  nlohmann::json j = good;
  j["expect"] = 3;
  EXPECT_EQ(read_error(j), "outcome JSON: expect: expected an array");
  j = good;
  j["expect"][0]["kind"] = "counters";
  EXPECT_EQ(read_error(j), "outcome JSON: expect[0].kind: unknown expectation kind 'counters'");
  j = good;
  j["expect"][1]["bound"] = "about";
  EXPECT_EQ(read_error(j), "outcome JSON: expect[1].bound: unknown bound 'about'");
  j = good;
  j["expect"][1].erase("actual_ns");
  EXPECT_EQ(read_error(j), "outcome JSON: expect[1].actual_ns: missing");
  j = good;
  j["expect"][3]["actual"] = "lost";
  EXPECT_EQ(read_error(j), "outcome JSON: expect[3].actual: unknown outcome 'lost'");
  j = good;
  j["expect"][0]["passed"] = "yes";
  EXPECT_EQ(read_error(j), "outcome JSON: expect[0].passed: expected true or false");
}

// --- the connections' sockets ------------------------------------------------

ConnectionSockets some_sockets() {
  ConnectionSockets s;
  s.client = {{at_ns(10), {TcpState::syn_sent, false, 0, 1}},
              {at_ns(20), {TcpState::established, false, 0, 0}},
              {at_ns(30), {TcpState::established, false, 0, 5}},
              {at_ns(6'000'000'000), {TcpState::close, false, 0, 0}}};
  s.server = {{at_ns(15), {TcpState::syn_recv, false, 0, 0}},
              {at_ns(6'000'000'000), {TcpState::established, false, 5, 0}},
              {at_ns(6'000'000'100), {TcpState::established, true, 0, 0}},
              {at_ns(6'000'000'200), {TcpState::time_wait, true, 0, 0}}};
  return s;
}

TEST(JsonSockets, RoundTripKeepsEverySampleAndTheServerAddress) {
  Outcome o = handshake_outcome();
  o.connections[0].sockets = some_sockets();
  o.info.server_address = "127.0.0.2";
  const std::string text = render_json(o);
  const Outcome back = outcome_from_json(text);
  EXPECT_EQ(back.connections[0].sockets, o.connections[0].sockets);
  EXPECT_EQ(back.info.server_address, "127.0.0.2");
  EXPECT_EQ(render_json(back), text);
}

TEST(JsonSockets, StatesAreNetstatsNamesAndOnlyTheServerSaysAccepted) {
  Outcome o = handshake_outcome();
  o.connections[0].sockets = some_sockets();
  const auto j = nlohmann::json::parse(render_json(o));
  const auto& client = j["connections"][0]["sockets"]["client"];
  EXPECT_EQ(client[2], nlohmann::json::parse(R"({"time_ns": 30, "state": "ESTABLISHED", "recv_q": 0, "send_q": 5})"));
  EXPECT_EQ(client[0]["state"], "SYN_SENT");
  const auto& server = j["connections"][0]["sockets"]["server"];
  EXPECT_EQ(server[0]["state"], "SYN_RECV");
  EXPECT_EQ(server[2]["accepted"], true);
  EXPECT_EQ(server[3]["state"], "TIME_WAIT");
}

TEST(JsonSockets, AnOlderOutcomeWithoutSocketsReadsAsEmptySeries) {
  Outcome o = handshake_outcome();
  o.connections[0].sockets = some_sockets();
  auto j = nlohmann::json::parse(render_json(o));
  j["connections"][0].erase("sockets");
  j["info"].erase("server_address");
  const Outcome back = outcome_from_json(j.dump());
  EXPECT_EQ(back.connections[0].sockets, ConnectionSockets{});
  EXPECT_EQ(back.info.server_address, "127.0.0.1");
}

TEST(JsonSockets, UnknownStateOrUnorderedSamplesNameTheirPath) {
  Outcome o = handshake_outcome();
  o.connections[0].sockets = some_sockets();
  auto j = nlohmann::json::parse(render_json(o));
  auto error = [](const nlohmann::json& doc) {
    try {
      outcome_from_json(doc.dump());
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  auto bad_state = j;
  bad_state["connections"][0]["sockets"]["server"][1]["state"] = "ESTAB";
  EXPECT_EQ(error(bad_state), "outcome JSON: connections[0].sockets.server[1].state: unknown TCP state 'ESTAB' "
                              "(expected a netstat name: ESTABLISHED...)");
  auto unordered = j;
  unordered["connections"][0]["sockets"]["client"][1]["time_ns"] = 5;
  EXPECT_EQ(error(unordered), "outcome JSON: connections[0].sockets.client[1].time_ns: samples must be in time order");
}

}  // namespace
}  // namespace synsim::report
