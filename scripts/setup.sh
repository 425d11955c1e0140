#!/usr/bin/env bash
# This checkout's set-up (`make setup`): the project-local venv with the pinned torch wheel (the
# source of libtorch and the numerical oracle for tests), linked as .libtorch.
# LIBTORCH=/path/to/libtorch (a folder with include/ and lib/) overrides the wheel's libtorch.
set -euo pipefail
cd "$(dirname "$0")/.."
# The TorchVision library decodes images with Debian's libjpeg-turbo and libpng.
if [ ! -f /usr/include/jpeglib.h ] || [ ! -f /usr/include/png.h ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "setup: installing libjpeg-dev and libpng-dev (TorchVision's image codecs)..."
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q libjpeg-dev libpng-dev >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libjpeg-dev libpng-dev >/dev/null; }
    else
        echo "setup: TorchVision needs libjpeg and libpng headers: run 'sudo apt-get install libjpeg-dev libpng-dev'" >&2
        exit 1
    fi
fi
exec bash scripts/setup-libtorch --venv .venv --link .libtorch --with "numpy safetensors tensorboard pytorch-lightning==2.6.6 torchmetrics==1.9.0 mlflow-skinny==3.17.2 torchvision==0.26.0"
