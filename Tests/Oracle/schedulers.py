"""Learning-rate sequences of torch.optim.lr_scheduler over STEPS steps (and the momentum or
beta1 for OneCycleLR), for the scheduler parity tests. usage: schedulers.py OUT.safetensors"""
import math
import sys

import torch
from torch.optim import lr_scheduler as S
from safetensors.torch import save_file

STEPS = 100


def sgd(groups=1):
    ps = [torch.zeros(2, requires_grad=True) for _ in range(groups)]
    return torch.optim.SGD([{"params": [p], "lr": 0.1 * (k + 1)} for k, p in enumerate(ps)], lr=0.1, momentum=0.9)


def adam():
    return torch.optim.Adam([torch.zeros(2, requires_grad=True)], lr=0.01)


METRICS = [1.0 / (1 + 0.05 * min(i, 30)) + (0.01 if i % 7 == 0 else 0.0) for i in range(STEPS)]

CONFIGS = {
    "step": lambda: S.StepLR(sgd(2), step_size=7, gamma=0.5),
    "multistep": lambda: S.MultiStepLR(sgd(), milestones=[10, 30, 30, 75], gamma=0.3),
    "exponential": lambda: S.ExponentialLR(sgd(2), gamma=0.97),
    "cosine": lambda: S.CosineAnnealingLR(sgd(), T_max=30, eta_min=0.001),
    "cosine_restarts": lambda: S.CosineAnnealingWarmRestarts(sgd(2), T_0=10, T_mult=2, eta_min=0.0005),
    "onecycle": lambda: S.OneCycleLR(sgd(), max_lr=0.5, total_steps=STEPS + 1),
    "onecycle_adam_linear_three_phase": lambda: S.OneCycleLR(adam(), max_lr=0.02, total_steps=STEPS + 1,
                                                             anneal_strategy="linear", three_phase=True, pct_start=0.25),
    "linear": lambda: S.LinearLR(sgd(2), start_factor=0.1, end_factor=0.9, total_iters=20),
    "constant": lambda: S.ConstantLR(sgd(), factor=0.25, total_iters=12),
    "lambda": lambda: S.LambdaLR(sgd(2), lr_lambda=lambda e: 0.95 ** e + 0.01 * (e % 3)),
    "multiplicative": lambda: S.MultiplicativeLR(sgd(2), lr_lambda=lambda e: 0.97 if e % 4 else 1.01),
    "polynomial": lambda: S.PolynomialLR(sgd(2), total_iters=40, power=2.0),
    "polynomial_linear": lambda: S.PolynomialLR(sgd()),
    "cyclic_triangular": lambda: S.CyclicLR(sgd(2), base_lr=0.01, max_lr=0.1, step_size_up=7),
    "cyclic_triangular2_adam": lambda: S.CyclicLR(adam(), base_lr=0.001, max_lr=0.01, step_size_up=5, step_size_down=9,
                                                  mode="triangular2"),
    "cyclic_exp_range": lambda: S.CyclicLR(sgd(), base_lr=0.01, max_lr=0.2, step_size_up=4, mode="exp_range", gamma=0.98,
                                           cycle_momentum=False),
    "chained_constant_exponential": lambda: (lambda o: S.ChainedScheduler(
        [S.ConstantLR(o, factor=0.1, total_iters=4), S.ExponentialLR(o, gamma=0.9)]))(sgd(2)),
    "sequential_warmup_cosine": lambda: (lambda o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.01, total_iters=10), S.CosineAnnealingLR(o, T_max=90)], milestones=[10]))(sgd()),
    "sequential_three": lambda: (lambda o: S.SequentialLR(
        o, [S.ConstantLR(o, factor=0.5, total_iters=5), S.ExponentialLR(o, gamma=0.9), S.StepLR(o, 10, 0.5)],
        milestones=[20, 50]))(sgd(2)),
    "swalr_cos": lambda: torch.optim.swa_utils.SWALR(sgd(2), swa_lr=0.01, anneal_epochs=5),
    "swalr_linear_instant": lambda: torch.optim.swa_utils.SWALR(sgd(), swa_lr=0.05, anneal_epochs=0, anneal_strategy="linear"),
    "plateau": lambda: S.ReduceLROnPlateau(sgd(2), factor=0.5, patience=3, cooldown=2, min_lr=[0.001, 0.01]),
    "plateau_max_abs": lambda: S.ReduceLROnPlateau(sgd(), mode="max", patience=2, threshold=0.01, threshold_mode="abs"),
}

out = {}
for name, make in CONFIGS.items():
    sched = make()
    opt = sched.optimizer
    lrs = [list(sched.get_last_lr()) if hasattr(sched, "_last_lr") else [g["lr"] for g in opt.param_groups]]
    momenta = []
    for i in range(STEPS):
        opt.step()
        if isinstance(sched, S.ReduceLROnPlateau):
            sched.step(-METRICS[i] if sched.mode == "max" else METRICS[i])
        else:
            sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        g0 = opt.param_groups[0]
        momenta.append(g0["betas"][0] if "betas" in g0 else g0["momentum"])
    out[name + "/lr"] = torch.tensor(lrs, dtype=torch.float64)
    out[name + "/momentum"] = torch.tensor(momenta, dtype=torch.float64)
out["metrics"] = torch.tensor(METRICS, dtype=torch.float64)
save_file(out, sys.argv[1], metadata={"configs": ",".join(CONFIGS), "steps": str(STEPS)})
