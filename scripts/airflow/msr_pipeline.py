"""msr's pipeline as an Airflow DAG (Airflow 3): hourly at minute 20, one run at a time.

It branches on whether a song base exists: if so, msr-feed merges the new songs waiting in
data/new (nothing new: nothing changes); if not, msr-ingest builds it from the dataset. Then
validate, transform, train, evaluate and cluster, each a run of an msr executable.

Deployment: put this file in Airflow's dags folder and set, for the workers,
  MSR_BIN   the folder of the built msr executables (e.g. /opt/msr/.build/release)
  MSR_HOME  the project folder they run in (config.yaml, params.yaml, schema.yaml, data/)
and MLFLOW_TRACKING_URI to have evaluate and cluster log to MLflow.
"""
import os
from datetime import datetime

from airflow.providers.standard.operators.bash import BashOperator
from airflow.providers.standard.operators.python import BranchPythonOperator
from airflow.sdk import DAG


def stage(name, **kwargs):
    """A task running msr-<name> in the project folder; its output goes to the task log."""
    return BashOperator(task_id=name, bash_command=f'cd "$MSR_HOME" && "$MSR_BIN/msr-{name}"', **kwargs)


def source_of_songs():
    """feed when the song base exists, ingest otherwise."""
    home = os.environ["MSR_HOME"]
    return "feed" if os.path.exists(os.path.join(home, "data", "raw", "song_df.csv")) else "ingest"


with DAG(
    dag_id="msr_pipeline",
    description="msr: song base, validation, split, classifier, evaluation, mixtures",
    schedule="20 * * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["msr"],
) as dag:
    branch = BranchPythonOperator(task_id="song_base_exists", python_callable=source_of_songs)
    feed, ingest = stage("feed"), stage("ingest")
    # Runs after whichever branch ran (the other is skipped).
    validate = stage("validate", trigger_rule="none_failed_min_one_success")
    branch >> [feed, ingest] >> validate >> stage("transform") >> stage("train") >> stage("evaluate") >> stage("cluster")
