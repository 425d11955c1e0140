// Image classification with a CNN: MNIST from a folder of IDX files (--data.data_dir DIR), or
// generated 28x28 shapes. `swift run -c release example-mnist fit --trainer.max_epochs 3`.
import ExampleSupport
import Lightning
import LightningCLI

LightningCLI(LitCNN.self, ShapesDataModule.self, trainerDefaults: ["max_epochs": 2],
             callbacks: { [PrintMetrics(["val_loss", "val_acc"])] }).main()
