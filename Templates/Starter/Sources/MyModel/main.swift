// `swift run MyModel fit --trainer.max_epochs 5`; `swift run MyModel --help` for the rest.
import LightningCLI

let cli = LightningCLI(LitClassifier.self, BlobsDataModule.self, trainerDefaults: ["max_epochs": 3])
if let trainer = cli.main()?.trainer, trainer.isGlobalZero {
    for (name, value) in trainer.callbackMetrics.sorted(by: { $0.key < $1.key }) {
        print("\(name): \(value.item())")
    }
}
