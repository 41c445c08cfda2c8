"""The reference way of serving the prediction path with FastAPI, for scripts/bench-serve:
`uvicorn serve_fastapi:app --workers 2` (run from scripts/bench). POST /v1/recommendations
{"playlist": <MPD playlist>, "k": 10} answers reference_predict.recommend's JSON. Each worker
loads the models once, at start: BENCH_PROJECT names the project (its catalogue), BENCH_MODELS
the reference models' folder (reference_predict.py fit).
"""
import os
import sys

from fastapi import FastAPI

import reference_predict

reference_predict.load(os.environ["BENCH_PROJECT"], os.environ["BENCH_MODELS"])
sys.stderr.write(f"bench-app: models loaded in process {os.getpid()}\n")  # one write: two workers share the file
sys.stderr.flush()

app = FastAPI()


@app.post("/v1/recommendations")
def recommendations(body: dict):
    # A plain def: FastAPI runs it on its thread pool, as blocking (pandas) work should be.
    return reference_predict.recommend(body["playlist"], int(body.get("k", 10)))
