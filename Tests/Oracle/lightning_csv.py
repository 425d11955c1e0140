"""Runs a small fit with PyTorch Lightning's CSVLogger and prints the metrics.csv it wrote,
for the CSV layout test. usage: lightning_csv.py DIR"""
import os
import sys
import warnings

import pytorch_lightning as pl
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

warnings.filterwarnings("ignore")


class Model(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(4, 3)

    def training_step(self, batch, batch_idx):
        loss = nn.functional.cross_entropy(self.layer(batch[0]), batch[1])
        self.log("train_loss", loss, on_epoch=True)
        return loss

    def validation_step(self, batch, batch_idx):
        self.log("val_loss", nn.functional.cross_entropy(self.layer(batch[0]), batch[1]))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


data = TensorDataset(torch.randn(32, 4), torch.randint(0, 3, (32,)))
trainer = pl.Trainer(max_epochs=2, log_every_n_steps=2, default_root_dir=sys.argv[1], logger=pl.loggers.CSVLogger(sys.argv[1]),
                     enable_progress_bar=False, enable_model_summary=False, enable_checkpointing=False)
trainer.fit(Model(), DataLoader(data, batch_size=8), DataLoader(data, batch_size=8))
print(open(os.path.join(trainer.logger.log_dir, "metrics.csv")).read(), end="")
