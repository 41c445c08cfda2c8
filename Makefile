# msr: `make pipeline` sets up, builds and runs every stage whose inputs changed;
# `make test` runs the test suite. Stages are file targets, so up-to-date ones are skipped.
SHELL := /bin/bash
BIN := .build/release
SOURCES := Package.swift $(shell find Sources -name '*.swift' -o -name '*.h' -o -name '*.modulemap')

# A stage that fails leaves no stale target behind (msr-validate writes its status file even
# when the data is invalid; make must not take it as up to date).
.DELETE_ON_ERROR:
.PHONY: all setup build pipeline feed test bench clean install serve container

all: pipeline

setup:
	@scripts/setup

$(BIN)/.built: $(SOURCES) | setup
	scripts/build
	@touch $@

build: $(BIN)/.built

# Each stage's stamp: the config paths and params values it reads (`msr-<stage> --stamp`),
# rewritten only when they change, so an edit of config.yaml or params.yaml reruns only the
# stages that read what changed, as DVC does with the keys dvc.yaml lists.
STAMP = @mkdir -p .msr && $(BIN)/$(1) --stamp > $@.new && { if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi; }
.msr/%.stamp: params.yaml config.yaml $(BIN)/.built
	$(call STAMP,msr-$*)
.msr/evaluate-recommender.stamp: params.yaml config.yaml $(BIN)/.built
	$(call STAMP,msr-evaluate --recommender)

data/raw/song_df.csv: data/raw/dataset.zip $(wildcard data/raw/additions.csv) schema.yaml .msr/ingest.stamp $(BIN)/.built
	$(BIN)/msr-ingest

data/status.txt data/validation.json &: data/raw/song_df.csv schema.yaml .msr/validate.stamp $(BIN)/.built
	$(BIN)/msr-validate

data/to_rec/genres.txt data/processed/X_train.csv &: data/raw/song_df.csv data/status.txt schema.yaml .msr/transform.stamp $(BIN)/.built
	$(BIN)/msr-transform

models/classifier.msrgb models/feature_importance.json &: data/processed/X_train.csv data/to_rec/genres.txt schema.yaml .msr/train.stamp $(BIN)/.built
	$(BIN)/msr-train

metrics/metrics.json metrics/confusion.json &: models/classifier.msrgb data/processed/X_train.csv schema.yaml .msr/evaluate.stamp $(BIN)/.built
	$(BIN)/msr-evaluate

models/mixtures/mixture_0.json metrics/clusters/uns_metrics_0.json models/catalog.msrix &: data/to_rec/genres.txt data/processed/X_train.csv models/classifier.msrgb schema.yaml .msr/cluster.stamp $(BIN)/.built
	$(BIN)/msr-cluster

# Implicit ALS on the playlists: the MPD slices of data/playlists and the playlists logged by
# msr-predict and msr-serve (so a logged call reruns it, as it does monitor).
models/factors.msrf metrics/factorize.json &: $(wildcard data/playlists/*.json) $(wildcard data/reco/recommendations.jsonl) .msr/factorize.stamp $(BIN)/.built
	$(BIN)/msr-factorize

metrics/monitoring.json metrics/similarity_trend.csv metrics/monitoring.html &: $(wildcard data/reco/recommendations.jsonl) .msr/monitor.stamp $(BIN)/.built
	$(BIN)/msr-monitor

# New songs in data/new merged into the song base (then `make pipeline` retrains).
feed: $(BIN)/.built
	$(BIN)/msr-feed

metrics/reco_metrics.json: models/catalog.msrix models/classifier.msrgb data/to_rec/genres.txt schema.yaml $(wildcard data/playlists/*.json) $(wildcard data/reco/recommendations.jsonl) .msr/evaluate-recommender.stamp $(BIN)/.built
	$(BIN)/msr-evaluate --recommender

pipeline: setup metrics/metrics.json models/mixtures/mixture_0.json models/factors.msrf metrics/reco_metrics.json metrics/monitoring.json

# The service (issue 10): built on its own (the pipeline never links its web stack), then run
# over the models the pipeline built, on serve.host:serve.port of config.yaml (127.0.0.1:8080).
$(BIN)/msr-serve: $(SOURCES) | setup
	scripts/build --product msr-serve

serve: pipeline $(BIN)/msr-serve
	$(BIN)/msr-serve

# The executables, into $(PREFIX)/bin: `make install PREFIX=~/.local`, then ~/.local/bin on PATH.
PREFIX ?= /usr/local
STAGES := ingest validate transform train evaluate cluster predict monitor feed factorize
install: build $(BIN)/msr-serve
	install -d $(PREFIX)/bin
	install -m 755 $(addprefix $(BIN)/msr-,$(STAGES) serve) $(PREFIX)/bin/

# The unit, end-to-end and service tests; msr-serve against its OpenAPI description with
# schemathesis (scripts/check-serve-api) and in headless Chromium with Selenium as a person uses it
# (scripts/check-browser), both on the debug build the tests made, over the embedded data's pipeline; every stage killed at random moments and run on a full disk
# (scripts/check-crash); every reader fuzzed for 10 s (scripts/fuzz, libFuzzer with
# AddressSanitizer); then the pipeline under real DVC (scripts/check-dvc), against a real MLflow
# server (scripts/check-mlflow), as an Airflow DAG (scripts/check-airflow) and on Spark
# (scripts/check-spark); last the OCI image (scripts/container test: the release multi-call msr
# built, the image made with podman, the pipeline, msr-predict and the service in containers).
test: setup
	@mkdir -p .build
	@scripts/venv --checks </dev/null >.build/venv-checks.log 2>&1 & \
	  echo "make test: installing the checks' Python tools in the background (log: .build/venv-checks.log)"
	@{ scripts/setup --packages chromium chromium-driver && scripts/container base; } </dev/null >.build/checks-packages.log 2>&1 & \
	  echo "make test: installing the browser's and the image's packages and making the base image in the background (log: .build/checks-packages.log)"
	swift test --disable-swift-testing
	$(MAKE) pipeline
	scripts/check-lanes
	MSR_SERVE=.build/debug/msr-serve scripts/check-serve-api
	MSR_SERVE=.build/debug/msr-serve scripts/check-browser
	scripts/check-crash
	scripts/fuzz all 10
	scripts/check-dvc
	scripts/check-mlflow
	scripts/check-airflow
	scripts/check-spark
	scripts/container test

# The OCI image (Containerfile), msr:VERSION and msr:latest, with podman (issue 14).
container:
	scripts/container build

bench: build
	scripts/bench-data

clean:
	rm -rf data/processed data/to_rec data/raw/song_df.csv data/status.txt data/validation.json models metrics .msr
