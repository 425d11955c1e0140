"""ResNet-18 training steps on the CPU, batches of 16 images of 112x112, SGD with momentum:
plain PyTorch and PyTorch Lightning. Prints steps/s of STEPS steps after 2 warm-up steps.
usage: resnet.py pytorch|lightning STEPS"""
import sys
import time
import warnings

import torch
import torchvision

warnings.filterwarnings("ignore")
mode, steps = sys.argv[1], int(sys.argv[2])
torch.manual_seed(0)
x, y = torch.randn(16, 3, 112, 112), torch.randint(0, 10, (16,))

if mode == "pytorch":
    model = torchvision.models.resnet18(num_classes=10)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    for i in range(steps + 2):
        if i == 2:
            start = time.perf_counter()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"{steps / (time.perf_counter() - start):.3f}")
else:
    import pytorch_lightning as pl

    class Lit(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.model = torchvision.models.resnet18(num_classes=10)

        def training_step(self, batch, batch_idx):
            return torch.nn.functional.cross_entropy(self.model(batch[0]), batch[1])

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.01, momentum=0.9)

    class Clock(pl.Callback):
        def on_train_batch_start(self, trainer, module, batch, batch_idx):
            if batch_idx == 2:
                self.start = time.perf_counter()

        def on_train_end(self, trainer, module):
            print(f"{steps / (time.perf_counter() - self.start):.3f}")

    data = torch.utils.data.TensorDataset(x.repeat(steps + 2, 1, 1, 1), y.repeat(steps + 2))
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False, callbacks=[Clock()])
    trainer.fit(Lit(), torch.utils.data.DataLoader(data, batch_size=16))
