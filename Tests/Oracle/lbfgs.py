"""torch.optim.LBFGS minimising a fixed loss: plain and with the strong-Wolfe line search.
Writes the problem, the parameters and loss after each of STEPS steps, and the final state's
counters. usage: lbfgs.py OUT.safetensors"""
import sys

import torch
from safetensors.torch import save_file

STEPS = 4
g = torch.Generator().manual_seed(11)
A = torch.randn(7, 5, generator=g)
target = torch.randn(7, generator=g)
w0 = torch.randn(5, generator=g)
b0 = torch.randn(3, generator=g)
out = {"A": A, "target": target, "w0": w0, "b0": b0}
CONFIGS = {
    "plain": lambda ps: torch.optim.LBFGS(ps, lr=0.5, max_iter=6),
    "wolfe": lambda ps: torch.optim.LBFGS(ps, lr=1, max_iter=8, history_size=3, line_search_fn="strong_wolfe"),
}
for name, make in CONFIGS.items():
    w = w0.clone().requires_grad_()
    b = b0.clone().requires_grad_()
    opt = make([w, b])

    def closure():
        opt.zero_grad()
        loss = ((A.matmul(w) + b.sum() - target) ** 2).mean() + 0.01 * (w ** 4).sum()
        loss.backward()
        return loss

    for step in range(STEPS):
        loss = opt.step(closure)
        out[f"{name}/loss{step}"] = loss.detach().reshape(1)
        out[f"{name}/w{step}"] = w.detach().clone()
        out[f"{name}/b{step}"] = b.detach().clone()
    state = opt.state[w]
    out[f"{name}/func_evals"] = torch.tensor([state["func_evals"]])
    out[f"{name}/n_iter"] = torch.tensor([state["n_iter"]])
save_file(out, sys.argv[1])
