#!/usr/bin/env bash
# Creates the project-local Python venv with the pinned torch wheel (the source of
# libtorch and the numerical oracle for tests) and points .libtorch at libtorch.
# LIBTORCH=/path/to/libtorch (a folder with include/ and lib/) overrides the wheel's libtorch.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION="$(cat scripts/torch-version)"
VENV=.venv
PY="$VENV/bin/python"

fail() { echo "setup: $*" >&2; exit 1; }

if ! "$PY" -c "import safetensors, tensorboard, pytorch_lightning, torch, sys; sys.exit(0 if torch.__version__.split('+')[0] == '$TORCH_VERSION' else 1)" 2>/dev/null; then
    command -v python3 >/dev/null || fail "python3 is not installed; install it (e.g. 'apt-get install python3 python3-venv') and run again."
    if [ ! -x "$PY" ] || ! "$PY" -c "import sys" 2>/dev/null; then
        rm -rf "$VENV"
        python3 -m venv "$VENV" 2>/dev/null || fail "could not create the venv in $VENV; install python3-venv (e.g. 'apt-get install python3-venv') and run again."
    fi
    echo "setup: installing torch==$TORCH_VERSION into $VENV (about 5 GB, once)..."
    if ! "$PY" -m pip install --quiet --disable-pip-version-check --no-input "torch==$TORCH_VERSION" numpy safetensors tensorboard "pytorch-lightning==2.6.6"; then
        fail "pip could not install torch==$TORCH_VERSION; check that PyPI is reachable (or set LIBTORCH=/path/to/libtorch and make sure the venv has torch for the tests), then run again."
    fi
fi

# c10d's Gloo process group needs Gloo's headers (libtorch_cpu carries Gloo itself).
if [ ! -f /usr/include/gloo/config.h ]; then
    echo "setup: installing Gloo's headers (Debian's libgloo-dev) for distributed training..."
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    command -v apt-get >/dev/null || fail "Gloo's headers (/usr/include/gloo) are missing and apt-get is not available; install libgloo-dev and run again."
    $sudo_cmd apt-get install -y -qq libgloo-dev >/dev/null 2>&1 \
        || { $sudo_cmd apt-get update -qq >/dev/null 2>&1 && $sudo_cmd apt-get install -y -qq libgloo-dev >/dev/null 2>&1; } \
        || fail "could not install libgloo-dev (Gloo's headers); install it and run again."
fi

# The NCCL plugin (Sources/CTorchNCCL) compiles against the wheel's CUDA headers; two
# header-only packages the wheel does not pull in complete them.
nvidia_include="$("$PY" -c 'import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))')/nvidia/cu13/include"
if [ -d "$nvidia_include" ] && { [ ! -f "$nvidia_include/crt/host_config.h" ] || [ ! -d "$nvidia_include/nv" ]; }; then
    echo "setup: installing the CUDA headers the NCCL plugin needs (nvidia-cuda-crt, nvidia-cuda-cccl)..."
    "$PY" -m pip install --quiet --disable-pip-version-check --no-input --no-deps "nvidia-cuda-crt==13.0.*" "nvidia-cuda-cccl==13.0.*" \
        || fail "pip could not install nvidia-cuda-crt and nvidia-cuda-cccl (CUDA headers); check that PyPI is reachable, then run again."
fi

if [ -n "${LIBTORCH:-}" ]; then
    [ -d "$LIBTORCH/include" ] && [ -d "$LIBTORCH/lib" ] || fail "LIBTORCH=$LIBTORCH has no include/ and lib/ folders."
    target="$LIBTORCH"
else
    target="$("$PY" -c 'import os, torch; print(os.path.dirname(torch.__file__))')"
fi
if [ "$(readlink .libtorch 2>/dev/null)" != "$target" ]; then
    rm -f .libtorch
    ln -s "$target" .libtorch
fi
[ -f .libtorch/lib/libtorch_cpu.so ] || fail ".libtorch ($target) has no lib/libtorch_cpu.so."
