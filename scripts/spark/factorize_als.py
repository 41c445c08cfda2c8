"""msr-factorize --engine spark's job: Spark MLlib's implicit ALS on msr's playlist x track matrix.

    spark-submit factorize_als.py PAIRS_CSV OUT --factors K --regularization L --alpha A --iterations N --seed S

PAIRS_CSV (any path Spark reads) holds `playlist,track,value` lines, indices from 0, as
msr-factorize writes them; OUT (a local path, the driver's) receives the track factors, one track
a line, `track v1 ... vK`, every value exactly as Spark holds it (Python's repr of the float), in
track order, written whole then renamed into place. ALS(implicitPrefs=True, rank=K, regParam=L,
alpha=A, maxIter=N, seed=S): Spark's confidence 1 + A r is msr's; its regParam is scaled by each
row's count (ALS-WR), as Spark does it. A failure prints one line starting `factorize_als: `.
ALS checkpoints its factors every 10 iterations (Spark's checkpointInterval) into
`spark.checkpoint.dir` when that is set, else into `checkpoints/` beside PAIRS_CSV (storage the
executors already read): without a checkpoint directory the lineage of many iterations grows until
the JVM's stack overflows (java.lang.StackOverflowError).
"""
import argparse
import os
import sys

from pyspark.ml.recommendation import ALS
from pyspark.sql import SparkSession
from pyspark.sql.types import FloatType, IntegerType, StructField, StructType


def main():
    parser = argparse.ArgumentParser(prog="factorize_als.py")
    parser.add_argument("pairs")
    parser.add_argument("out")
    parser.add_argument("--factors", type=int, required=True)
    parser.add_argument("--regularization", type=float, required=True)
    parser.add_argument("--alpha", type=float, required=True)
    parser.add_argument("--iterations", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()

    spark = SparkSession.builder.appName("msr-factorize").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    checkpoints = spark.conf.get("spark.checkpoint.dir", None) or args.pairs.rsplit("/", 1)[0] + "/checkpoints"
    spark.sparkContext.setCheckpointDir(checkpoints)
    try:
        schema = StructType([StructField("playlist", IntegerType(), False), StructField("track", IntegerType(), False),
                             StructField("value", FloatType(), False)])
        pairs = spark.read.csv(args.pairs, schema=schema, mode="FAILFAST")
        als = ALS(rank=args.factors, maxIter=args.iterations, regParam=args.regularization, alpha=args.alpha,
                  implicitPrefs=True, seed=args.seed, userCol="playlist", itemCol="track", ratingCol="value")
        model = als.fit(pairs)
        rows = model.itemFactors.orderBy("id").collect()
        temporary = args.out + ".tmp"
        with open(temporary, "w", encoding="ascii") as out:
            for row in rows:
                out.write(str(row["id"]) + " " + " ".join(repr(float(v)) for v in row["features"]) + "\n")
        os.replace(temporary, args.out)
    except Exception as error:  # noqa: BLE001 - one line for msr-factorize, the trace above it
        print(f"factorize_als: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", file=sys.stderr)
        raise
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
