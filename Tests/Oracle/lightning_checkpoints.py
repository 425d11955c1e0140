"""Checkpoints across frameworks, for LightningCheckpointTests: PyTorch Lightning writes one that
swift-lightning resumes, and resumes one that swift-lightning wrote. The model, data and
optimizer are the test's TinyClassifier run: Linear(4, 16), ReLU, Dropout(0), Linear(16, 3);
SGD(lr 0.1, momentum 0.9) with a per-epoch StepLR(1, 0.9); batches of 8 in order; validation
at each epoch's end.
usage: lightning_checkpoints.py DIR write|resume
  DIR holds data.safetensors (x, y, val_x, val_y) and init.safetensors (the initial weights).
  write:  trains one epoch, saving at its end (DIR/lightning-epoch0.ckpt) and after step 3
          (DIR/lightning-step3.ckpt), and, from the start again, two epochs uninterrupted
          (DIR/lightning-final.safetensors).
  resume: load_from_checkpoint(DIR/swift-epoch0.ckpt), then Trainer.fit(ckpt_path=) to two
          epochs (DIR/lightning-resumed.safetensors); prints the hyper-parameters and global step."""
import os
import shutil
import sys
import warnings

import pytorch_lightning as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch.utils.data import DataLoader, TensorDataset

warnings.filterwarnings("ignore")


class TinyClassifier(pl.LightningModule):
    def __init__(self, lr=0.1):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 3))

    def training_step(self, batch, batch_idx):
        loss = F.cross_entropy(self.net(batch[0]), batch[1])
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        self.log("val_loss", F.cross_entropy(self.net(batch[0]), batch[1]))

    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        return {"optimizer": optimizer, "lr_scheduler": torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.9)}


def fit(model, epochs, root, ckpt_path=None, callbacks=None):
    data = load_file(os.path.join(root, "data.safetensors"))
    train = DataLoader(TensorDataset(data["x"], data["y"]), batch_size=8)
    val = DataLoader(TensorDataset(data["val_x"], data["val_y"]), batch_size=8)
    trainer = pl.Trainer(max_epochs=epochs, num_sanity_val_steps=0, logger=False, enable_progress_bar=False,
                         enable_model_summary=False, deterministic=True, default_root_dir=os.path.join(root, "lightning"),
                         callbacks=callbacks)
    trainer.fit(model, train, val, ckpt_path=ckpt_path)
    return trainer


def fresh(root):
    model = TinyClassifier()
    model.load_state_dict(load_file(os.path.join(root, "init.safetensors")))
    return model


def weights(model):
    return {k: v.contiguous() for k, v in model.state_dict().items()}


root, mode = sys.argv[1], sys.argv[2]
if mode == "write":
    steps = pl.callbacks.ModelCheckpoint(dirpath=os.path.join(root, "lightning", "steps"), every_n_train_steps=3, save_top_k=-1)
    first = fit(fresh(root), 1, root, callbacks=[pl.callbacks.ModelCheckpoint(dirpath=os.path.join(root, "lightning", "epochs")), steps])
    shutil.copy(first.checkpoint_callback.best_model_path, os.path.join(root, "lightning-epoch0.ckpt"))
    shutil.copy(os.path.join(steps.dirpath, "epoch=0-step=3.ckpt"), os.path.join(root, "lightning-step3.ckpt"))
    shutil.rmtree(os.path.join(root, "lightning"))
    model = fresh(root)
    fit(model, 2, root)
    save_file(weights(model), os.path.join(root, "lightning-final.safetensors"))
else:
    path = os.path.join(root, "swift-epoch0.ckpt")
    model = TinyClassifier.load_from_checkpoint(path)
    trainer = fit(model, 2, root, ckpt_path=path)
    save_file(weights(model), os.path.join(root, "lightning-resumed.safetensors"))
    print(dict(model.hparams), trainer.global_step, trainer.current_epoch)
