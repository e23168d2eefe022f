#include "sim/cli/kernels_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "sim/cli/exit_codes.h"
#include "sim/profile/profile.h"

namespace synsim::cli {

namespace {

std::string known_names() {
  std::string names;
  for (const profile::Profile& p : profile::profiles()) names += (names.empty() ? "" : ", ") + std::string(p.name);
  return names;
}

std::string seconds(Duration d) { return fmt::format("{} s", static_cast<double>(to_ns(d)) / 1e9); }

}  // namespace

std::string kernels_listing() {
  std::string out = "Kernel profiles (rules that differ: synsim kernels diff A B)\n\n";
  out += fmt::format("{:<14} {:<11} {:>4} {:>7}", "profile", "upstream", "HZ", "TO_INIT");
  for (const profile::DefaultInfo& d : profile::default_table()) {
    std::string_view name = d.sysctl;
    if (const std::size_t dot = name.rfind('.'); dot != std::string_view::npos) name.remove_prefix(dot + 1);
    out += fmt::format(" {}", name);
  }
  out += "\n";
  for (const profile::Profile& p : profile::profiles()) {
    out += fmt::format("{:<14} {:<11} {:>4} {:>7}", p.name, p.upstream.empty() ? "-" : p.upstream, p.default_hz,
                       seconds(p.timeout_init));
    for (const profile::DefaultInfo& d : profile::default_table()) {
      std::string_view name = d.sysctl;
      if (const std::size_t dot = name.rfind('.'); dot != std::string_view::npos) name.remove_prefix(dot + 1);
      out += fmt::format(" {:>{}}", (p.defaults.*(d.field)).value, name.size());
    }
    out += "\n";
  }
  out += "\nTO_INIT is TCP_TIMEOUT_INIT; the other columns are sysctl defaults of a fresh network namespace.\n";
  for (const profile::Profile& p : profile::profiles()) {
    out += fmt::format("\n{}: {}\n", p.name, p.models);
    for (std::string_view n : p.not_modelled) out += fmt::format("  not modelled: {}\n", n);
  }
  return out;
}

std::optional<std::string> kernels_diff(const std::string& a, const std::string& b) {
  const profile::Profile* pa = profile::find_profile(a);
  const profile::Profile* pb = profile::find_profile(b);
  if (pa == nullptr || pb == nullptr) return std::nullopt;
  const std::size_t w = std::max(pa->name.size(), pb->name.size());
  std::string out = fmt::format("{} against {}\n", pa->name, pb->name);
  int rules = 0;
  for (const profile::RuleInfo& r : profile::rule_table()) {
    const std::size_t va = r.value_of(pa->rules);
    const std::size_t vb = r.value_of(pb->rules);
    if (va == vb) continue;
    ++rules;
    out += fmt::format("\nrule {} ({})\n", r.name, r.mirrors);
    for (const auto& [p, v] : {std::pair{pa, va}, std::pair{pb, vb}}) {
      out += fmt::format("  {:<{}}  {}: {}\n", p->name, w, r.values[v].name, r.values[v].origin);
      out += fmt::format("  {:<{}}  read: {}\n", "", w, r.read_of(p->rules));
    }
  }
  int defaults = 0;
  for (const profile::DefaultInfo& d : profile::default_table()) {
    const profile::Default& da = pa->defaults.*(d.field);
    const profile::Default& db = pb->defaults.*(d.field);
    if (da.value == db.value) continue;
    ++defaults;
    out += fmt::format("\ndefault {}\n", d.sysctl);
    for (const auto* p : {pa, pb}) {
      const profile::Default& v = p->defaults.*(d.field);
      out += fmt::format("  {:<{}}  {}: {}\n", p->name, w, v.value, v.read);
    }
  }
  if (pa->default_hz != pb->default_hz) {
    ++defaults;
    out += "\nCONFIG_HZ\n";
    for (const auto* p : {pa, pb}) out += fmt::format("  {:<{}}  {}: {}\n", p->name, w, p->default_hz, p->hz_read);
  }
  if (pa->timeout_init != pb->timeout_init) {
    ++defaults;
    out += "\nTCP_TIMEOUT_INIT\n";
    for (const auto* p : {pa, pb}) out += fmt::format("  {:<{}}  {}\n", p->name, w, seconds(p->timeout_init));
  }
  out += fmt::format("\n{} rule{} and {} default{} differ.\n", rules, rules == 1 ? "" : "s", defaults,
                     defaults == 1 ? "" : "s");
  return out;
}

int kernels_command(const KernelsArgs& args) {
  if (args.words.empty()) {
    std::cout << kernels_listing();
    return kExitOk;
  }
  if (args.words.size() != 3 || args.words[0] != "diff") {
    std::cerr << "synsim kernels: expected nothing or 'diff A B'\n";
    return kExitBadInput;
  }
  for (std::size_t i = 1; i < 3; ++i) {
    if (profile::find_profile(args.words[i]) == nullptr) {
      std::cerr << "synsim kernels diff: unknown kernel profile '" << args.words[i]
                << "' (known profiles: " << known_names() << ")\n";
      return kExitBadInput;
    }
  }
  std::cout << *kernels_diff(args.words[1], args.words[2]);
  return kExitOk;
}

}  // namespace synsim::cli
