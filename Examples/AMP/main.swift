// Mixed precision and gradient accumulation: example-mnist's CNN with bf16-mixed autocast and
// four batches per optimizer step. `swift run -c release example-amp fit --trainer.precision 16-mixed`.
import ExampleSupport
import Lightning
import LightningCLI

LightningCLI(LitCNN.self, ShapesDataModule.self,
             trainerDefaults: ["precision": "bf16-mixed", "accumulate_grad_batches": 4, "max_epochs": 2],
             callbacks: { [PrintMetrics(["val_loss", "val_acc"])] }).main()
