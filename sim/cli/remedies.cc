#include "sim/cli/remedies.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "sim/model/run.h"
#include "sim/outcome/latency.h"
#include "sim/profile/profile.h"
#include "sim/scenario/load.h"
#include "sim/scenario/write.h"

namespace synsim::cli {

namespace {

using report::Remedy;
using report::RemedyRow;

struct Variant {
  Remedy remedy;
  std::vector<std::string> sets;
};

scenario::Scenario loaded(const std::string& yaml, const std::string& name, const std::vector<std::string>& sets) {
  scenario::LoadResult r = scenario::load_string(yaml, name, sets);
  if (!r.ok()) throw std::logic_error("remedy does not load: " + r.errors.front().str());
  return std::move(*r.scenario);
}

// A sysctl's value in the scenario: its own setting, or its kernel's default.
std::int64_t sysctl_value(const scenario::Scenario& sc, const std::string& name) {
  const profile::SysctlInfo* info = profile::find_sysctl(name);
  const profile::Profile* kernel = profile::find_profile(sc.kernel);
  if (info == nullptr || kernel == nullptr) throw std::logic_error("remedy: unknown sysctl or kernel " + name);
  std::int64_t v = profile::default_sysctls(*kernel).*(info->field);
  for (const scenario::SysctlSetting& s : sc.sysctls) {
    if (s.name == name) v = s.value;
  }
  return v;
}

// The accept queue's slots: backlog clamped by somaxconn, plus one.
std::int64_t queue_slots(const scenario::Scenario& sc) {
  return std::min(sc.server.backlog, sysctl_value(sc, "net.core.somaxconn")) + 1;
}

// The scenario already does what `sets` asks: every sysctl already has the
// value, and so has the accept loop (the other remedies always change it).
bool already(const scenario::Scenario& sc, const std::vector<std::string>& sets) {
  if (sets.empty()) return false;
  for (const std::string& set : sets) {
    const std::size_t eq = set.find('=');
    const std::string key = set.substr(0, eq);
    const std::string value = set.substr(eq + 1);
    if (key.starts_with("net.")) {
      if (sysctl_value(sc, key) != std::stoll(value)) return false;
    } else if (key != "server.accept.per_wakeup" || std::to_string(sc.server.accept.per_wakeup) != value) {
      return false;
    }
  }
  return true;
}

std::vector<Variant> variants(const scenario::Scenario& base) {
  const std::int64_t bigger = std::max<std::int64_t>(4096, 4 * queue_slots(base));
  const std::uint32_t threads = std::min<std::uint32_t>(1024, base.server.threads * 4);
  std::vector<Variant> v = {
      {Remedy::none, {}},
      {Remedy::larger_backlog, {fmt::format("server.backlog={}", bigger), fmt::format("net.core.somaxconn={}", bigger)}},
      {Remedy::accept_until_eagain, {"server.accept.per_wakeup=0"}},
      // More event loops help only on CPUs of their own: one each, and the loader's.
      {Remedy::more_threads, {fmt::format("server.threads={}", threads),
                              fmt::format("machine.cpus={}", std::max(base.machine.cpus, threads + 1))}},
      {Remedy::abort_on_overflow, {"net.ipv4.tcp_abort_on_overflow=1"}},
      {Remedy::syncookies_0, {"net.ipv4.tcp_syncookies=0"}},
      {Remedy::syncookies_1, {"net.ipv4.tcp_syncookies=1"}},
      {Remedy::syncookies_2, {"net.ipv4.tcp_syncookies=2"}},
  };
  Variant delay{Remedy::connect_send_delay, {}};
  for (const scenario::ClientGroup& g : base.clients) {
    if (!g.send || g.send->anchor != scenario::SendSpec::Anchor::after_connect) continue;
    delay.sets.push_back(fmt::format("clients.{}.send={{bytes: {}, after: {}}}", g.name, g.send->bytes,
                                     scenario::exact_duration(g.send->time + kRemedySendDelay)));
  }
  if (!delay.sets.empty()) v.push_back(delay);
  v.push_back({Remedy::connect_timeout, {fmt::format("net.ipv4.tcp_syn_retries={}", kRemedySynRetries)}});
  return v;
}

// What users saw in one run (summary detail: every connection counted).
void fill_figures(const outcome::Outcome& out, RemedyRow& row) {
  const outcome::UserLatencies u = outcome::user_latencies(out);
  const outcome::LatencySamples& total = u[outcome::Latency::total];
  row.over_1s = outcome::count_over(total, sec(1));
  row.p99_total = outcome::latency_quantile(total, 990);
  row.max_total = outcome::latency_quantile(total, 1000);
  auto count = [&](outcome::ConnectionOutcome o) -> std::uint64_t {
    if (out.summary) return out.summary->outcomes[static_cast<std::size_t>(o)];
    return static_cast<std::uint64_t>(std::count_if(out.connections.begin(), out.connections.end(),
                                                    [&](const outcome::ConnectionRecord& r) { return r.outcome == o; }));
  };
  row.connections = out.summary ? out.summary->total : out.connections.size();
  row.resets = count(outcome::ConnectionOutcome::reset);
  row.errors = row.resets + count(outcome::ConnectionOutcome::refused) + count(outcome::ConnectionOutcome::timed_out);
}

}  // namespace

std::vector<RemedyRow> play_remedies(const std::string& yaml, const std::string& name) {
  const scenario::Scenario base = loaded(yaml, name, {});
  model::RunOptions options;
  options.detail = model::RunOptions::Detail::summary;
  options.record_packets = false;
  options.record_sockets = false;
  std::vector<RemedyRow> rows;
  for (const Variant& v : variants(base)) {
    const scenario::Scenario sc = loaded(yaml, name, v.sets);
    RemedyRow row;
    row.remedy = v.remedy;
    row.sets = v.sets;
    row.same_as_derived = already(base, v.sets);
    row.queue_slots_added = queue_slots(sc) - queue_slots(base);
    row.threads_added = sc.server.threads - base.server.threads;
    row.cpus_added = sc.machine.cpus - base.machine.cpus;
    row.delay_added = v.remedy == Remedy::connect_send_delay ? kRemedySendDelay : Duration{0};
    fill_figures(model::run(sc, options), row);
    rows.push_back(std::move(row));
  }
  report::rank_remedies(rows);
  return rows;
}

}  // namespace synsim::cli
