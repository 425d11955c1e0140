// Lightning's CIFAR-10 ResNet baseline: `swift run -c release example-cifar fit --data.data_dir
// DIR` with CIFAR-10's binary files, or on generated images without it. DDP and bf16 from the
// command line: `--trainer.devices 2 --trainer.strategy ddp --trainer.precision bf16-mixed`.
import ExampleSupport
import Lightning
import LightningCLI

LightningCLI(LitResNet.self, CIFARDataModule.self, trainerDefaults: ["max_epochs": 2],
             callbacks: { [PrintMetrics(["val_loss", "val_acc"])] }).main()
