// JSON lines: the exact format, round trips, and located read errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/sweep/record.h"

namespace synsim::sweep {
namespace {

SweepRecord sample() {
  SweepRecord r;
  r.sweep = "backlog-vs-rate";
  r.index = 7;
  r.params = {{"server.backlog", "16"}, {"clients.load.arrival.rate", "1000/s"}};
  r.seed = 3;
  r.summary.connections = 100;
  r.summary.completed = 99;
  r.summary.open_at_end = 1;
  r.summary.stalled = 2;
  r.summary.stall_p50_ns = 10'000;
  r.summary.stall_p90_ns = 20'000;
  r.summary.stall_p99_ns = 832'260'000;
  r.summary.stall_max_ns = 833'250'000;
  r.summary.connect_p99_ns = 1'031'520'000;
  r.summary.total_over_1s = 3;
  r.summary.connect_over_1s = 2;
  r.summary.total_p99_unfinished = true;
  r.summary.counters = {{"TcpExtListenOverflows", 12}, {"TcpActiveOpens", 100}};
  r.events = 1730;
  return r;
}

TEST(Record, LineHasTheDocumentedShapeAndOrder) {
  EXPECT_EQ(to_json_line(sample()),
            R"({"sweep":"backlog-vs-rate","index":7,"params":{"server.backlog":"16","clients.load.arrival.rate":"1000/s"},)"
            R"("seed":3,"summary":{"connections":100,"completed":99,"reset":0,"timed_out":0,"refused":0,"open_at_end":1,)"
            R"("stalled":2,"stall_p50_ns":10000,"stall_p90_ns":20000,"stall_p99_ns":832260000,"stall_max_ns":833250000,)"
            R"("connect_p99_ns":1031520000,"total_over_1s":3,"connect_over_1s":2,"total_p99_ns":"unfinished",)"
            R"("counters":{"TcpActiveOpens":100,"TcpExtListenOverflows":12},)"
            R"("expectations_passed":null},"events":1730})");
}

TEST(Record, LinesWrittenBeforeUserLatenciesStillRead) {
  std::string line = to_json_line(sample());
  for (const char* key : {R"("total_over_1s":3,)", R"("connect_over_1s":2,)", R"("total_p99_ns":"unfinished",)"}) {
    line.erase(line.find(key), std::string(key).size());
  }
  const RecordParse p = parse_json_line(line);
  ASSERT_TRUE(p.record) << p.error;
  EXPECT_EQ(p.record->summary.total_over_1s, 0u);
  EXPECT_FALSE(p.record->summary.total_p99_unfinished);
}

TEST(Record, RoundTripsThroughJson) {
  SweepRecord r = sample();
  r.params = {{"z.last", "a,b"}, {"a.first", "{bytes: 5, at: 0s}"}};  // grid order, not alphabetical
  r.summary.stall_p50_ns.reset();
  r.summary.expectations_passed = false;
  const RecordParse p = parse_json_line(to_json_line(r));
  ASSERT_TRUE(p.record) << p.error;
  EXPECT_EQ(*p.record, r);
}

TEST(Record, NoLineBreakInsideALine) {
  SweepRecord r = sample();
  r.params = {{"description", "two\nlines"}};
  EXPECT_EQ(to_json_line(r).find('\n'), std::string::npos);
}

TEST(Record, BadLinesNameWhatIsWrong) {
  EXPECT_EQ(parse_json_line("{\"sweep\":").error, "not valid JSON");
  EXPECT_EQ(parse_json_line("[1]").error, "expected a JSON object (one sweep run per line)");
  std::string line = to_json_line(sample());
  line.replace(line.find("\"index\":7"), 9, "\"index\":-7");
  EXPECT_EQ(parse_json_line(line).error, "'index' must be a non-negative integer");
  line = to_json_line(sample());
  line.replace(line.find("\"stalled\":2,"), 12, "");
  EXPECT_EQ(parse_json_line(line).error, "missing key 'stalled' in summary");
}

TEST(Record, ReadingConcatenatedFilesSkipsBlankLinesAndLocatesErrors) {
  ReadResult r;
  const std::string one = to_json_line(sample());
  read_jsonl_text(one + "\n\n" + one + "\r\n", "a.jsonl", r);
  read_jsonl_text(one + "\nnot json\n", "b.jsonl", r);
  EXPECT_EQ(r.records.size(), 3u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "b.jsonl:2: not valid JSON");
}

TEST(Record, AFileGivesOneErrorNotOnePerLine) {
  ReadResult r;
  // A pretty-printed JSON document: a file that is not JSON lines at all.
  read_jsonl_text("{\n  \"a\": 1,\n  \"b\": [\n    2\n  ]\n}\n", "outcome.json", r);
  // JSON lines with several bad lines: the first one is said.
  read_jsonl_text("not json\nnor this\n[1]\n", "bad.jsonl", r);
  EXPECT_EQ(r.errors, (std::vector<std::string>{
                          "outcome.json: one JSON document over several lines, not JSON lines (synsim sweep writes "
                          "one run per line)",
                          "bad.jsonl:1: not valid JSON"}));
}

TEST(Record, UnreadableFileIsAnError) {
  const ReadResult r = read_jsonl_files({"/nonexistent/part-1.jsonl"});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "/nonexistent/part-1.jsonl:0: cannot read");
}

}  // namespace
}  // namespace synsim::sweep
