// The vision benchmarks' Swift side (bench/vision.sh, docs/benchmarks.md):
//   BenchVision pipeline ROOT WORKERS: ImageFolder decoding JPEGs, RandomResizedCrop(224), flip,
//     float conversion and normalization, batches of 64 from a DataLoader with WORKERS worker
//     threads; prints images/s of one epoch.
//   BenchVision resnet STEPS: ResNet-18 training steps with the Trainer, batches of 16 images of
//     112x112, SGD with momentum; prints steps/s of STEPS steps after 2 warm-up steps.
import Foundation
import Lightning
import Torch
import TorchVision

func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

let arguments = CommandLine.arguments
switch arguments[1] {
case "pipeline":
    let transform = Compose([RandomResizedCrop([224]), RandomHorizontalFlip(), ToDtype(.float32, scale: true),
                             Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])])
    let dataset = try ImageFolder(root: arguments[2], transform: transform)
    let loader = DataLoader(dataset, batchSize: 64, shuffle: true, numWorkers: Int(arguments[3])!, seed: 1, collate: .pair)
    let start = seconds()
    var images = 0
    for (x, _) in loader { images += x.size(0) }
    print(String(format: "%.1f", Double(images) / (seconds() - start)))
default:
    let steps = Int(arguments[2])!
    final class Lit: LightningModule<(Tensor, Tensor)> {
        let model = resnet18(numClasses: 10)
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(model(batch.0), batch.1) }
        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.01, momentum: 0.9)) }
    }
    final class Clock: Callback {
        var start = 0.0
        func onTrainBatchStart(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {
            if batchIdx == 2 { start = seconds() }
        }
    }
    _ = seedEverything(0)
    let (x, y) = (Tensor.randn([16, 3, 112, 112]), Tensor.randint(0, 10, [16]))
    let data = TensorDataset(x.repeat([steps + 2, 1, 1, 1]), y.repeat([steps + 2]))
    let clock = Clock()
    let trainer = try Trainer(accelerator: .cpu, maxEpochs: 1, enableCheckpointing: false, enableProgressBar: false,
                              enableModelSummary: false, callbacks: [clock], logger: [])
    try trainer.fit(Lit(), train: DataLoader(data, batchSize: 16, collate: .pair))
    print(String(format: "%.3f", Double(steps) / (seconds() - clock.start)))
}
