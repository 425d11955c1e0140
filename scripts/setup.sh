#!/usr/bin/env bash
# This checkout's set-up (`make setup`): the project-local venv with the pinned torch wheel (the
# source of libtorch and the numerical oracle for tests), linked as .libtorch.
# LIBTORCH=/path/to/libtorch (a folder with include/ and lib/) overrides the wheel's libtorch.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/setup-libtorch --venv .venv --link .libtorch --with "numpy safetensors tensorboard pytorch-lightning==2.6.6 torchmetrics==1.9.0 mlflow-skinny==3.17.2 torchvision==0.26.0"
