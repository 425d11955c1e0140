"""Reference trajectories of torch.optim (default implementation) for the optimizer parity tests.
For each configuration: initial parameters, the gradients of each of STEPS steps, the
parameters after them and the optimizer's final state. usage: optim.py OUT.safetensors"""
import sys

import torch
from safetensors.torch import save_file

STEPS = 50
SHAPES = [(5, 4), (4,), (3, 2, 2)]
CONFIGS = {
    "sgd": lambda ps: torch.optim.SGD(ps, lr=0.1),
    "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
    "sgd_nesterov_maximize": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, maximize=True),
    "sgd_groups": lambda ps: torch.optim.SGD([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.01, "weight_decay": 0.1}],
                                             lr=0.1, momentum=0.5),
    "adam": lambda ps: torch.optim.Adam(ps, lr=0.01),
    "adam_wd_amsgrad": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
    "adamw": lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.05),
    "adamw_amsgrad_maximize": lambda ps: torch.optim.AdamW(ps, lr=0.01, amsgrad=True, maximize=True),
    "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01),
    "rmsprop_centered_momentum": lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True, weight_decay=0.01),
    "adagrad": lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1),
    "adadelta": lambda ps: torch.optim.Adadelta(ps),
    "adadelta_wd_maximize": lambda ps: torch.optim.Adadelta(ps, lr=0.5, rho=0.8, weight_decay=0.05, maximize=True),
    "adamax": lambda ps: torch.optim.Adamax(ps),
    "adamax_wd": lambda ps: torch.optim.Adamax(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1),
    "adamax_maximize": lambda ps: torch.optim.Adamax(ps, maximize=True),
    "radam": lambda ps: torch.optim.RAdam(ps, lr=0.01),
    "radam_wd": lambda ps: torch.optim.RAdam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1),
    "radam_decoupled_maximize": lambda ps: torch.optim.RAdam(ps, lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True),
    "rprop": lambda ps: torch.optim.Rprop(ps),
    "rprop_etas_maximize": lambda ps: torch.optim.Rprop(ps, lr=0.05, etas=(0.3, 1.5), step_sizes=(1e-4, 0.2), maximize=True),
    "asgd": lambda ps: torch.optim.ASGD(ps),
    "asgd_averaging_wd_maximize": lambda ps: torch.optim.ASGD(ps, lr=0.05, lambd=0.01, alpha=0.5, t0=10, weight_decay=0.1, maximize=True),
    "adafactor": lambda ps: torch.optim.Adafactor(ps),
    "adafactor_wd_eps_maximize": lambda ps: torch.optim.Adafactor(ps, lr=0.05, beta2_decay=-0.5, eps=(1e-20, 1e-2), d=1.5,
                                                                  weight_decay=0.1, maximize=True),
    "nadam": lambda ps: torch.optim.NAdam(ps),
    "nadam_wd": lambda ps: torch.optim.NAdam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01),
    "nadam_decoupled_maximize": lambda ps: torch.optim.NAdam(ps, weight_decay=0.1, decoupled_weight_decay=True, maximize=True),
}

out = {}
g = torch.Generator().manual_seed(7)
for name, make in CONFIGS.items():
    params = [torch.randn(s, generator=g).requires_grad_() for s in SHAPES]
    for k, p in enumerate(params):
        out["%s/init%d" % (name, k)] = p.detach().clone()
    opt = make(params)
    for step in range(STEPS):
        for k, p in enumerate(params):
            grad = torch.randn(p.shape, generator=g)
            out["%s/grad%d/%d" % (name, step, k)] = grad
            p.grad = grad.clone()
        opt.step()
    for k, p in enumerate(params):
        out["%s/final%d" % (name, k)] = p.detach().clone()
    for idx, entries in opt.state_dict()["state"].items():
        for key, value in entries.items():
            out["%s/state/%d/%s" % (name, idx, key)] = value.clone()
save_file(out, sys.argv[1], metadata={"configs": ",".join(CONFIGS), "steps": str(STEPS)})
