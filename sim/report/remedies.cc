#include "sim/report/remedies.h"

#include <algorithm>

#include <fmt/format.h>

#include "sim/report/svg.h"

namespace synsim::report {

namespace {

std::uint64_t hurt(const RemedyRow& r) { return r.over_1s + r.errors; }

// Unfinished ranks last, as it does in every latency quantile.
bool lower(const outcome::LatencyQuantile& a, const outcome::LatencyQuantile& b) {
  if (!a.value || !b.value) return a.value.has_value() && !b.value.has_value();
  return *a.value < *b.value;
}

std::string quantile_text(const RemedyRow& r, const outcome::LatencyQuantile& q) {
  if (r.connections == 0) return "-";
  return q.value ? format_duration(*q.value) : "unfinished";
}

std::string change_text(const RemedyRow& r) {
  if (r.sets.empty()) return "-";
  std::string s;
  for (const std::string& x : r.sets) s += (s.empty() ? "" : " ") + x;
  return s;
}

std::vector<std::vector<std::string>> table_rows(const std::vector<RemedyRow>& rows) {
  std::vector<std::vector<std::string>> out = {
      {"rank", "remedy", "over 1s", "errors", "p99 total", "max total", "change", "cost"}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const RemedyRow& r = rows[i];
    out.push_back({std::to_string(i + 1), remedy_name(r.remedy), std::to_string(r.over_1s), std::to_string(r.errors),
                   quantile_text(r, r.p99_total), quantile_text(r, r.max_total), change_text(r), remedy_cost(r)});
  }
  return out;
}

}  // namespace

void rank_remedies(std::vector<RemedyRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const RemedyRow& a, const RemedyRow& b) {
    if (hurt(a) != hurt(b)) return hurt(a) < hurt(b);
    if (lower(a.p99_total, b.p99_total) || lower(b.p99_total, a.p99_total)) return lower(a.p99_total, b.p99_total);
    return a.errors < b.errors;
  });
}

const char* remedy_name(Remedy r) {
  switch (r) {
    case Remedy::none: return "none (as captured)";
    case Remedy::larger_backlog: return "larger backlog + somaxconn";
    case Remedy::accept_until_eagain: return "accept until EAGAIN";
    case Remedy::more_threads: return "more acceptor threads";
    case Remedy::abort_on_overflow: return "tcp_abort_on_overflow=1";
    case Remedy::syncookies_0: return "tcp_syncookies=0";
    case Remedy::syncookies_1: return "tcp_syncookies=1";
    case Remedy::syncookies_2: return "tcp_syncookies=2";
    case Remedy::connect_send_delay: return "delay between connect() and send()";
    case Remedy::connect_timeout: return "shorter connect timeout";
  }
  return "?";
}

std::string remedy_cost(const RemedyRow& r) {
  if (r.same_as_derived) return "none: the scenario already does this";
  switch (r.remedy) {
    case Remedy::none: return "-";
    case Remedy::larger_backlog:
      return fmt::format("memory: up to {} more connections queued (a socket each, about 2 KiB, with its unread "
                         "request); a slow application's backlog only moves the wait into the queue",
                         r.queue_slots_added);
    case Remedy::accept_until_eagain: return "none: one accept() more per wakeup until EAGAIN";
    case Remedy::more_threads:
      return fmt::format("{} more server threads, and {} more CPUs for them", r.threads_added, r.cpus_added);
    case Remedy::abort_on_overflow:
      return fmt::format("resets instead of waits: {} connections reset (ECONNRESET); a burst that a moment's "
                         "wait would have absorbed fails instead",
                         r.resets);
    case Remedy::syncookies_0: return "no cookies: a SYN flood fills the SYN queue and turns clients away";
    case Remedy::syncookies_1: return "cookies when the SYN queue overflows (the default)";
    case Remedy::syncookies_2:
      return "a cookie for every SYN: no SYN-ACK retransmission, and an ACK lost on a full queue is lost silently";
    case Remedy::connect_send_delay:
      return fmt::format("{} added to every request", format_duration(r.delay_added));
    case Remedy::connect_timeout:
      return fmt::format("errors instead of waits: {} connections fail (ETIMEDOUT)", r.errors);
  }
  return "?";
}

std::string render_remedies_text(const std::vector<RemedyRow>& rows, const std::string& scenario_name) {
  std::string out = fmt::format(
      "remedies played on {} (the model, one seed), ranked by what users see: connections over 1 s or failed "
      "(reset, refused, timed out), then the p99 of total latency (connect() called -> response), then errors\n",
      scenario_name);
  const std::vector<std::vector<std::string>> t = table_rows(rows);
  std::vector<std::size_t> width(t.front().size(), 0);
  for (const auto& row : t) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : t) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool last = c + 1 == row.size();
      const bool right = c == 0 || (c >= 2 && c <= 5);
      line += right ? fmt::format("{:>{}}", row[c], width[c]) : last ? row[c] : fmt::format("{:<{}}", row[c], width[c]);
      if (!last) line += "  ";
    }
    out += line + "\n";
  }
  return out;
}

std::string render_remedies_html(const std::vector<RemedyRow>& rows) {
  std::string out =
      "<section id=\"remedies\">\n<h2>Remedies</h2>\n<p class=\"note\">The scenario derived from the capture, "
      "played on the model under each remedy people reach for, ranked by what users see: connections over 1 s "
      "or failed, then the p99 of total latency, then errors. Each remedy's cost is stated beside it.</p>\n"
      "<table>\n";
  const std::vector<std::vector<std::string>> t = table_rows(rows);
  for (std::size_t i = 0; i < t.size(); ++i) {
    out += "<tr>";
    const char* tag = i == 0 ? "th" : "td";
    for (const std::string& cell : t[i]) out += fmt::format("<{0}>{1}</{0}>", tag, html_escape(cell));
    out += "</tr>\n";
  }
  return out + "</table>\n</section>\n";
}

}  // namespace synsim::report
