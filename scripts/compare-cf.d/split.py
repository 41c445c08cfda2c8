"""scripts/compare-cf step 1: the one matrix and the one split every tool gets.

usage: split.py SOURCE_DIR WORK_DIR

Reads every mpd.slice.*.json of SOURCE_DIR into the binary playlist x track matrix, holds out a
seeded 10% of the playlists (drawn among those with >= 2 distinct tracks, as msr's
ContinuationSplit: round(0.1 * playlists), all eligible ones when fewer) and hides a random 20% of
each held-out playlist's distinct tracks (round(0.2 * n), at least 1 and at least 1 shown); numpy's
default_rng(42) draws both. Writes:
  WORK_DIR/train/mpd.slice.A-B.json  the training playlists (the source's playlist objects as they
                                     are), 1,000 per file, the official layout
  WORK_DIR/split.npz                 track ids, the training count of each track, and the
                                     held-out cases (shown and hidden tracks, CSR)
Prints one JSON line of counts and timings.
"""
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mpd  # noqa: E402

SEED = 42
HELD_OUT_SHARE = 0.1
HIDDEN_SHARE = 0.2
PER_FILE = 1000


def rounded(x):
    """Swift's .rounded(): half away from zero (x >= 0 here)."""
    return int(math.floor(x + 0.5))


def main(source, work):
    start = time.perf_counter()
    files = mpd.slice_files(source)
    if not files:
        sys.exit(f"split: {source}: no mpd.slice.*.json")
    matrix = mpd.Matrix()
    per_file = []
    for path in files:
        playlists = mpd.load(path)["playlists"]
        per_file.append(len(playlists))
        for playlist in playlists:
            matrix.add(playlist)
    indptr, indices = matrix.arrays()
    read_seconds = time.perf_counter() - start
    count = matrix.rows
    lengths = np.diff(indptr)

    rng = np.random.default_rng(SEED)
    eligible = np.flatnonzero(lengths >= 2)
    held_count = min(len(eligible), rounded(HELD_OUT_SHARE * count))
    held = np.sort(rng.choice(eligible, size=held_count, replace=False))
    is_held = np.zeros(count, dtype=bool)
    is_held[held] = True
    shown_ptr, shown_idx, hidden_ptr, hidden_idx = [0], [], [0], []
    for p in held:
        tracks = indices[indptr[p]:indptr[p + 1]]
        n = len(tracks)
        k = min(n - 1, max(1, rounded(HIDDEN_SHARE * n)))
        hide = np.zeros(n, dtype=bool)
        hide[rng.choice(n, size=k, replace=False)] = True
        shown_idx.append(tracks[~hide])
        hidden_idx.append(tracks[hide])
        shown_ptr.append(shown_ptr[-1] + n - k)
        hidden_ptr.append(hidden_ptr[-1] + k)

    # Training count of each track: the training playlists holding it.
    train_rows = np.repeat(~is_held, lengths)
    train_counts = np.bincount(indices[train_rows], minlength=len(matrix.ids)).astype(np.int64)

    # Second pass: the training playlists, as they are, 1,000 per file.
    train_dir = os.path.join(work, "train")
    os.makedirs(train_dir, exist_ok=True)
    for name in os.listdir(train_dir):
        os.remove(os.path.join(train_dir, name))
    buffer, written, row = [], 0, 0

    def flush():
        nonlocal buffer, written
        first, last = written, written + len(buffer) - 1
        name = f"mpd.slice.{first}-{last}.json"
        info = {"generated_by": "scripts/compare-cf (training playlists of the split)", "slice": f"{first}-{last}",
                "version": "v1"}
        with open(os.path.join(train_dir, name), "w") as f:
            json.dump({"info": info, "playlists": buffer}, f, separators=(",", ":"))
        written += len(buffer)
        buffer = []

    for path in files:
        for playlist in mpd.load(path)["playlists"]:
            if not is_held[row]:
                buffer.append(playlist)
                if len(buffer) == PER_FILE:
                    flush()
            row += 1
    if buffer:
        flush()

    np.savez(os.path.join(work, "split.npz"),
             ids=np.array(matrix.ids), train_counts=train_counts, held=held,
             shown_ptr=np.array(shown_ptr, dtype=np.int64),
             shown=np.concatenate(shown_idx).astype(np.int32) if shown_idx else np.zeros(0, np.int32),
             hidden_ptr=np.array(hidden_ptr, dtype=np.int64),
             hidden=np.concatenate(hidden_idx).astype(np.int32) if hidden_idx else np.zeros(0, np.int32))
    print(json.dumps({"playlists": count, "tracks": len(matrix.ids), "pairs": int(indptr[-1]), "held_out": held_count,
                      "training_playlists": written, "training_tracks": int((train_counts > 0).sum()),
                      "training_pairs": int(lengths[~is_held].sum()), "read_seconds": round(read_seconds, 3),
                      "seconds": round(time.perf_counter() - start, 3)}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
