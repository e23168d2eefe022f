"""The saved kernel runs of the load reports, for the scripts that re-judge them without a kernel
(scripts/load-rejudge, scripts/verdict-noise).

Two kinds of saved experiment:
  - reports/load/NAME/kernel*/outcome.json.gz: the shipped scenario scenarios/load/NAME.yaml as
    scripts/load-agreement ran it (no --set);
  - reports/load/space-SEED/pN/kernel-*.json.gz: a point of scripts/load-space, its workload read
    from its row in space-SEED.md (the base scenario with --set overrides).
"""
import glob, gzip, os, re

# The row load-space wrote for a point: "| 3 | backlog 22, 1516 in flight, 1 loader thread, accept all/wakeup,
# fin, reply 5 B, accept cost 0 us[, pause 500 ms at 1 s] | ...". The base scenario and the
# connection count are the report's own line.
ROW = re.compile(r"^\| (\d+) \| (backlog (\d+), (\d+) in flight, (?:(\d+) loader threads?, )?accept (1|all)/wakeup, "
                 r"(fin|rst), reply (\d+) B, accept cost (\d+) us(, pause 500 ms at 1 s)?) \|")
HEAD = re.compile(r"Base scenario `([^`]+)` with")
COUNT = re.compile(r"^(\d+) connections over (\S+);")


def space_seeds(reports):
    """The seeds of reports/load/space-SEED.md that have their runs saved beside them."""
    return sorted(re.sub(r".*space-(\d+)\.md$", r"\1", p) for p in glob.glob(f"{reports}/space-*.md")
                  if os.path.isdir(p[:-3]))


def space_points(reports, seed):
    """(seed, point, workload text, base scenario, --set overrides) for each row of space-SEED.md."""
    base, count, duration, out = None, None, None, []
    for line in open(f"{reports}/space-{seed}.md"):
        if m := HEAD.search(line):
            base = m.group(1)
        elif m := COUNT.match(line):
            count, duration = m.group(1), m.group(2)
        elif m := ROW.match(line):
            p, what, backlog, conc, threads, per_wakeup, close, reply, cost, pause = m.groups()
            sets_ = [f"clients.load.count={count}", f"duration={duration}", f"server.backlog={backlog}",
                     f"clients.load.arrival.concurrency={conc}",
                     f"server.accept.per_wakeup={1 if per_wakeup == '1' else 0}",
                     f"clients.load.close_style={close}", f"server.on_data.respond_bytes={reply}",
                     f"loader.threads={threads or 1}"]
            if int(cost) > 0:
                sets_.append(f"server.accept.mode.per_accept_cost={cost}us")
            if pause:
                sets_.append("server.accept.pauses=[{at: 1s, for: 500ms}]")
            out.append((seed, int(p), what, base, tuple(sets_)))
    if base is None or count is None:
        raise SystemExit(f"{reports}/space-{seed}.md: no 'Base scenario' / connection count line")
    return out


def space_runs(reports, seed, p):
    """The point's saved kernel runs (gzip'd outcome.json files), in run order."""
    return sorted(glob.glob(f"{reports}/space-{seed}/p{p}/kernel-*.json.gz"))


def scenario_runs(reports, name):
    """A shipped load scenario's saved kernel runs: NAME/kernel, NAME/kernel-2, ..."""
    dirs = glob.glob(f"{reports}/{name}/kernel") + glob.glob(f"{reports}/{name}/kernel-[0-9]*")
    dirs.sort(key=lambda d: 1 if d.endswith("/kernel") else int(d.rsplit("-", 1)[1]))
    return [f"{d}/outcome.json.gz" for d in dirs if os.path.exists(f"{d}/outcome.json.gz")]


def decompressed(path, tmp, tag):
    """The outcome.json of a gzip'd one, written once into tmp (compare reads plain JSON)."""
    out = f"{tmp}/{tag}-{os.path.basename(os.path.dirname(path)) if path.endswith('outcome.json.gz') else ''}" \
          f"{os.path.basename(path)[:-3]}"
    if not os.path.exists(out):
        with gzip.open(path) as src, open(out, "wb") as dst:
            dst.write(src.read())
    return out


# A duration that never ended ("unfinished" in compare's JSON; compare::kUnfinished).
UNFINISHED = 2**63 - 1


def value(x):
    """A judged figure's value from compare's JSON: a count, a duration in ns, or "unfinished"."""
    return UNFINISHED if x == "unfinished" else int(x)


def in_band(what, model, kernel, factor, slack=5, duration_slack=20_000_000):
    """compare's band (compare::widened) with another factor and slacks, to try other rules on saved
    verdicts: the kernel's range widened by `factor` either way or by the slack, whichever is wider.
    scripts/verdict-noise checks that the shipped factor gives synsim's own verdicts."""
    lo, hi = min(kernel), max(kernel)
    s = duration_slack if what.endswith("p99") else slack
    if lo == UNFINISHED:
        return model == UNFINISHED
    blo = max(0, min(lo // factor if factor == int(factor) else int(lo / factor), lo - s))
    bhi = UNFINISHED if hi == UNFINISHED else max(-(-hi * factor // 1) if factor == int(factor) else -int(-hi * factor),
                                                  hi + s)
    return blo <= model <= bhi


def outside(judged, factor):
    """The judged figures of a compare JSON's `judged` outside `factor` of the kernel's range, as
    "what: model M (median), kernel K1, K2, ..." lines."""
    return [f"{f['what']}: model {f['model_median']}, kernel {', '.join(str(k) for k in f['kernel'])}"
            for f in judged if not f.get("not_judged")
            and not in_band(f["what"], value(f["model_median"]), [value(k) for k in f["kernel"]], factor)]


def run_pairs(judged, side, factor=3):
    """One side's runs judged one against another by the band (`side`: "model" or "kernel", the
    per-run values compare's JSON lists): (pairs that disagree on some judged figure, pairs)."""
    figures = [f for f in judged if not f.get("not_judged")]
    n = len(figures[0][side]) if figures else 0
    apart = pairs = 0
    for a in range(n):
        for b in range(n):
            if a != b:
                pairs += 1
                apart += not all(in_band(f["what"], value(f[side][a]), [value(f[side][b])], factor) for f in figures)
    return apart, pairs
