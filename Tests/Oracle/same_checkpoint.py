"""Checks with Python's default torch.load (weights_only) that two Lightning checkpoints hold the
same weights and the same optimizer state, key for key and shape for shape (within float
tolerance): used to show that a sharded run's consolidated checkpoint is what one process writes.
Usage: same_checkpoint.py A B"""
import sys

import torch

a = torch.load(sys.argv[1], weights_only=True)
b = torch.load(sys.argv[2], weights_only=True)
assert a["state_dict"].keys() == b["state_dict"].keys(), (a["state_dict"].keys(), b["state_dict"].keys())
for key, value in b["state_dict"].items():
    torch.testing.assert_close(a["state_dict"][key], value, rtol=1e-5, atol=1e-6)
for oa, ob in zip(a["optimizer_states"], b["optimizer_states"], strict=True):
    assert oa["param_groups"] == ob["param_groups"], (oa["param_groups"], ob["param_groups"])
    assert oa["state"].keys() == ob["state"].keys(), (oa["state"].keys(), ob["state"].keys())
    for index, state in ob["state"].items():
        for name, value in state.items():
            torch.testing.assert_close(oa["state"][index][name], value, rtol=1e-5, atol=1e-6)
print("same weights and", sum(len(o["state"]) for o in b["optimizer_states"]), "parameter states")
