"""Writes a synthetic dataset in the Kaggle "Spotify tracks dataset" layout, zipped as
dataset.csv: N rows, 114 genres (the 10 real ones and 104 more), quoted text columns with
commas and quotes, about 1% duplicate track ids and 0.1% missing feature values. Features are
resampled from the real tracks with noise, so their ranges and shapes are real.

By default a row's genre is drawn apart from its features (what the data stages' benchmark
needs: the same work whatever the labels). With --genre-features the features depend on the
genre, so a classifier has something to learn: genre g resamples the real tracks of real genre
g mod 10 (in sorted order) and shifts every feature by an offset of its own (zero for the 10 real
genres, normal with 0.5 of the feature's spread for the 104 others).

usage: make_synthetic.py REAL_CSV_OR_ZIP ROWS OUT_ZIP [--genre-features]   (REAL: data/raw/dataset.zip)
"""
import sys
import zipfile

import numpy as np
import pandas as pd

real_csv, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
genre_features = sys.argv[4:] == ["--genre-features"]
rng = np.random.default_rng(42)
real = pd.read_csv(real_csv)
features = ["danceability", "energy", "key", "loudness", "speechiness", "acousticness",
            "instrumentalness", "valence", "tempo"]
genres = sorted(real["track_genre"].unique().tolist() + [f"genre-{k:03d}" for k in range(104)])

pick = rng.integers(0, len(real), rows)
if genre_features:
    real_genres = sorted(real["track_genre"].unique().tolist())
    label = rng.integers(0, len(genres), rows)
    base = np.array([real_genres.index(g) if g in real_genres else int(g[-3:]) % len(real_genres) for g in genres])
    offsets = rng.normal(0, 0.5, (len(genres), len(features)))
    offsets[[genres.index(g) for g in real_genres]] = 0
    for b, name in enumerate(real_genres):
        members = np.flatnonzero(real["track_genre"].to_numpy() == name)
        chosen = base[label] == b
        pick[chosen] = members[rng.integers(0, len(members), chosen.sum())]
df = pd.DataFrame({"track_id": [f"{x:022x}"[-22:] for x in rng.integers(0, 2**62, rows)]})
df["artists"] = [f"Artist {a}, feat. {b}" if a % 3 == 0 else f"Artist {a}" for a, b in
                 zip(rng.integers(0, 50_000, rows), rng.integers(0, 50_000, rows))]
df["album_name"] = [f'Album "{a}"' if a % 5 == 0 else f"Album {a}" for a in rng.integers(0, 100_000, rows)]
df["track_name"] = [f"Song {a}" for a in rng.integers(0, 1_000_000, rows)]
df["popularity"] = rng.integers(0, 100, rows)
df["duration_ms"] = rng.integers(60_000, 400_000, rows)
df["explicit"] = rng.random(rows) < 0.1
for name in features:
    values = real[name].to_numpy()[pick]
    if name != "key":
        spread = real[name].std() * 0.05
        shift = offsets[label, features.index(name)] * real[name].std() if genre_features else 0
        values = np.round(values + shift + rng.normal(0, spread, rows), 4)
        lo, hi = real[name].min(), real[name].max()
        values = np.clip(values, lo, hi)
    df[name] = values
df["key"] = df["key"].astype(int)
df["mode"] = rng.integers(0, 2, rows)
df["liveness"] = np.round(rng.random(rows), 4)
df["time_signature"] = 4
df["track_genre"] = np.array(genres)[label if genre_features else rng.integers(0, len(genres), rows)]

dup = rng.random(rows) < 0.01
df.loc[dup, "track_id"] = df["track_id"].to_numpy()[rng.integers(0, rows, dup.sum())]
for name in features:
    df.loc[rng.random(rows) < 0.0001, name] = np.nan

columns = ["track_id", "artists", "album_name", "track_name", "popularity", "duration_ms", "explicit",
           "danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
           "instrumentalness", "liveness", "valence", "tempo", "time_signature", "track_genre"]
text = df[columns].to_csv()
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
    archive.writestr("dataset.csv", text)
print(f"{out}: {rows} rows, {len(genres)} genres, {len(text) / 1e6:.0f} MB of CSV")
with open(out + ".genres", "w") as f:
    f.write("\n".join(genres) + "\n")
