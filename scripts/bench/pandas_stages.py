"""The three data stages done the pandas way, as the reference Python project does them, for
scripts/bench-data: `pandas_stages.py ingest|validate|transform WORKDIR GENRES_FILE`.

ingest: read_csv from the zip, keep the genres, dropna, drop_duplicates, write song_df.csv.
validate: read song_df.csv, check columns, dtypes, bounds, unique ids and genres, write status.
transform: read song_df.csv, label-encode, train_test_split, X/y CSVs, scaler stats, per-genre CSVs.
"""
import json
import os

import numpy as np
import pandas as pd

from stage_args import features, genres, song_df, stage, work

if stage == "ingest":
    df = pd.read_csv(os.path.join(work, "dataset.zip"))
    df = df[df["track_genre"].isin(genres)]
    df = df[["track_id", "track_genre"] + features].dropna()
    df = df.drop_duplicates(subset="track_id", keep="first")
    df = df.rename(columns={"track_id": "uri", "track_genre": "genre"})
    df["key"] = df["key"].astype("int64")
    df.to_csv(song_df, index=False)
elif stage == "validate":
    df = pd.read_csv(song_df)
    bounds = {"key": (-1, 11), "loudness": (-60, 5), "tempo": (0, 300)}
    ok = list(df.columns) == ["uri", "genre"] + features
    ok &= df["key"].dtype == np.int64
    for name in features:
        lo, hi = bounds.get(name, (0, 1))
        ok &= bool(df[name].between(lo, hi).all()) and not df[name].isna().any()
    ok &= not df["uri"].duplicated().any() and bool(df["genre"].isin(genres).all())
    with open(os.path.join(work, "status.txt"), "w") as f:
        f.write(f"Validation status: {ok}\n")
elif stage == "transform":
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import LabelEncoder
    df = pd.read_csv(song_df)
    encoder = LabelEncoder()
    y = encoder.fit_transform(df["genre"])
    X_train, X_test, y_train, y_test = train_test_split(df[features], y, test_size=0.2, random_state=42)
    out = os.path.join(work, "processed")
    os.makedirs(out, exist_ok=True)
    X_train.to_csv(os.path.join(out, "X_train.csv"), index=False)
    X_test.to_csv(os.path.join(out, "X_test.csv"), index=False)
    pd.Series(y_train, name="genre").to_csv(os.path.join(out, "y_train.csv"), index=False)
    pd.Series(y_test, name="genre").to_csv(os.path.join(out, "y_test.csv"), index=False)
    stats = {"features": features, "min": X_train.min().tolist(), "max": X_train.max().tolist(),
             "mean": X_train.mean().tolist(), "std": X_train.std(ddof=0).tolist()}
    with open(os.path.join(out, "scaler.json"), "w") as f:
        json.dump(stats, f)
    to_rec = os.path.join(work, "to_rec")
    os.makedirs(to_rec, exist_ok=True)
    for label, name in enumerate(encoder.classes_):
        df[df["genre"] == name].to_csv(os.path.join(to_rec, f"to_rec_{label}.csv"), index=False)
