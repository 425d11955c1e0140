"""Reads an MLflow file store with MLflow's own client and prints what it finds as JSON: the
experiment, its runs (status, name, params, tags, every metric's history with steps and
timestamps) and their artifacts. MLflow 3.x keeps file stores in maintenance mode: reading one
takes MLFLOW_ALLOW_FILE_STORE=true. usage: mlflow_read.py STORE EXPERIMENT_NAME"""
import json
import os
import sys
import warnings

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

warnings.filterwarnings("ignore")

from mlflow.tracking import MlflowClient


def artifacts(client, run_id, path=None):
    out = []
    for item in client.list_artifacts(run_id, path):
        out += artifacts(client, run_id, item.path) if item.is_dir else [item.path]
    return out


store, name = sys.argv[1], sys.argv[2]
client = MlflowClient(tracking_uri="file:" + store)
experiment = client.get_experiment_by_name(name)
runs = []
for run in client.search_runs([experiment.experiment_id]):
    history = {
        key: [[m.step, m.value, m.timestamp] for m in client.get_metric_history(run.info.run_id, key)]
        for key in run.data.metrics
    }
    runs.append({
        "run_id": run.info.run_id, "run_name": run.info.run_name, "status": run.info.status,
        "start_time": run.info.start_time, "end_time": run.info.end_time,
        "params": run.data.params, "tags": run.data.tags, "metrics": history,
        "artifacts": sorted(artifacts(client, run.info.run_id)),
    })
print(json.dumps({"experiment_id": experiment.experiment_id, "experiment_name": experiment.name, "runs": runs}))
