"""The reference Python project's prediction path, for scripts/bench-predict:

  reference_predict.py fit PROJECT MODELS        train and pickle, once (not timed)
  reference_predict.py predict PROJECT MODELS PLAYLIST.json    one playlist, as a cold process
  reference_predict.py batch PROJECT MODELS SLICE.json         every playlist of a slice, in process

fit trains what the reference pickled: a scikit-learn GradientBoostingClassifier with the
reference settings (params.yaml's train section) on X_train/y_train, and a GaussianMixture per
genre (cluster section) on the scaled per-genre song files. predict does what the reference did
per call: import pandas and scikit-learn, unpickle the classifier, read the catalogue CSV, look
the playlist's tracks up, predict the genre, unpickle that genre's mixture, take the cluster of
the playlist's centroid and print its first songs in alphabetical order.

Imported (scripts/bench/serve_fastapi.py, serve_flask.py for scripts/bench-serve), it runs no
command: `load(PROJECT, MODELS)` once, then `recommend(playlist, k)` per request.
"""
import json
import os
import pickle
import sys
import time

import numpy as np
import pandas as pd
import sklearn  # noqa: F401  (the reference imported it whole)


def fit(project, models):
    """Trains and pickles the classifier, the scaler and a mixture per genre into models."""
    import yaml
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.mixture import GaussianMixture
    params = yaml.safe_load(open(os.path.join(project, "params.yaml")))
    train, cluster = params["train"], params["cluster"]
    processed = os.path.join(project, "data", "processed")
    X = pd.read_csv(os.path.join(processed, "X_train.csv"))
    y = pd.read_csv(os.path.join(processed, "y_train.csv"))["genre"]
    os.makedirs(models, exist_ok=True)
    classifier = GradientBoostingClassifier(learning_rate=train["learning_rate"], max_depth=train["max_depth"],
                                            n_estimators=train["n_estimators"], random_state=train["random_state"])
    classifier.fit(X, y)
    pickle.dump(classifier, open(os.path.join(models, "classifier.pkl"), "wb"))
    scaler = json.load(open(os.path.join(processed, "scaler.json")))
    pickle.dump(scaler, open(os.path.join(models, "scaler.pkl"), "wb"))
    mean, std = np.array(scaler["mean"]), np.array(scaler["std"])
    genres = open(os.path.join(project, "data", "to_rec", "genres.txt")).read().split()
    for label, genre in enumerate(genres):
        songs = pd.read_csv(os.path.join(project, "data", "to_rec", f"to_rec_{label}.csv"))
        mixture = GaussianMixture(n_components=cluster["n_components"], covariance_type=cluster["covariance_type"],
                                  random_state=cluster["random_state"])
        mixture.fit((songs[scaler["features"]].to_numpy() - mean) / std)
        pickle.dump(mixture, open(os.path.join(models, f"mixture_{label}.pkl"), "wb"))


classifier = scaler = features = mean = std = catalog = models = None
mixtures = {}


def load(project, models_folder):
    """Unpickles the classifier and the scaler and reads the catalogue, once (a server calls
    this at start; the genres' mixtures are unpickled on first use and kept)."""
    global classifier, scaler, features, mean, std, catalog, models
    models = models_folder
    classifier = pickle.load(open(os.path.join(models, "classifier.pkl"), "rb"))
    scaler = pickle.load(open(os.path.join(models, "scaler.pkl"), "rb"))
    features = scaler["features"]
    mean, std = np.array(scaler["mean"]), np.array(scaler["std"])
    catalog = pd.read_csv(os.path.join(project, "data", "raw", "song_df.csv"))
    catalog.index = catalog["uri"].to_numpy()
    mixtures.clear()


def recommend(playlist, k=10):
    ids = [t["track_uri"].split(":")[-1] for t in playlist["tracks"]]
    known = catalog.loc[catalog.index.intersection(ids)]
    scaled = (known[features].to_numpy() - mean) / std
    # The reference fed scaled features to a classifier trained on raw ones.
    genre_code = int(np.argmax(classifier.predict_proba(pd.DataFrame(scaled, columns=features)).mean(axis=0)))
    if genre_code not in mixtures:
        mixtures[genre_code] = pickle.load(open(os.path.join(models, f"mixture_{genre_code}.pkl"), "rb"))
    mixture = mixtures[genre_code]
    genre = sorted(catalog["genre"].unique())[genre_code]
    members = catalog[catalog["genre"] == genre]
    clusters = mixture.predict((members[features].to_numpy() - mean) / std)
    cluster = mixture.predict(scaled.mean(axis=0, keepdims=True))[0]
    chosen = members[(clusters == cluster) & ~members["uri"].isin(ids)].sort_values("uri")
    return {"predicted_genre": genre, "recommendations": chosen["uri"].head(k).tolist()}


if __name__ == "__main__":
    mode, project, models_folder = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "fit":
        fit(project, models_folder)
        sys.exit(0)
    load(project, models_folder)
    if mode == "predict":
        print(json.dumps(recommend(json.load(open(sys.argv[4])))))
    else:
        playlists = json.load(open(sys.argv[4]))["playlists"]
        start = time.perf_counter()
        for playlist in playlists:
            recommend(playlist)
        print(json.dumps({"playlists": len(playlists), "seconds": time.perf_counter() - start}))
