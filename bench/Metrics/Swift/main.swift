// update + compute for one epoch of 1M predictions in batches of 10,000, as bench/Metrics/python.py
// does with torchmetrics: prints "metric milliseconds" for each of `repeats` epochs.
import Foundation
import Metrics
import Torch

let repeats = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 5
let (n, batch, classes) = (1_000_000, 10_000, 10)
let g = Generator(seed: 0)
let scores = Tensor.randn([n, classes], generator: g)
let labels = Tensor.randint(0, classes, [n], generator: g)
let binaryScores = Tensor.rand([n], generator: g)
let binaryLabels = Tensor.randint(0, 2, [n], generator: g)

func time(_ name: String, _ make: () -> PredictionMetric, _ preds: Tensor, _ target: Tensor) {
    for _ in 0..<repeats {
        let metric = make()
        let start = DispatchTime.now().uptimeNanoseconds
        for offset in stride(from: 0, to: n, by: batch) {
            metric.update(preds[offset..<(offset + batch)], target[offset..<(offset + batch)])
        }
        _ = metric.compute().item()
        print(name, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
}

time("accuracy", { Accuracy(task: .multiclass, numClasses: classes) }, scores, labels)
time("f1_macro", { F1Score(task: .multiclass, numClasses: classes, average: .macro) }, scores, labels)
time("auroc_binary", { AUROC(task: .binary) }, binaryScores, binaryLabels)
