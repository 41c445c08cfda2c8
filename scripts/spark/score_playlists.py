"""Batch scoring of playlists on Spark: every playlist of INPUT through msr-predict, on the executors.

    spark-submit --archives BUNDLE.tgz#msr score_playlists.py INPUT OUTPUT [msr-predict options...]

INPUT is a file, a folder or a glob on any file system Spark reads (a local folder, hdfs://,
s3a://): Million Playlist Dataset slices and other JSON documents (`*.json`: one playlist or
several, as msr-predict reads them) and JSON Lines (`*.jsonl`, `*.ndjson`: one playlist per line).
Files are taken in the order of their paths; names starting with "." or "_" are skipped (Spark's
and Hadoop's own files). OUTPUT (which must not exist) receives JSON Lines part files, Spark's
layout: one msr-predict result per playlist, in the input's order, so `cat OUTPUT/part-*` equals
one msr-predict run over the same files in the same order.

The bundle (made by scripts/spark/score-playlists) holds bin/msr-predict (static Swift runtime),
config.yaml, params.yaml, schema.yaml and the model files msr-predict reads, at the paths
config.yaml gives them. Each partition runs one msr-predict in the unpacked bundle with its
playlists as JSON Lines on stdin (`--format jsonl --no-log`): one result line per input line, in
order. A document is cut into one line per playlist on the executor (Python's json; the values
msr-predict reads, track uris and ids, come through unchanged). A playlist msr-predict refuses
fails its task with msr-predict's message and the file it came from; the job fails with it.
"""
import itertools
import json
import os
import re
import subprocess
import sys
import threading

from pyspark import SparkFiles
from pyspark.sql import SparkSession

BUNDLE = "msr"
LINES = (".jsonl", ".ndjson")


def input_files(spark, pattern):
    """The files of INPUT (a file, a folder's files or a glob's matches), sorted by path."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(pattern)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    matches = fs.globStatus(path) or []
    files = []
    for status in matches:
        listed = fs.listStatus(status.getPath()) if status.isDirectory() else [status]
        for entry in listed:
            name = entry.getPath().getName()
            # Playlist files only: a folder's other files (an earlier OUTPUT's part files) are not.
            if entry.isFile() and not name.startswith((".", "_")) and name.endswith((".json",) + LINES):
                files.append(entry.getPath().toString())
    if not files:
        raise SystemExit(f"score-playlists: {pattern}: no playlist files there (expected *.json slices or *.jsonl)")
    return sorted(files)


def document_lines(pair):
    """The playlists of one JSON document as JSON lines: a slice's `playlists`, or the document."""
    path, text = pair
    try:
        document = json.loads(text)
    except ValueError as error:
        raise RuntimeError(f"score-playlists: {path}: not JSON ({error})") from None
    except RecursionError:
        raise RuntimeError(f"score-playlists: {path}: not JSON msr-predict reads (nested too deep)") from None
    playlists = document.get("playlists") if isinstance(document, dict) else None
    if isinstance(playlists, list):
        return [json.dumps(p, ensure_ascii=False, separators=(",", ":")) for p in playlists]
    return [json.dumps(document, ensure_ascii=False, separators=(",", ":"))]


def scorer(options, source, numbered, counter):
    """A partition's lines through one msr-predict in the unpacked bundle. Its records are
    (line, index): a JSON Lines file's line and its 0-based line number (`numbered`), or a
    document's playlist and its index in `playlists`; msr-predict's `stdin:N` in a message
    becomes the file's line or the playlist's path."""
    def score(records):
        # An empty partition (a small file's second split, a slice without playlists) has no
        # playlist to score: msr-predict would refuse its empty stdin.
        records = iter(records)
        first = next(records, None)
        if first is None:
            return
        start = first[1]
        lines = (line for line, _ in itertools.chain([first], records))

        def place(n):
            """The n-th (1-based) line of this partition's stdin, in the file."""
            return f"line {start + n}:" if numbered else f"playlists[{start + n - 1}]:"
        home = SparkFiles.get(BUNDLE)
        if not os.path.isdir(home):
            home = os.path.abspath(BUNDLE)  # YARN and Kubernetes unpack archives into the working folder
        command = [os.path.join(home, "bin", "msr-predict"), "--format", "jsonl", "--no-log", *options, "-"]
        process = subprocess.Popen(command, cwd=home, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        errors = []
        fed = [0]
        # stdin is fed from a thread while stdout is read here: neither pipe can fill up and stall.
        def feed():
            try:
                for line in lines:
                    process.stdin.write(line.encode("utf-8") + b"\n")
                    fed[0] += 1
            except BrokenPipeError:
                pass  # msr-predict stopped: its exit status and message say why
            except BaseException as error:  # noqa: BLE001 - handed to the task below
                errors.append(error)
            finally:
                try:
                    process.stdin.close()
                except BrokenPipeError:
                    pass
        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        drain = []
        reader = threading.Thread(target=lambda: drain.append(process.stderr.read()), daemon=True)
        reader.start()
        for line in process.stdout:
            counter.add(1)
            yield line.decode("utf-8").rstrip("\n")
        status = process.wait()
        writer.join()
        reader.join()
        if errors:
            raise errors[0]
        if status != 0:
            message = (drain[0] if drain else b"").decode("utf-8", "replace").strip().splitlines()
            line = re.sub(r"^msr-predict: stdin:(\d+):", lambda m: place(int(m.group(1))), message[-1]) if message else "(no message)"
            # One line is read as one document: msr-predict names no line then.
            line = re.sub(r"^msr-predict: stdin: ", place(1) + " " if fed[0] == 1 else "", line)
            raise RuntimeError(f"score-playlists: {source}: {line}")
    return score


def main(argv):
    if len(argv) < 3:
        raise SystemExit("usage: score_playlists.py INPUT OUTPUT [msr-predict options...]")
    source, output, options = argv[1], argv[2], argv[3:]
    spark = SparkSession.builder.appName("msr-score-playlists").getOrCreate()
    sc = spark.sparkContext
    counter = sc.accumulator(0)
    parts = []
    for path in input_files(spark, source):
        if path.endswith(LINES):
            records = sc.textFile(path).zipWithIndex()
        else:
            records = sc.wholeTextFiles(path).flatMap(lambda pair: [(line, i) for i, line in enumerate(document_lines(pair))])
        parts.append(records.mapPartitions(scorer(options, path, path.endswith(LINES), counter)))
    sc.union(parts).saveAsTextFile(output)
    if counter.value == 0:
        # As msr-predict refuses an input without a playlist; nothing is left behind.
        target = spark.sparkContext._jvm.org.apache.hadoop.fs.Path(output)
        target.getFileSystem(sc._jsc.hadoopConfiguration()).delete(target, True)
        raise SystemExit(f"score-playlists: {source}: no playlist in it")
    spark.stop()


if __name__ == "__main__":
    main(sys.argv)
