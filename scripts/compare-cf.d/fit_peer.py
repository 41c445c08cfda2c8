"""scripts/compare-cf step 2: one peer's fit, as a whole process of its own (timed from outside).

usage: fit_peer.py implicit|spark TRAIN_DIR OUT.npz

Reads the training slices of TRAIN_DIR (Python's json, as a user of the peer would), makes the
binary playlist x track matrix and fits it with factors 64, regularization 0.01, 15 iterations,
2 threads and msr's confidence 1 + 40 r. Writes OUT.npz: the track ids, the item factors (float32,
beside the ids), read_seconds (reading and the matrix) and fit_seconds (the fit call alone).

Matching the confidence and the regularization (read in each peer's source):
- implicit 0.7.3 (implicit/cpu/als.py, fit: `Cui = alpha * user_items` when alpha != 1;
  implicit/cpu/_als.pyx, _least_squares_cg: b += C y_i, A = YtY + regularization I
  + sum (C - 1) y_i y_i^T): the confidence is the matrix value times alpha, C = alpha * r, and
  the update already subtracts 1 as Hu et al. do. So alpha = 41 on the binary matrix gives msr's
  C = 1 + 40 * 1 = 41 on every pair (and 1 on absent ones, through YtY). Its regularization is a
  plain `regularization * I` added to YtY, not scaled by the row's count: msr's (lambda I) too.
  CG with cg_steps 3 from the previous factors (use_cg=True), as msr's default solver.
- Spark MLlib ALS (ml/recommendation/ALS.scala, implicitPrefs): confidence c = 1 + alpha * |r|
  (alpha = 40 as msr) with preference 1 for r > 0; but regParam is scaled by the number of the
  row's ratings (ALS-WR: the solve adds regParam * n_u to the diagonal), unlike msr and implicit.
  Left as Spark does it. Exact solve (Cholesky) per row, not CG.
"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mpd  # noqa: E402

FACTORS, REGULARIZATION, ITERATIONS, THREADS, SEED = 64, 0.01, 15, 2, 42
MSR_ALPHA = 40.0  # msr's confidence: 1 + 40 r


def read(train_dir):
    start = time.perf_counter()
    matrix = mpd.read_matrix(train_dir)
    indptr, indices = matrix.arrays()
    return matrix, indptr, indices, start


def fit_implicit(train_dir):
    import scipy.sparse
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    matrix, indptr, indices, start = read(train_dir)
    user_items = scipy.sparse.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr),
                                         shape=(matrix.rows, len(matrix.ids)), dtype=np.float32)
    read_seconds = time.perf_counter() - start
    # implicit's confidence is alpha * r (the (C - 1) term is in its update): alpha 41 on r = 1 is
    # msr's 1 + 40 * 1. Its 2 threads are its own (num_threads); BLAS inside each row's update runs
    # on one, as implicit asks (it warns of "severe performance issues" otherwise: its fit of the committed
    # slice took 12.4 s with BLAS on 2 threads, 1.2 to 3.5 s on 1, on this shared machine).
    threadpool_limits(1, "blas")
    model = AlternatingLeastSquares(factors=FACTORS, regularization=REGULARIZATION, alpha=1.0 + MSR_ALPHA,
                                    iterations=ITERATIONS, use_cg=True, num_threads=THREADS, random_state=SEED,
                                    calculate_training_loss=False)
    start = time.perf_counter()
    model.fit(user_items, show_progress=False)
    fit_seconds = time.perf_counter() - start
    return matrix.ids, np.asarray(model.item_factors, dtype=np.float32), read_seconds, fit_seconds, {}


def fit_spark(train_dir):
    import pandas as pd
    from pyspark.ml.recommendation import ALS
    from pyspark.sql import SparkSession

    matrix, indptr, indices, start = read(train_dir)
    users = np.repeat(np.arange(matrix.rows, dtype=np.int32), np.diff(indptr))
    frame = pd.DataFrame({"user": users, "item": indices.astype(np.int32),
                          "rating": np.ones(len(indices), dtype=np.float32)})
    read_seconds = time.perf_counter() - start
    spark = (SparkSession.builder.master(f"local[{THREADS}]").appName("compare-cf")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "6g"))
             .config("spark.sql.shuffle.partitions", str(THREADS))
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.driver.extraJavaOptions", f"-XX:ParallelGCThreads={THREADS} -XX:ConcGCThreads=1")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        ratings = spark.createDataFrame(frame).cache()
        ratings.count()  # the local data in the JVM before the fit's clock starts
        session_seconds = time.perf_counter() - start - read_seconds
        als = ALS(rank=FACTORS, maxIter=ITERATIONS, regParam=REGULARIZATION, alpha=MSR_ALPHA, implicitPrefs=True,
                  seed=SEED, coldStartStrategy="drop", userCol="user", itemCol="item", ratingCol="rating")
        start = time.perf_counter()
        model = als.fit(ratings)
        fit_seconds = time.perf_counter() - start
        items = model.itemFactors.toPandas()
    finally:
        spark.stop()
    factors = np.zeros((len(matrix.ids), FACTORS), dtype=np.float32)
    factors[items["id"].to_numpy()] = np.stack(items["features"].to_numpy()).astype(np.float32)
    has = np.zeros(len(matrix.ids), dtype=bool)
    has[items["id"].to_numpy()] = True
    ids = [tid for tid, h in zip(matrix.ids, has) if h]
    print(f"spark: session and data {session_seconds:.2f} s", file=sys.stderr)
    return ids, factors[has], read_seconds, fit_seconds, {"session_seconds": session_seconds}


def main(tool, train_dir, out):
    ids, factors, read_seconds, fit_seconds, extra = {"implicit": fit_implicit, "spark": fit_spark}[tool](train_dir)
    np.savez(out, ids=np.array(ids), factors=factors, read_seconds=read_seconds, fit_seconds=fit_seconds, **extra)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("implicit", "spark"):
        sys.exit(__doc__)
    main(*sys.argv[1:])
