// The character-level GPT of example-chargpt trained with DDP on two CPU processes: the same
// model code, only the Trainer arguments differ. `swift run -c release example-ddp fit`.
import ExampleSupport
import Lightning
import LightningCLI

let cli = LightningCLI(CharGPT.self, CharDataModule.self,
                       trainerDefaults: ["devices": 2, "strategy": "ddp", "max_steps": 150, "max_epochs": -1],
                       callbacks: { [PrintMetrics(["train_loss"])] })
if let result = cli.main(), let model = result.model, result.subcommand == .fit, result.trainer?.isGlobalZero == true {
    print("--- generated on rank 0 ---")
    print(model.generate("The ", count: 200))
}
