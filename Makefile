# msr: `make pipeline` sets up, builds and runs every stage whose inputs changed;
# `make test` runs the test suite. Stages are file targets, so up-to-date ones are skipped.
SHELL := /bin/bash
BIN := .build/release
SOURCES := Package.swift $(shell find Sources -name '*.swift' -o -name '*.h' -o -name '*.modulemap')
CONFIG := config.yaml params.yaml schema.yaml

# A stage that fails leaves no stale target behind (msr-validate writes its status file even
# when the data is invalid; make must not take it as up to date).
.DELETE_ON_ERROR:
.PHONY: all setup build pipeline feed test bench clean

all: pipeline

setup:
	@scripts/setup

$(BIN)/.built: $(SOURCES) | setup
	scripts/build
	@touch $@

build: $(BIN)/.built

data/raw/song_df.csv: data/raw/dataset.zip $(wildcard data/raw/additions.csv) $(CONFIG) $(BIN)/.built
	$(BIN)/msr-ingest

data/status.txt data/validation.json &: data/raw/song_df.csv schema.yaml params.yaml config.yaml $(BIN)/.built
	$(BIN)/msr-validate

data/to_rec/genres.txt data/processed/X_train.csv &: data/raw/song_df.csv data/status.txt params.yaml config.yaml $(BIN)/.built
	$(BIN)/msr-transform

models/classifier.msrgb models/feature_importance.json &: data/processed/X_train.csv data/to_rec/genres.txt params.yaml config.yaml $(BIN)/.built
	$(BIN)/msr-train

metrics/metrics.json metrics/confusion.json &: models/classifier.msrgb data/processed/X_train.csv config.yaml $(BIN)/.built
	$(BIN)/msr-evaluate

models/mixture_0.json metrics/uns_metrics_0.json models/catalog.msrix &: data/to_rec/genres.txt data/processed/X_train.csv models/classifier.msrgb params.yaml config.yaml $(BIN)/.built
	$(BIN)/msr-cluster

metrics/monitoring.json metrics/similarity_trend.csv metrics/monitoring.html &: $(wildcard data/reco/recommendations.jsonl) params.yaml config.yaml $(BIN)/.built
	$(BIN)/msr-monitor

# New songs in data/new merged into the song base (then `make pipeline` retrains).
feed: $(BIN)/.built
	$(BIN)/msr-feed

metrics/reco_metrics.json: models/catalog.msrix models/classifier.msrgb data/to_rec/genres.txt params.yaml config.yaml $(BIN)/.built
	$(BIN)/msr-evaluate --recommender

pipeline: setup metrics/metrics.json models/mixture_0.json metrics/reco_metrics.json metrics/monitoring.json

# The unit and end-to-end tests, then the pipeline under real DVC (scripts/check-dvc), against a
# real MLflow server (scripts/check-mlflow) and as an Airflow DAG (scripts/check-airflow).
test: setup
	swift test --disable-swift-testing
	scripts/check-dvc
	scripts/check-mlflow
	scripts/check-airflow

bench: build
	scripts/bench-data

clean:
	rm -rf data/processed data/to_rec data/raw/song_df.csv data/status.txt data/validation.json models metrics
