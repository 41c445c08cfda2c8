"""The three data stages done with Polars (its own thread pool on every core), the same work as
pandas_stages.py, for scripts/bench-data: `polars_stages.py ingest|validate|transform WORKDIR GENRES_FILE`.

ingest: inflate the CSV from the zip (Python's zipfile: Polars reads no zip), read it, keep the
genres, drop rows with a missing value, keep the first of each track id, write song_df.csv.
validate: read song_df.csv, check columns, dtypes, bounds, unique ids and genres, write status.
transform: read song_df.csv, label-encode (sorted genres), a seeded 80/20 split, X/y CSVs,
scaler stats, per-genre CSVs.
"""
import json
import os
import zipfile

import polars as pl

from stage_args import features, genres, song_df, stage, work

if stage == "ingest":
    with zipfile.ZipFile(os.path.join(work, "dataset.zip")) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        data = archive.read(name)
    df = pl.read_csv(data, columns=["track_id", "track_genre"] + features)
    del data
    df = (df.filter(pl.col("track_genre").is_in(genres))
            .select(["track_id", "track_genre"] + features)
            .drop_nulls()
            .unique(subset="track_id", keep="first", maintain_order=True)
            .rename({"track_id": "uri", "track_genre": "genre"})
            .with_columns(pl.col("key").cast(pl.Int64)))
    df.write_csv(song_df)
elif stage == "validate":
    df = pl.read_csv(song_df)
    bounds = {"key": (-1, 11), "loudness": (-60, 5), "tempo": (0, 300)}
    ok = df.columns == ["uri", "genre"] + features
    ok &= df.schema["key"] == pl.Int64
    checks = []
    for name in features:
        lo, hi = bounds.get(name, (0, 1))
        checks.append(pl.col(name).is_between(lo, hi).all() & pl.col(name).is_not_null().all())
    checks.append(pl.col("uri").is_unique().all())
    checks.append(pl.col("genre").is_in(genres).all())
    ok &= all(df.select(checks).row(0))
    with open(os.path.join(work, "status.txt"), "w") as f:
        f.write(f"Validation status: {ok}\n")
elif stage == "transform":
    df = pl.read_csv(song_df)
    classes = sorted(df["genre"].unique().to_list())
    df = df.with_columns(pl.col("genre").replace_strict(classes, list(range(len(classes))), return_dtype=pl.Int64).alias("label"))
    shuffled = df.sample(fraction=1.0, shuffle=True, seed=42)
    cut = len(shuffled) - round(len(shuffled) * 0.2)
    train, test = shuffled[:cut], shuffled[cut:]
    out = os.path.join(work, "processed")
    os.makedirs(out, exist_ok=True)
    train.select(features).write_csv(os.path.join(out, "X_train.csv"))
    test.select(features).write_csv(os.path.join(out, "X_test.csv"))
    train.select(pl.col("label").alias("genre")).write_csv(os.path.join(out, "y_train.csv"))
    test.select(pl.col("label").alias("genre")).write_csv(os.path.join(out, "y_test.csv"))
    x = train.select(features)
    stats = {"features": features, "min": list(x.min().row(0)), "max": list(x.max().row(0)),
             "mean": list(x.mean().row(0)), "std": list(x.std(ddof=0).row(0))}
    with open(os.path.join(out, "scaler.json"), "w") as f:
        json.dump(stats, f)
    to_rec = os.path.join(work, "to_rec")
    os.makedirs(to_rec, exist_ok=True)
    for (name,), part in df.drop("label").partition_by("genre", as_dict=True, maintain_order=True).items():
        part.write_csv(os.path.join(to_rec, f"to_rec_{classes.index(name)}.csv"))
