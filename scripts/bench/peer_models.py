"""Peers for scripts/compare-models, each run as its own process so the timing is whole-process:

  peer_models.py classifier NAME WORKDIR PARAMS_JSON   NAME: gbc | hgb | lightgbm
  peer_models.py mixtures WORKDIR PARAMS_JSON          scikit-learn GaussianMixture per genre

The classifiers fit X_train/y_train and print one JSON line: accuracy and macro-F1 on the test
split and the fit time. The mixtures standardise each genre's songs with scaler.json, as
msr-cluster does, and print one JSON line per genre with the same scores msr-cluster writes.
"""
import json
import os
import sys
import time

stage = sys.argv[1]
if stage == "classifier":
    name, work, params = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    import pandas as pd
    from sklearn.metrics import accuracy_score, f1_score
    processed = os.path.join(work, "data", "processed")
    X = pd.read_csv(os.path.join(processed, "X_train.csv"))
    y = pd.read_csv(os.path.join(processed, "y_train.csv"))["genre"]
    Xt = pd.read_csv(os.path.join(processed, "X_test.csv"))
    yt = pd.read_csv(os.path.join(processed, "y_test.csv"))["genre"]
    depth = params["max_depth"] if params["max_depth"] < 64 else None
    if name == "gbc":
        from sklearn.ensemble import GradientBoostingClassifier
        model = GradientBoostingClassifier(learning_rate=params["learning_rate"], max_depth=depth or 64,
                                           n_estimators=params["n_estimators"], random_state=42)
    elif name == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier
        model = HistGradientBoostingClassifier(learning_rate=params["learning_rate"], max_depth=depth,
                                               max_iter=params["n_estimators"], max_leaf_nodes=params["max_leaves"],
                                               min_samples_leaf=params["min_samples_leaf"], early_stopping=False,
                                               random_state=42)
    else:
        import lightgbm
        model = lightgbm.LGBMClassifier(learning_rate=params["learning_rate"], max_depth=depth or -1,
                                        n_estimators=params["n_estimators"], num_leaves=params["max_leaves"],
                                        min_child_samples=params["min_samples_leaf"], random_state=42, n_jobs=2,
                                        verbose=-1)
    start = time.time()
    model.fit(X, y)
    fit = time.time() - start
    predicted = model.predict(Xt)
    print(json.dumps({"accuracy": accuracy_score(yt, predicted), "macro_f1": f1_score(yt, predicted, average="macro"),
                      "fit_seconds": fit}))
elif stage == "mixtures":
    work, params = sys.argv[2], json.loads(sys.argv[3])
    import numpy as np
    import pandas as pd
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
    from sklearn.mixture import GaussianMixture
    scaler = json.load(open(os.path.join(work, "data", "processed", "scaler.json")))
    features = scaler["features"]
    mean, std = np.array(scaler["mean"]), np.array(scaler["std"])
    std[std == 0] = 1
    genres = open(os.path.join(work, "data", "to_rec", "genres.txt")).read().split()
    for label, genre in enumerate(genres):
        songs = pd.read_csv(os.path.join(work, "data", "to_rec", f"to_rec_{label}.csv"))
        points = (songs[features].to_numpy() - mean) / std
        start = time.time()
        model = GaussianMixture(n_components=params["n_components"], covariance_type=params["covariance_type"],
                                random_state=42, n_init=1, max_iter=100, tol=1e-3, reg_covar=1e-6,
                                init_params="k-means++").fit(points)
        fit = time.time() - start
        labels = model.predict(points)
        sample = min(len(points), 10000)
        print(json.dumps({"genre": genre, "fit_seconds": fit, "converged": bool(model.converged_),
                          "silhouette_score": float(silhouette_score(points, labels, sample_size=sample, random_state=42))
                          if len(set(labels)) > 1 else None,
                          "calinski_harabasz_score": float(calinski_harabasz_score(points, labels)) if len(set(labels)) > 1 else None,
                          "davies_bouldin_score": float(davies_bouldin_score(points, labels)) if len(set(labels)) > 1 else None,
                          "bic": float(model.bic(points))}))
