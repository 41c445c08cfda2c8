"""msr's pipeline as an Airflow DAG (Airflow 3), built from dvc.yaml when the DAG is parsed.

The pipeline's shape is written once, in dvc.yaml: each of its stages (`cmd: scripts/msr NAME
ARGS`) is a task running `$MSR_BIN/msr-NAME ARGS` in the project folder, and a stage follows
another when one of its deps is, or lies in, one of the other's outs (as DVC orders them). On top:
- cluster fans out with dynamic task mapping: `msr-cluster --genre N` per genre of
  data/to_rec/genres.txt (a CeleryExecutor or KubernetesExecutor spreads them over workers),
  then `msr-cluster --index-only` writes the song index from their mixtures;
- retraining only when there is reason: after feed, `reason_to_retrain` lets ingest and what
  follows it run only when feed added songs or raised the retrain flag (metrics/feed.json), no
  classifier exists yet, or, with MSR_RETRAIN_UNDER=X set, `msr-monitor --fail-under X` says the
  recommendations' rolling similarity fell under X; the stages that do not follow feed
  (factorize, monitor) always run.
- batch scoring of new playlists: each file waiting in data/score (`*.json` slices, `*.jsonl`)
  is a mapped `score` task, `msr-predict --no-log --format jsonl FILE` into data/scored/NAME.jsonl,
  the file then moved to data/score/done/ (a refused file to data/score/rejected/, beside
  NAME.err); it runs after the stages writing models, on the models in place when retraining
  was skipped.
Hourly at minute 20, one run at a time.

Deployment: put this file in Airflow's dags folder and set, for the scheduler and the workers,
  MSR_BIN   the folder of the built msr executables (e.g. /opt/msr/.build/release)
  MSR_HOME  the project folder they run in (dvc.yaml, config.yaml, params.yaml, schema.yaml, data/)
and MLFLOW_TRACKING_URI to have evaluate and cluster log to MLflow. MSR_DVC_YAML names another
dvc.yaml (default: MSR_HOME's, else the one of the checkout this file is in).
"""
import json
import os
import shlex
import subprocess
from datetime import datetime

import yaml
from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import ShortCircuitOperator
from airflow.sdk import DAG, task

HERE = os.path.dirname(os.path.abspath(__file__))


def dvc_yaml():
    """The dvc.yaml the DAG is built from."""
    if os.environ.get("MSR_DVC_YAML"):
        return os.environ["MSR_DVC_YAML"]
    home = os.environ.get("MSR_HOME")
    if home and os.path.exists(os.path.join(home, "dvc.yaml")):
        return os.path.join(home, "dvc.yaml")
    return os.path.join(HERE, "..", "..", "dvc.yaml")


def entries(items):
    """The paths of a dvc.yaml deps/outs/metrics/plots list (an entry is a path or {path: options})."""
    return [os.path.normpath(next(iter(item)) if isinstance(item, dict) else item) for item in items or []]


def within(path, folder):
    return path == folder or path.startswith(folder + "/")


def read_stages(path):
    """name -> (executable, arguments, deps, outs) for every `scripts/msr` stage, in file order."""
    with open(path, encoding="utf-8") as f:
        stages = yaml.safe_load(f)["stages"]
    result = {}
    for name, stage in stages.items():
        words = shlex.split(stage["cmd"])
        if len(words) < 2 or words[0] != "scripts/msr":
            raise ValueError(f"{path}: stages.{name}.cmd: expected `scripts/msr STAGE [ARGS]`, got {stage['cmd']!r}")
        outs = entries(stage.get("outs")) + entries(stage.get("metrics")) + entries(stage.get("plots"))
        result[name] = (words[1], words[2:], entries(stage.get("deps")), outs)
    return result


def command(executable, arguments=()):
    return f'cd "$MSR_HOME" && "$MSR_BIN/msr-{executable}"' + "".join(" " + shlex.quote(a) for a in arguments)


def reason_to_retrain():
    """True (go on) when feed added songs or raised the flag, nothing was trained yet, or (with
    MSR_RETRAIN_UNDER set) the recommendations' rolling similarity fell under it."""
    home = os.environ["MSR_HOME"]
    if not os.path.exists(os.path.join(home, "models", "classifier.msrgb")):
        return True
    try:
        with open(os.path.join(home, "metrics", "feed.json"), encoding="utf-8") as f:
            feed = json.load(f)
    except FileNotFoundError:
        return True
    if feed.get("added", 0) > 0 or feed.get("retrain"):
        return True
    under = os.environ.get("MSR_RETRAIN_UNDER")
    if under:
        # msr-monitor's own check: exit 1 when the rolling mean is under the bound.
        monitor = subprocess.run([os.path.join(os.environ["MSR_BIN"], "msr-monitor"), "--fail-under", under], cwd=home,
                                 capture_output=True, text=True)
        print(monitor.stdout + monitor.stderr)
        if monitor.returncode not in (0, 1):
            raise RuntimeError(f"msr-monitor --fail-under {under} exited {monitor.returncode}: {monitor.stderr.strip()}")
        return monitor.returncode == 1
    return False


@task
def slices():
    """One scoring command per playlist file waiting in $MSR_HOME/data/score (MSR_SCORE_DIR): its
    msr-predict answers, one JSON line per playlist, into data/scored/NAME.jsonl (written whole,
    then renamed), the file then moved to data/score/done/. A file msr-predict refuses fails its
    task once: it is moved to data/score/rejected/ beside NAME.err (msr-predict's message), so
    the next runs do not fail on it again, and nothing is written for it."""
    home = os.environ["MSR_HOME"]
    folder = os.environ.get("MSR_SCORE_DIR", os.path.join(home, "data", "score"))
    names = sorted(n for n in os.listdir(folder) if n.endswith((".json", ".jsonl"))) if os.path.isdir(folder) else []
    commands = []
    for name in names:
        source = os.path.join(folder, name)
        target = os.path.join(home, "data", "scored", os.path.splitext(name)[0] + ".jsonl")
        done, rejected = os.path.join(folder, "done"), os.path.join(folder, "rejected")
        q = {key: shlex.quote(value) for key, value in {
            "source": source, "target": target, "tmp": target + ".tmp", "done": done, "rejected": rejected,
            "err": os.path.join(rejected, name + ".err"), "scored": os.path.dirname(target)}.items()}
        commands.append(f'mkdir -p {q["scored"]} {q["done"]} {q["rejected"]} && if '
                        + command("predict", ["--no-log", "--format", "jsonl", source])
                        + f' > {q["tmp"]} 2> {q["err"]}; then mv {q["tmp"]} {q["target"]} && mv {q["source"]} {q["done"]}/'
                        + f' && rm -f {q["err"]}; else status=$?; rm -f {q["tmp"]}; mv {q["source"]} {q["rejected"]}/;'
                        + f' cat {q["err"]} >&2; exit $status; fi')
    return commands


@task
def genres():
    """The genre labels of data/to_rec/genres.txt (one per line, from 0), as cluster's map."""
    with open(os.path.join(os.environ["MSR_HOME"], "data", "to_rec", "genres.txt"), encoding="utf-8") as f:
        count = sum(1 for line in f if line.strip())
    return [command("cluster", ["--genre", str(label)]) for label in range(count)]


with DAG(
    dag_id="msr_pipeline",
    description="msr's pipeline from dvc.yaml: feed, ingest ... cluster (per genre), factorize, evaluations, monitor",
    schedule="20 * * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["msr"],
) as dag:
    stages = read_stages(dvc_yaml())
    first, last = {}, {}  # a stage's entry and exit tasks (cluster's are its map's ends)
    for name, (executable, arguments, _, _) in stages.items():
        if executable == "cluster" and not arguments:
            commands = genres.override(task_id="cluster_genres")()
            fitted = BashOperator.partial(task_id="cluster").expand(bash_command=commands)
            index = BashOperator(task_id="cluster_index", bash_command=command("cluster", ["--index-only"]))
            commands >> fitted >> index
            first[name], last[name] = commands, index
        else:
            first[name] = last[name] = BashOperator(task_id=name, bash_command=command(executable, arguments))
    # After feed, its followers wait for the gate; the other stages are not held by it. The gate
    # skips its own followers only: the others follow their trigger rules (scoring runs on the
    # models in place when no retraining happened).
    gate = ShortCircuitOperator(task_id="reason_to_retrain", python_callable=reason_to_retrain,
                                ignore_downstream_trigger_rules=False) if "feed" in stages else None
    if gate:
        last["feed"] >> gate
    for name, (_, _, deps, _) in stages.items():
        for other, (_, _, _, outs) in stages.items():
            if other != name and any(within(dep, out) or within(out, dep) for dep in deps for out in outs):
                (gate if gate and other == "feed" else last[other]) >> first[name]
    # Batch scoring of new playlists, one mapped task per file, after the models are (re)built.
    scores = slices.override(task_id="score_slices", trigger_rule="none_failed")()
    for name, (executable, _, _, outs) in stages.items():
        if any(within(out, "models") for out in outs):
            last[name] >> scores
    scores >> BashOperator.partial(task_id="score").expand(bash_command=scores)
