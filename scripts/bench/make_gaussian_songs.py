"""Writes a synthetic song base of N rows (song-base layout) drawn from per-genre Gaussians
fitted to the real tracks: each genre keeps its share, mean and covariance; key is rounded and
clipped to 0..11, the [0, 1] features clipped to [0, 1].

With GENRES above the real genres' count (114: the full Kaggle catalogue's), genre g beyond the
real ones is real genre g mod 10 (in sorted order) with its mean shifted by a normal offset of
0.5 of each feature's spread, and every genre has the same share.

usage: make_gaussian_songs.py REAL_CSV ROWS OUT_CSV [GENRES]
"""
import sys

import numpy as np
import pandas as pd

real_csv, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
genre_count = int(sys.argv[4]) if len(sys.argv) > 4 else 0
features = ["key", "acousticness", "danceability", "energy", "instrumentalness", "loudness", "speechiness",
            "valence", "tempo"]
real = pd.read_csv(real_csv)
rng = np.random.default_rng(42)
parts = []
shares = real["track_genre"].value_counts(normalize=True).sort_index()
real_genres = list(shares.index)
spread = real[features].std().to_numpy()
genres = [(genre, genre, np.zeros(len(features))) for genre in real_genres]
if genre_count > len(real_genres):
    genres += [(f"genre-{k:03d}", real_genres[k % len(real_genres)], rng.normal(0, 0.5, len(features)) * spread)
               for k in range(genre_count - len(real_genres))]
    shares = {genre: 1 / len(genres) for genre, _, _ in genres}
for genre, base, offset in genres:
    group = real[real["track_genre"] == base][features].to_numpy()
    n = int(round(rows * shares[genre]))
    values = rng.multivariate_normal(group.mean(axis=0) + offset, np.cov(group, rowvar=False), n)
    frame = pd.DataFrame(values, columns=features)
    frame["key"] = frame["key"].round().clip(0, 11).astype(int)
    for name in ["acousticness", "danceability", "energy", "instrumentalness", "speechiness", "valence"]:
        frame[name] = frame[name].clip(0, 1).round(4)
    frame["loudness"] = frame["loudness"].clip(-60, 5).round(3)
    frame["tempo"] = frame["tempo"].clip(0, 300).round(3)
    frame.insert(0, "genre", genre)
    parts.append(frame)
songs = pd.concat(parts).sample(frac=1, random_state=42).reset_index(drop=True)
songs.insert(0, "uri", [f"syn{k:019d}" for k in range(len(songs))])
songs.to_csv(out, index=False)
print(f"{out}: {len(songs)} songs")
