#!/usr/bin/env python3
"""Combine the per-process JSON files of one scripts/bench run into
bench/results/<stamp>.json and .md, refresh the generated part of
bench/RESULTS.md and draw bench/plots/*.png (matplotlib, optional).

Every number is the median over the rounds of the run (each round's number is
itself a median of --reps repetitions). Ratios are taken per round, between
engines measured back to back, and then the median ratio is reported; the
per-message and batch targets read the paired engine's ratios (screener and
raw Hyperscan alternated in one process, bench.c run_paired) when the run has
them.
"""
import argparse, glob, json, math, os, re, statistics, sys

ap = argparse.ArgumentParser()
ap.add_argument("--runs", required=True)
ap.add_argument("--json", required=True)
ap.add_argument("--md", required=True)
ap.add_argument("--results-md", required=True)
ap.add_argument("--plots", required=True)
ap.add_argument("--no-plots", action="store_true")
a = ap.parse_args()

meta = json.load(open(os.path.join(a.runs, "meta.json")))
raw = {}  # (corpus, dict, engine) -> [round results]
for p in sorted(glob.glob(os.path.join(a.runs, "*~r*.json"))):
    try:
        d = json.load(open(p))
    except Exception as e:  # a failed run leaves a partial file
        print(f"report: skipping {p}: {e}", file=sys.stderr)
        continue
    rnd = int(re.search(r"~r(\d+)\.json$", p).group(1))
    d["_round"] = rnd
    raw.setdefault((d["corpus"], d["dict"], d["engine"]), []).append(d)


def med_merge(items):
    """Median of numeric leaves over a list of same-shaped dicts."""
    x = items[0]
    if isinstance(x, dict):
        out = {}
        for k in x:
            vals = [i[k] for i in items if isinstance(i, dict) and k in i]
            out[k] = med_merge(vals)
        return out
    if isinstance(x, list):
        if all(isinstance(i, list) and len(i) == len(x) for i in items):
            return [med_merge([i[j] for i in items]) for j in range(len(x))]
        return x
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        vals = [i for i in items if isinstance(i, (int, float))]
        return statistics.median(vals)
    return x


res = {k: med_merge(v) for k, v in raw.items()}
for k, v in raw.items():
    res[k]["rounds"] = len(v)


def get(c, d, e, *path):
    x = res.get((c, d, e))
    for p in path:
        if x is None:
            return None
        if isinstance(x, list):
            x = x[p] if isinstance(p, int) and p < len(x) else None
        else:
            x = x.get(p)
    return x


def ratio_rounds(c, d, num_e, den_e, *path):
    """median over rounds of num/den, pairing equal rounds."""
    return ratio_paths(c, d, num_e, path, den_e, path)


def ratio_paths(c, d, num_e, num_path, den_e, den_path):
    """ratio_rounds for two engines whose numbers sit at different paths."""
    A = {r["_round"]: r for r in raw.get((c, d, num_e), [])}
    Bd = {r["_round"]: r for r in raw.get((c, d, den_e), [])}
    vals = []
    for rnd in A:
        if rnd not in Bd:
            continue
        x, y = dig(A[rnd], num_path), dig(Bd[rnd], den_path)
        if x and y:
            vals.append(x / y)
    return statistics.median(vals) if vals else None


def paired(c, d, key):
    """The in-process paired ratio `key` (bench.c run_paired): the median
    over rounds of each round's median over its alternations; also the
    lowest and highest alternation of all rounds."""
    rs = [r["paired"][key] for r in raw.get((c, d, "paired"), []) if "paired" in r]
    if not rs:
        return None, None, None
    return (statistics.median(x["median"] for x in rs), min(x["min"] for x in rs),
            max(x["max"] for x in rs))


def dig(x, path):
    for p in path:
        x = x.get(p) if isinstance(x, dict) else (x[p] if isinstance(x, list) and p < len(x) else None)
    return x


def thread_scaling(c, d, e):
    vals = []
    for r in raw.get((c, d, e), []):
        th = r.get("threads") or []
        if len(th) >= 2 and th[0]["msgs_per_s"]:
            vals.append(th[-1]["msgs_per_s"] / th[0]["msgs_per_s"])
    return statistics.median(vals) if vals else None


configs = sorted({(c, d) for (c, d, e) in res if e in ("screener", "hs")},
                 key=lambda cd: (cd[0] != "synthetic", cd[0], get(cd[0], cd[1], "hs", "dict_terms") or 0))
corpora = []
for c, d in configs:
    if c not in corpora:
        corpora.append(c)


def f(x, nd=1, unit=""):
    if x is None:
        return "–"
    if isinstance(x, float) and math.isnan(x):
        return "–"
    if abs(x) >= 1e6 and not unit:
        return f"{x/1e6:.2f} M"
    if abs(x) >= 100:
        return f"{x:,.0f}{unit}"
    return f"{x:.{nd}f}{unit}"


def fr(x):
    return "–" if x is None else f"{x:.2f}×"


# ---- tables ----------------------------------------------------------------
L = []
L.append(f"Run {meta.get('date')} on `{meta.get('host')}`: {meta.get('cpu')}, {meta.get('nproc')} CPUs, "
         f"kernel {meta.get('kernel')}, load average {meta.get('loadavg_start')} at start / "
         f"{meta.get('loadavg_end', '?')} at end (the machine was shared). Hyperscan (Vectorscan) "
         f"{meta.get('hyperscan')}, ICU {meta.get('icu')}, {meta.get('grep')}, {meta.get('rg') or 'rg absent'}; "
         f"library at {meta.get('git')}. {meta.get('rounds')} interleaved rounds × {meta.get('reps')} repetitions; "
         "medians shown, ratios are medians of per-round ratios.")
L.append("")
L.append("### Throughput (one call per message unless marked whole)")
L.append("")
L.append("| corpus | dict | terms | screener MB/s | screener msgs/s | raw HS MB/s | raw HS msgs/s | **screener ÷ HS** | "
         "screener whole MB/s | HS whole MB/s | whole ratio | batch MB/s | raw HS batched MB/s | CLI whole process MB/s | raw HS on UTF-16LE MB/s | Aho-Corasick MB/s | grep -F whole MB/s | rg -F whole MB/s | pyahocorasick MB/s |")
L.append("|" + "---|" * 19)
for c, d in configs:
    L.append("| " + " | ".join([
        c, d, f(get(c, d, "hs", "dict_terms") or get(c, d, "screener", "dict_terms"), 0),
        f(get(c, d, "screener", "permsg", "mbps")), f(get(c, d, "screener", "permsg", "msgs_per_s")),
        f(get(c, d, "hs", "permsg", "mbps")), f(get(c, d, "hs", "permsg", "msgs_per_s")),
        "**" + fr(ratio_rounds(c, d, "screener", "hs", "permsg", "mbps")) + "**",
        f(get(c, d, "screener", "whole", "mbps")), f(get(c, d, "hs", "whole", "mbps")),
        fr(ratio_rounds(c, d, "screener", "hs", "whole", "mbps")),
        f(get(c, d, "screener", "batch", "mbps")), f(get(c, d, "hs", "batch", "mbps")),
        f(get(c, d, "cli", "whole_process", "mbps")),
        f(get(c, d, "hs16", "permsg", "mbps")),
        f(get(c, d, "ac", "permsg", "mbps")),
        (f(get(c, d, "grep", "whole", "mbps"), 2) if get(c, d, "grep", "whole") else ("timeout" if get(c, d, "grep", "error") else "–")),
        (f(get(c, d, "rg", "whole", "mbps"), 2) if get(c, d, "rg", "whole") else ("timeout" if get(c, d, "rg", "error") else "–")),
        f(get(c, d, "pyahocorasick", "permsg", "mbps"), 2),
    ]) + " |")
L.append("")
L.append("Matches found (one call per message): screener counts deny matches after folding, word-boundary "
         "rules for Latin terms and allow-lists; raw HS and Aho-Corasick count exact byte matches "
         "(identical sets, see `--check`); grep/rg count matching lines.")
L.append("")
L.append("| corpus | dict | screener matches | raw HS matches | HS UTF-16LE matches | Aho-Corasick matches | grep lines | rg lines |")
L.append("|---|---|---|---|---|---|---|---|")
for c, d in configs:
    L.append(f"| {c} | {d} | {f(get(c, d, 'screener', 'permsg', 'matches'), 0)} | {f(get(c, d, 'hs', 'permsg', 'matches'), 0)} | {f(get(c, d, 'hs16', 'permsg', 'matches'), 0)} | "
             f"{f(get(c, d, 'ac', 'permsg', 'matches'), 0)} | {f(get(c, d, 'grep', 'whole', 'matching_lines'), 0)} | "
             f"{f(get(c, d, 'rg', 'whole', 'matching_lines'), 0)} |")
L.append("")
L.append("### Paired: screener and raw HS alternated in one process")
L.append("")
L.append("`screener_bench run --engine paired`: both databases in one process, their passes alternated "
         "(screener first, then HS first, ...), a ratio per alternation; shown: the median over rounds of "
         "each round's median, and [lowest – highest] alternation of all rounds. A neighbour's burst on "
         "this shared machine slows both passes of one alternation instead of one engine's whole process, "
         "so these are the ratios the targets read.")
L.append("")
L.append("| corpus | dict | alternations | screener ns/msg | raw HS ns/msg | **screener ÷ HS per message** | "
         "screener batch ÷ HS per message | screener batch ÷ HS batched |")
L.append("|---|---|---|---|---|---|---|---|")


def fspread(t):
    m, lo, hi = t
    return "–" if m is None else f"{m:.2f}× [{lo:.2f}–{hi:.2f}]"


for c, d in configs:
    rs = raw.get((c, d, "paired"), [])
    if not rs:
        continue
    n = get(c, d, "paired", "messages") or 1
    L.append("| " + " | ".join([
        c, d, str(sum(r["paired"]["alternations"] for r in rs if "paired" in r)),
        f((get(c, d, "paired", "paired", "screener_permsg_s", "median") or 0) * 1e9 / n, 0),
        f((get(c, d, "paired", "paired", "hs_permsg_s", "median") or 0) * 1e9 / n, 0),
        "**" + fspread(paired(c, d, "permsg_ratio")) + "**",
        fspread(paired(c, d, "batch_vs_permsg_ratio")), fspread(paired(c, d, "batch_ratio")),
    ]) + " |")
L.append("")
L.append("### Where screener's time goes (ns per message, one call per message)")
L.append("")
L.append("raw HS on UTF-16LE scans screener's internal encoding (messages re-encoded up front, untimed, same alignment check), "
         "so screener − that ≈ the fold, the span mapping of matches and the verdict; raw HS on UTF-16LE vs on UTF-8 is the "
         "effect of the encoding alone; native vs generic platform is the effect of compiling for no CPU features "
         "(screener compiles with tune GENERIC, cpu_features 0; the generic column is measured in round 1 only).")
L.append("")
L.append("| corpus | dict | screener | raw HS on UTF-16LE, native | same, generic platform (as screener) | raw HS on UTF-8 | screener − HS UTF-16LE generic | encoding effect (UTF-8 ÷ UTF-16LE native time) | platform effect (generic ÷ native time) |")
L.append("|---|---|---|---|---|---|---|---|---|")
for c, d in configs:
    s_ns, h16, h16g, h8 = (get(c, d, e, "permsg", "ns_per_msg") for e in ("screener", "hs16", "hs16g", "hs"))
    base = h16g or h16
    L.append(f"| {c} | {d} | {f(s_ns, 0)} | {f(h16, 0)} | {f(h16g, 0)} | {f(h8, 0)} | {f(s_ns - base if s_ns and base else None, 0)} | "
             f"{fr(h8 / h16 if h8 and h16 else None)} | {fr(h16g / h16 if h16g and h16 else None)} |")
L.append("")
L.append("### Latency per message (ns, includes ~25 ns of clock_gettime)")
L.append("")
L.append("| corpus | dict | screener p50 | p99 | p99.9 | raw HS p50 | p99 | p99.9 | Aho-Corasick p50 | p99 | p99.9 |")
L.append("|---|---|---|---|---|---|---|---|---|---|---|")
for c, d in configs:
    row = [c, d]
    for e in ("screener", "hs", "ac"):
        row += [f(get(c, d, e, "latency_ns", q), 0) for q in ("p50", "p99", "p999")]
    L.append("| " + " | ".join(row) + " |")
L.append("")
L.append("### Compile, database, load, memory, threads")
L.append("")
L.append("| corpus | dict | screener compile s | raw HS compile s | screener db bytes | raw HS db bytes | db ratio | "
         "screener load ms | raw HS load ms | screener peak RSS MB | raw HS peak RSS MB | screener 2 thr ÷ 1 | raw HS 2 thr ÷ 1 |")
L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for c, d in configs:
    sdb, hdb = get(c, d, "screener", "db_bytes"), get(c, d, "hs", "db_bytes")
    L.append("| " + " | ".join([
        c, d, f(get(c, d, "screener", "compile_s"), 2), f(get(c, d, "hs", "compile_s"), 2),
        f(sdb, 0, " "), f(hdb, 0, " "), fr(sdb / hdb if sdb and hdb else None),
        f(get(c, d, "screener", "load_ms"), 2), f(get(c, d, "hs", "load_ms"), 2),
        f((get(c, d, "screener", "rss_kb", "peak") or 0) / 1024, 1), f((get(c, d, "hs", "rss_kb", "peak") or 0) / 1024, 1),
        fr(thread_scaling(c, d, "screener")), fr(thread_scaling(c, d, "hs")),
    ]) + " |")
L.append("")
L.append("### Normalization alone (one call per message, MB/s of input)")
L.append("")
L.append("| corpus | ICU NFKC_Casefold | ICU Traditional-Simplified | ICU both | screener fold as a scan runs it (fold_text, path) | screener_fold_utf8 (+ UTF-8 re-encoding, a malloc per call) | screener full scan, same messages |")
L.append("|---|---|---|---|---|---|---|")
for c in corpora:
    dd = [d for (cc, d, e) in res if cc == c and e == "icu"]
    if not dd:
        continue
    d = dd[0]
    L.append(f"| {c} | {f(get(c, d, 'icu', 'nfkc_cf', 'mbps'))} | {f(get(c, d, 'icu', 'trad_simp', 'mbps'), 2)} | "
             f"{f(get(c, d, 'icu', 'nfkc_cf+trad_simp', 'mbps'), 2)} | "
             f"{f(get(c, d, 'fold_scan', 'fold_scan', 'mbps'))} ({get(c, d, 'fold_scan', 'fold_scan', 'path') or '–'}) | "
             f"{f(get(c, d, 'fold', 'fold_utf8', 'mbps'))} | "
             f"{f(get(c, d, 'fold', 'scan_same_db', 'mbps'))} |")
L.append("")

# ---- targets ---------------------------------------------------------------
T = []


def size_class(c, d):
    n = get(c, d, "hs", "dict_terms") or 0
    return "1k" if n <= 2000 else "10k" if n <= 20000 else "large"


def target(name, value, goal, ok, note=""):
    T.append({"target": name, "value": value, "goal": goal, "met": ok, "note": note})


CHINESE = ("chat_zh_lccc", "weibo_zh_swsr")


def ratio_target(name, r, goal):
    if r is not None:
        target(name, round(r, 3), f"≥ {goal}", r >= goal,
               "" if r >= goal else f"missed by {(1 - r / goal) * 100:.0f}%")


def paired_target(name, c, d, key, separate, goal):
    """A ratio target read from the paired runs (in one process, alternated)
    when the run has them, the separate processes' ratio in the note."""
    m, lo, hi = paired(c, d, key)
    if m is None:
        ratio_target(name + " (separate processes)", separate, goal)
        return
    sep = "" if separate is None else f"; separate processes {separate:.2f}"
    target(name, round(m, 3), f"≥ {goal}", m >= goal,
           ("" if m >= goal else f"missed by {(1 - m / goal) * 100:.0f}%; ")
           + f"alternations {lo:.2f}–{hi:.2f}{sep}")


# Issue 13's targets (per message, batch, CLI, fold): paired in one process
# where the run has it (bench.c run_paired), else per round between
# processes run back to back.
for c, d in configs:
    sc = size_class(c, d)
    goal = 0.8 if sc == "1k" else 0.9 if c == "tweets_en_davidson" else 1.0
    paired_target(f"screener ÷ raw HS, per message, {c} × {d}", c, d, "permsg_ratio",
                  ratio_rounds(c, d, "screener", "hs", "permsg", "mbps"), goal)
for c, d in configs:
    paired_target(f"screener batch ÷ raw HS per message, {c} × {d}", c, d, "batch_vs_permsg_ratio",
                  ratio_paths(c, d, "screener", ("batch", "mbps"), "hs", ("permsg", "mbps")), 1.5)
for c, d in configs:
    if c in CHINESE and size_class(c, d) != "1k":
        paired_target(f"screener batch ÷ raw HS batched, {c} × {d}", c, d, "batch_ratio",
                      ratio_rounds(c, d, "screener", "hs", "batch", "mbps"), 1.0)
for c, d in configs:
    if (c in CHINESE and size_class(c, d) != "1k") or \
            (c == "tweets_en_davidson" and size_class(c, d) == "10k"):
        ratio_target(f"CLI whole process ÷ raw HS per message, {c} × {d}",
                     ratio_paths(c, d, "cli", ("whole_process", "mbps"), "hs", ("permsg", "mbps")),
                     1.0)
for c, goal in (("tweets_en_davidson", 1000), ("chat_zh_lccc", 500)):
    # the fold as a scan runs it (bench/fold_speed.c); screener_fold_utf8,
    # the explain API, is in the normalization table for comparison
    dd = [d for (cc, d, e) in res if cc == c and e == "fold_scan"]
    v = get(c, dd[0], "fold_scan", "fold_scan", "mbps") if dd else None
    if v:
        path = get(c, dd[0], "fold_scan", "fold_scan", "path")
        target(f"fold alone (fold_text as a scan runs it, {path} path), MB/s, {c}", round(v),
               f"≥ {goal}", v >= goal, "" if v >= goal else f"{v / goal:.2f}× of goal")
for c, d in configs:
    if size_class(c, d) == "10k" and c in ("chat_zh_lccc", "synthetic"):
        v = get(c, d, "screener", "permsg", "msgs_per_s")
        if v:
            target(f"msgs/s at 10k terms, {c} × {d}", round(v), "≥ 2,000,000", v >= 2e6,
                   "" if v >= 2e6 else f"{v / 2e6:.2f}× of goal")
for c, d in configs:
    if size_class(c, d) == "10k":
        s = thread_scaling(c, d, "screener")
        if s:
            target(f"2 threads ÷ 1, {c} × {d}", round(s, 2), "≥ 1.8", s >= 1.8,
                   "" if s >= 1.8 else "machine shared with other builds (load > nproc); see raw HS scaling for comparison")
seen_d = set()
for c, d in configs:
    if d in seen_d:
        continue
    seen_d.add(d)
    sc = size_class(c, d)
    cs = get(c, d, "screener", "compile_s")
    n = get(c, d, "hs", "dict_terms")
    if sc == "large" and cs is not None and n and n <= 70000:
        target(f"compile {n} terms ({d})", round(cs, 2), "≤ 5 s", cs <= 5, "" if cs <= 5 else f"{cs / 5:.2f}× the limit")
    lm = get(c, d, "screener", "load_ms")
    if lm is not None:
        target(f"load ({d})", round(lm, 2), "≤ 50 ms", lm <= 50, "" if lm <= 50 else f"{lm / 50:.2f}× the limit")
    sdb, hdb = get(c, d, "screener", "db_bytes"), get(c, d, "hs", "db_bytes")
    if sdb and hdb:
        target(f"db size ÷ raw HS ({d})", round(sdb / hdb, 2), "≤ 2.0", sdb / hdb <= 2.0,
               "" if sdb / hdb <= 2 else f"{sdb / hdb / 2:.2f}× the limit")
L.append("### Targets")
L.append("")
L.append("| target | value | goal | met | note |")
L.append("|---|---|---|---|---|")
for t in T:
    v = t["value"]
    vs = f"{v:,}" if isinstance(v, int) else f"{v}"
    L.append(f"| {t['target']} | {vs} | {t['goal']} | {'yes' if t['met'] else '**no**'} | {t['note']} |")
L.append("")

# ---- plots -----------------------------------------------------------------
plots = []
if not a.no_plots:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        os.makedirs(a.plots, exist_ok=True)
        # 1. throughput vs dictionary size
        nc = 2 if len(corpora) > 1 else 1
        nr = (len(corpora) + nc - 1) // nc
        fig, axes = plt.subplots(nr, nc, figsize=(5.2 * nc, 3.6 * nr + 1.0), squeeze=False)
        axes = [[ax for row in axes for ax in row]]
        for ax in axes[0][len(corpora):]:
            ax.set_visible(False)
        series = [("screener", ("permsg", "mbps"), "screener, per message", "-o"),
                  ("screener", ("whole", "mbps"), "screener, whole buffer", ":o"),
                  ("hs", ("permsg", "mbps"), "raw Hyperscan, per message", "-s"),
                  ("hs", ("whole", "mbps"), "raw Hyperscan, whole buffer", ":s"),
                  ("hs16", ("permsg", "mbps"), "raw Hyperscan on UTF-16LE, per message", "-d"),
                  ("ac", ("permsg", "mbps"), "Aho-Corasick (C), per message", "-^"),
                  ("rg", ("whole", "mbps"), "rg -F, whole process", "--x"),
                  ("grep", ("whole", "mbps"), "grep -F, whole process", "--+"),
                  ("pyahocorasick", ("permsg", "mbps"), "pyahocorasick, per message", "-.v")]
        for ax, c in zip(axes[0], corpora):
            ds = [d for (cc, d) in configs if cc == c]
            xs = [get(c, d, "hs", "dict_terms") or 0 for d in ds]
            for e, path, lab, sty in series:
                ys = [get(c, d, e, *path) for d in ds]
                pts = [(x, y) for x, y in zip(xs, ys) if y]
                if pts:
                    ax.plot([p[0] for p in pts], [p[1] for p in pts], sty, label=lab, ms=4)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(c, fontsize=9)
            ax.set_xlabel("dictionary terms")
            ax.grid(True, which="both", alpha=0.3)
        for ax in axes[0][::nc]:
            ax.set_ylabel("MB/s of input")
        h, l = axes[0][0].get_legend_handles_labels()
        fig.legend(h, l, loc="lower center", ncol=3, fontsize=7)
        fig.tight_layout(rect=(0, 0.12 if nr > 1 else 0.2, 1, 1))
        fig.savefig(os.path.join(a.plots, "throughput_vs_dict.png"), dpi=110)
        plt.close(fig)
        plots.append(("Throughput vs dictionary size", "throughput_vs_dict.png"))
        # 2. latency distribution at ~10k terms
        fig, axes = plt.subplots(nr, nc, figsize=(5.2 * nc, 3.4 * nr), squeeze=False)
        axes = [[ax for row in axes for ax in row]]
        for ax in axes[0][len(corpora):]:
            ax.set_visible(False)
        for ax, c in zip(axes[0], corpora):
            ds = [d for (cc, d) in configs if cc == c and size_class(cc, d) == "10k"] or [d for (cc, d) in configs if cc == c]
            d = ds[0]
            for e, lab in (("screener", "screener"), ("hs", "raw Hyperscan"), ("ac", "Aho-Corasick")):
                cur = get(c, d, e, "latency_ns", "curve")
                if cur:
                    ax.plot([p[1] for p in cur], [1 - p[0] for p in cur], label=lab)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"{c} × {d}", fontsize=9)
            ax.set_xlabel("ns per message")
            ax.grid(True, which="both", alpha=0.3)
        for ax in axes[0][::nc]:
            ax.set_ylabel("share of messages slower")
        axes[0][0].legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(a.plots, "latency_distribution.png"), dpi=110)
        plt.close(fig)
        plots.append(("Per-message latency distribution (≈10k terms)", "latency_distribution.png"))
        # 3. threads
        fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(configs)), 3.8))
        labels, w = [], 0.2
        for i, (c, d) in enumerate(configs):
            labels.append(f"{c}\n{d}")
            for j, (e, t) in enumerate((("screener", 0), ("screener", -1), ("hs", 0), ("hs", -1))):
                v = get(c, d, e, "threads", t, "msgs_per_s") if get(c, d, e, "threads") else None
                t_lab = "1 thread" if t == 0 else f"{len(get(c, d, e, 'threads') or [0, 0])} threads"
                if v:
                    ax.bar(i + (j - 1.5) * w, v / 1e6, w, color=["#1f77b4", "#6baed6", "#d62728", "#fc9272"][j],
                           label=f"{'screener' if e == 'screener' else 'raw HS'}, {t_lab}" if i == 0 else None)
        ax.set_xticks(range(len(configs)))
        ax.set_xticklabels(labels, fontsize=6, rotation=45, ha="right")
        ax.set_ylabel("M messages/s")
        ax.legend(fontsize=7)
        ax.grid(True, axis="y", alpha=0.3)
        fig.tight_layout()
        fig.savefig(os.path.join(a.plots, "threads.png"), dpi=110)
        plt.close(fig)
        plots.append(("Scaling with threads (own scratch clone per thread)", "threads.png"))
    except Exception as e:  # plots are optional
        print(f"report: no plots: {e}", file=sys.stderr)

body = "\n".join(L)
stamp = os.path.splitext(os.path.basename(a.json))[0]
with open(a.json, "w") as fh:
    json.dump({"meta": meta, "targets": T,
               "results": [dict(v, corpus=k[0], dict=k[1], engine=k[2]) for k, v in sorted(res.items())]},
              fh, indent=1, ensure_ascii=False)
with open(a.md, "w") as fh:
    fh.write(f"# Benchmark run {stamp}\n\n{body}\n")

gen = [f"<!-- BEGIN GENERATED by scripts/bench ({stamp}); edit outside these markers -->", "",
       f"## Latest results ({stamp})", "", body]
if plots:
    gen.append("### Plots")
    gen.append("")
    for title, fn in plots:
        rel = os.path.relpath(os.path.join(a.plots, fn), os.path.dirname(os.path.abspath(a.results_md)))
        gen.append(f"**{title}**\n\n![{title}]({rel})\n")
gen.append("<!-- END GENERATED -->")
gen = "\n".join(gen)
old = open(a.results_md).read() if os.path.exists(a.results_md) else "# Benchmarks\n\n<!-- BEGIN GENERATED -->\n<!-- END GENERATED -->\n"
m = re.search(r"<!-- BEGIN GENERATED.*?<!-- END GENERATED -->", old, re.S)
new = old[:m.start()] + gen + old[m.end():] if m else old + "\n" + gen + "\n"
with open(a.results_md, "w") as fh:
    fh.write(new)
print(f"report: {len(res)} result sets, {sum(t['met'] for t in T)}/{len(T)} targets met", file=sys.stderr)
