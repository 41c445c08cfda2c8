"""scripts/compare-cf step 3: every tool's item factors scored the same way, and the table.

usage: score.py WORK_DIR LABEL RESULTS_JSON

WORK_DIR holds split.npz and split.json (split.py), msr/factors.msrf and msr/factorize.json
(msr-factorize; msr-spark/ the same from msr-factorize --engine spark), implicit.npz and spark.npz
(fit_peer.py), and TOOL.time ("%e %M" of
/usr/bin/time: whole-process wall seconds and peak RSS in KiB). A tool whose files are missing is
listed as failed.

Each held-out playlist's factor is the exact fold-in (implicit's recalculate_user, msr's FoldIn)
from the tool's item factors Y over its shown tracks S that Y holds:
    (YtY + lambda I + sum_{t in S} (C - 1) y_t y_t^T) x = sum_{t in S} C y_t,   lambda 0.01, C 41
for all three tools (Spark's fit scaled its regularization, the fold-in does not). Scores x . y for
every track Y holds, the shown tracks excluded, the top 500 by score (ties by track number). The
metrics are msr's (Sources/MSRCore/Recommend/ContinuationMetrics.swift): R-precision, NDCG@10 with
tie-aware discounts (McSherry and Najork), recall@10, recall@500, hit rate@10, means over the
held-out playlists; and the same on cold tracks (hidden tracks that no training playlist holds:
no tool has a factor for them, so their figures are 0 for every tool, listed for completeness).
Popularity: the tracks most training playlists hold (ties by track number), scored with the counts.
"""
import json
import math
import os
import struct
import sys

import numpy as np

FACTORS, LAMBDA, CONFIDENCE, DEPTH = 64, 0.01, 41.0, 500
METRICS = ["ndcg_at_10", "r_precision", "recall_at_10", "recall_at_500", "hit_rate_at_10"]
TOOLS = {"msr": "msr-factorize", "msr-spark": "msr-factorize --engine spark", "implicit": "implicit 0.7.3 (CG)",
         "spark": "Spark MLlib ALS"}


def read_msrf(path):
    """models/factors.msrf, version 2 (Sources/MSRCore/Models/Factorization/TrackFactors+File.swift)."""
    data = open(path, "rb").read()
    if data[:8] != b"MSRFACT1":
        raise ValueError(f"{path}: not a factors file")
    version, n, k, playlists = struct.unpack_from("<4I", data, 8)
    (pairs,) = struct.unpack_from("<Q", data, 24)
    regularization, alpha = struct.unpack_from("<2d", data, 32)
    iterations, cg_steps, solver, bm25 = struct.unpack_from("<4I", data, 48)
    (seed,) = struct.unpack_from("<Q", data, 64)
    (uri_bytes,) = struct.unpack_from("<Q", data, 72)
    if version != 2 or uri_bytes != 22 * n:
        raise ValueError(f"{path}: version {version}, {uri_bytes} uri bytes for {n} tracks")
    offset = 80
    counts = np.frombuffer(data, "<i4", n, offset)
    offset += 4 * n
    offset += -offset % 32  # zeros up to the rows
    stride = (k + 7) // 8 * 8  # each row padded to a multiple of 8 values
    factors = np.frombuffer(data, "<f4", n * stride, offset).reshape(n, stride)[:, :k]
    offset += 4 * n * stride
    offset += 4 * k * k  # YᵀY
    uris = data[offset:offset + uri_bytes].decode("ascii")
    if offset + uri_bytes != len(data):
        raise ValueError(f"{path}: {len(data) - offset - uri_bytes} unexpected bytes")
    ids = [uris[22 * i:22 * i + 22] for i in range(n)]
    params = {"factors": k, "regularization": regularization, "alpha": alpha, "iterations": iterations,
              "cg_steps": cg_steps, "solver": ["cg", "cholesky"][solver], "bm25": bool(bm25), "random_state": seed,
              "playlists": playlists, "pairs": pairs}
    return ids, np.array(factors, dtype=np.float32), counts, params


def ndcg(ranked, scores, relevant, k=10):
    def discount(position):
        return 1 / math.log2(position + 1) if position <= k else 0.0

    gain, start = 0.0, 0
    while start < len(ranked) and start < k:
        end = start + 1
        while end < len(ranked) and scores[end] == scores[start]:
            end += 1
        found = sum(1 for t in ranked[start:end] if t in relevant)
        if found:
            gain += found * sum(discount(p) for p in range(start + 1, end + 1)) / (end - start)
        start = end
    return gain / sum(discount(p) for p in range(1, min(len(relevant), k) + 1))


def figures(ranked, scores, relevant):
    hits = [t in relevant for t in ranked]
    n = len(relevant)
    return {"ndcg_at_10": ndcg(ranked, scores, relevant),
            "r_precision": sum(hits[:n]) / n,
            "recall_at_10": sum(hits[:10]) / n,
            "recall_at_500": sum(hits[:500]) / n,
            "hit_rate_at_10": 1.0 if any(hits[:10]) else 0.0}


class Scores:
    def __init__(self):
        self.sums = dict.fromkeys(METRICS, 0.0)
        self.cases = 0

    def add(self, ranked, scores, relevant):
        for key, value in figures(ranked, scores, relevant).items():
            self.sums[key] += value
        self.cases += 1

    def mean(self):
        out = {key: (value / self.cases if self.cases else 0.0) for key, value in self.sums.items()}
        out["cases"] = self.cases
        return out


def evaluate(recommend, cases, cold):
    """recommend(shown, case number) -> (ranked, scores) in the common track numbers."""
    every, cold_scores = Scores(), Scores()
    for number, (shown, hidden) in enumerate(cases):
        ranked, scores = recommend(shown, number)
        ranked, scores = ranked.tolist(), scores.tolist()
        relevant = set(hidden.tolist())
        every.add(ranked, scores, relevant)
        cold_hidden = relevant & cold
        if cold_hidden:
            cold_scores.add(ranked, scores, cold_hidden)
    result = every.mean()
    result["cold"] = cold_scores.mean()
    return result


def top(scores, count, numbers):
    """The `count` best of a row of scores (-inf excluded), best first, ties by track number."""
    count = min(count, int(np.isfinite(scores).sum()))
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, count - 1)[:count] if count < len(scores) else np.arange(len(scores))
    order = np.lexsort((numbers[part], -scores[part]))
    return part[order]


def cf_recommender(rows, factors, cases, track_count):
    """Fold-in of every case at once (batched exact solves), then the top DEPTH per case."""
    y = factors.astype(np.float64)
    gram = y.T @ y + LAMBDA * np.eye(y.shape[1])
    position = np.full(track_count, -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    xs = np.zeros((len(cases), y.shape[1]))
    batch = 2048
    for first in range(0, len(cases), batch):
        chunk = cases[first:first + batch]
        a = np.repeat(gram[None], len(chunk), axis=0)
        b = np.zeros((len(chunk), y.shape[1]))
        for j, (shown, _) in enumerate(chunk):
            p = position[shown]
            ys = y[p[p >= 0]]
            a[j] += (CONFIDENCE - 1) * ys.T @ ys
            b[j] = CONFIDENCE * ys.sum(axis=0)
        xs[first:first + len(chunk)] = np.linalg.solve(a, b[..., None])[..., 0]
    y32 = factors.astype(np.float32)
    answers = []
    for first in range(0, len(cases), batch):
        scores = xs[first:first + batch].astype(np.float32) @ y32.T
        for j in range(scores.shape[0]):
            shown = cases[first + j][0]
            p = position[shown]
            row = scores[j]
            row[p[p >= 0]] = -np.inf
            best = top(row, DEPTH, rows)
            answers.append((rows[best], row[best].astype(np.float64)))
    return lambda shown, number: answers[number]


def popularity_recommender(train_counts):
    known = np.flatnonzero(train_counts > 0)
    order = known[np.lexsort((known, -train_counts[known]))]
    counts = train_counts[order].astype(np.float64)

    def recommend(shown, number):
        keep = ~np.isin(order[:DEPTH + len(shown)], shown)
        ranked = order[:DEPTH + len(shown)][keep][:DEPTH]
        return ranked, counts[:DEPTH + len(shown)][keep][:DEPTH]

    return recommend


def read_time(path):
    try:
        wall, rss = open(path).read().split()[-2:]
        return float(wall), int(rss) / 1024
    except (OSError, ValueError):
        return None, None


def read_phases(path):
    """msr's phase timings (MSR_TIMING): lines "  NAME   SECONDS s" (then, where the system says,
    "   RSS MB (peak PEAK)")."""
    phases = {}
    try:
        for line in open(path):
            parts = line.split()
            if line.startswith("  ") and "s" in parts[1:]:
                at = parts.index("s", 1)
                try:
                    phases[" ".join(parts[:at - 1])] = float(parts[at - 1])
                except ValueError:
                    pass
    except OSError:
        pass
    return phases


def read_load(work, tool):
    try:
        return float(open(os.path.join(work, f"{tool}.load")).read())
    except (OSError, ValueError):
        return None


def load_tool(work, tool):
    if tool in ("msr", "msr-spark"):
        ids, factors, _, params = read_msrf(os.path.join(work, tool, "factors.msrf"))
        metrics = json.load(open(os.path.join(work, tool, "factorize.json")))
        return ids, factors, metrics["fit_seconds"], None, params
    data = np.load(os.path.join(work, f"{tool}.npz"))
    extra = {key: float(data[key]) for key in ("session_seconds",) if key in data.files}
    return data["ids"].tolist(), data["factors"], float(data["fit_seconds"]), float(data["read_seconds"]), extra


def main(work, label, results_path):
    split = np.load(os.path.join(work, "split.npz"))
    info = json.load(open(os.path.join(work, "split.json")))
    ids = split["ids"].tolist()
    number = {tid: i for i, tid in enumerate(ids)}
    train_counts = split["train_counts"]
    sp, sh, hp, hd = split["shown_ptr"], split["shown"], split["hidden_ptr"], split["hidden"]
    cases = [(sh[sp[i]:sp[i + 1]], hd[hp[i]:hp[i + 1]]) for i in range(len(sp) - 1)]
    cold = set(np.flatnonzero(train_counts == 0).tolist()) & set(hd.tolist())
    training = set(np.flatnonzero(train_counts > 0).tolist())

    result = {"split": info, "cold_tracks": len(cold), "tools": {}}
    # The fits compare-cf ran (COMPARE_CF_TOOLS); the others are left out of the table.
    ran = os.environ.get("COMPARE_CF_TOOLS", " ".join(TOOLS)).split()
    for tool in [t for t in TOOLS if t in ran]:
        wall, rss = read_time(os.path.join(work, f"{tool}.time"))
        entry = {"whole_process_seconds": wall, "peak_rss_mb": rss, "load_average_at_start": read_load(work, tool)}
        try:
            tool_ids, factors, fit_seconds, read_seconds, params = load_tool(work, tool)
        except (OSError, ValueError, KeyError) as error:
            entry["failed"] = str(error)
            result["tools"][tool] = entry
            continue
        rows = np.array([number.get(t, -1) for t in tool_ids], dtype=np.int64)
        entry.update({"fit_seconds": fit_seconds, "read_seconds": read_seconds, "tracks": len(tool_ids),
                      "tracks_not_in_training": int(sum(1 for r in rows.tolist() if r not in training)),
                      "training_tracks_without_factor": len(training - set(rows.tolist()))})
        if tool == "msr":
            entry["params"] = params
            entry["phases_seconds"] = read_phases(os.path.join(work, "msr.log"))
        elif params:
            entry.update(params)
        keep = rows >= 0
        entry.update(evaluate(cf_recommender(rows[keep], factors[keep], cases, len(ids)), cases, cold))
        result["tools"][tool] = entry
    result["tools"]["popularity"] = evaluate(popularity_recommender(train_counts), cases, cold)

    tools = result["tools"]

    def fit(tool):
        return tools.get(tool, {}).get("fit_seconds")

    ratios = {}
    if fit("msr") and fit("implicit"):
        ratios["msr_fit_over_implicit_fit"] = fit("msr") / fit("implicit")
    if fit("msr") and fit("spark"):
        ratios["spark_fit_over_msr_fit"] = fit("spark") / fit("msr")
    if "ndcg_at_10" in tools.get("msr", {}) and "ndcg_at_10" in tools.get("implicit", {}):
        ratios["ndcg_at_10_msr_minus_implicit"] = tools["msr"]["ndcg_at_10"] - tools["implicit"]["ndcg_at_10"]
    if "ndcg_at_10" in tools.get("msr", {}) and "ndcg_at_10" in tools.get("msr-spark", {}):
        ratios["ndcg_at_10_msr_spark_minus_msr"] = tools["msr-spark"]["ndcg_at_10"] - tools["msr"]["ndcg_at_10"]
    result["ratios"] = ratios
    print_table(label, result)

    everything = {}
    if os.path.exists(results_path):
        try:
            everything = json.load(open(results_path))
        except ValueError:
            everything = {}
    everything[label] = result
    with open(results_path + ".tmp", "w") as f:
        json.dump(everything, f, indent=2, sort_keys=True)
    os.replace(results_path + ".tmp", results_path)


def print_table(label, result):
    s = result["split"]
    tools = result["tools"]
    print(f"\n### {label}: {s['playlists']:,} playlists, {s['tracks']:,} tracks, {s['pairs']:,} pairs; "
          f"{s['training_playlists']:,} training playlists ({s['training_tracks']:,} tracks, "
          f"{s['training_pairs']:,} pairs), {s['held_out']:,} held out\n")
    print("| tool | whole-process s | fit s | peak RSS MB | NDCG@10 | R-precision | recall@10 | recall@500 | hit@10 |")
    print("|---|---|---|---|---|---|---|---|---|")

    def number(value, digits):
        return "-" if value is None else f"{value:.{digits}f}"

    for tool, name in list(TOOLS.items()) + [("popularity", "popularity (sanity floor)")]:
        if tool not in tools:
            continue
        t = tools[tool]
        if "failed" in t:
            print(f"| {name} | {number(t.get('whole_process_seconds'), 2)} | failed: {t['failed']} | "
                  f"{number(t.get('peak_rss_mb'), 0)} | | | | | |")
            continue
        print(f"| {name} | {number(t.get('whole_process_seconds'), 2)} | {number(t.get('fit_seconds'), 3)} | "
              f"{number(t.get('peak_rss_mb'), 0)} | " + " | ".join(f"{t[m]:.4f}" for m in METRICS) + " |")
    print()
    cold_cases = max((t.get("cold", {}).get("cases", 0) for t in tools.values()), default=0)
    if result["cold_tracks"]:
        print(f"Cold tracks (hidden, in no training playlist): {result['cold_tracks']:,}, in {cold_cases:,} of the "
              f"{s['held_out']:,} held-out playlists; no tool has a factor for them: "
              + ", ".join(f"{tool} NDCG@10 {t['cold']['ndcg_at_10']:.4f} recall@500 {t['cold']['recall_at_500']:.4f}"
                          for tool, t in tools.items() if "cold" in t) + ".")
    else:
        print("Cold tracks (hidden, in no training playlist): none, so no cold figure.")
    loads = [f"{tool} {t['load_average_at_start']:.2f}" for tool, t in tools.items() if t.get("load_average_at_start") is not None]
    if loads:
        print(f"1-minute load average of the 2-core machine as each fit started: {', '.join(loads)}.")
    for tool, t in tools.items():
        if t.get("tracks_not_in_training") or t.get("training_tracks_without_factor"):
            print(f"{tool}: {t['tracks_not_in_training']} factors for tracks outside the training playlists, "
                  f"{t['training_tracks_without_factor']} training tracks without a factor.")
    if tools.get("spark", {}).get("session_seconds") is not None:
        print(f"Spark's session start and the ratings into the JVM (cached), inside its whole process: "
              f"{tools['spark']['session_seconds']:.2f} s.")
    if tools.get("msr", {}).get("whole_process_seconds") is not None and tools["msr"].get("fit_seconds") is not None:
        phases = ", ".join(f"{name} {value:.2f} s" for name, value in tools["msr"].get("phases_seconds", {}).items())
        print(f"msr-factorize outside its fit: {tools['msr']['whole_process_seconds'] - tools['msr']['fit_seconds']:.2f} s "
              f"(its phases: {phases or 'not reported'}).")
    reads = [f"{tool} {t['read_seconds']:.2f} s" for tool, t in tools.items() if t.get("read_seconds") is not None]
    if reads:
        print(f"Peers' reading of the training slices (Python json) and matrix, inside the whole process: {', '.join(reads)}.")
    print("Spark's regParam is scaled by each row's rating count (ALS-WR: regParam * n_u on the diagonal), unlike msr and "
          "implicit (plain lambda I): left as Spark does it; the fold-in scoring uses lambda 0.01 unscaled for all.")
    r = result["ratios"]
    print()
    if "msr_fit_over_implicit_fit" in r:
        value = r["msr_fit_over_implicit_fit"]
        print(f"- msr fit / implicit fit: {value:.3f} (goal <= 1.0: {'met' if value <= 1.0 else 'not met'})")
    if "spark_fit_over_msr_fit" in r:
        value = r["spark_fit_over_msr_fit"]
        print(f"- Spark fit / msr fit: {value:.1f} (goal >= 10: {'met' if value >= 10 else 'not met'})")
    if "ndcg_at_10_msr_minus_implicit" in r:
        value = r["ndcg_at_10_msr_minus_implicit"]
        print(f"- NDCG@10 msr - implicit: {value:+.4f} (goal >= -0.005: {'met' if value >= -0.005 else 'not met'})")
    if "ndcg_at_10_msr_spark_minus_msr" in r:
        value = r["ndcg_at_10_msr_spark_minus_msr"]
        print(f"- NDCG@10 msr --engine spark - msr: {value:+.4f} (goal within 0.01: {'met' if abs(value) <= 0.01 else 'not met'})")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
