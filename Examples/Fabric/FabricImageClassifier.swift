// Lightning's Fabric image classifier in Swift: a training loop of one's own, on the Trainer's
// accelerators, strategies and precision plug-ins. `swift run -c release example-fabric`, or
// `example-fabric --devices 2 --strategy ddp` for two processes.
import ArgumentParser
import ExampleSupport
import Foundation
import Lightning
import Torch

/// Two convolutions and two linear layers with dropout, as the PyTorch MNIST example's `Net`.
final class Net: Module {
    let conv1 = Conv2d(1, 32, kernelSize: 3)
    let conv2 = Conv2d(32, 64, kernelSize: 3)
    let dropout1 = Dropout(0.25)
    let dropout2 = Dropout(0.5)
    let fc1 = Linear(9216, 128)
    let fc2 = Linear(128, 10)

    override func forward(_ x: Tensor) -> Tensor {
        var y = F.relu(conv2(F.relu(conv1(x))))
        y = dropout1(F.maxPool2d(y, 2)).flatten(startDim: 1)
        return F.logSoftmax(fc2(dropout2(F.relu(fc1(y)))), dim: 1)
    }
}

@main
struct FabricImageClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "example-fabric",
                                                    abstract: "Trains a CNN on generated shapes with a Fabric loop.")
    @Option(help: "Training epochs.") var epochs = 2
    @Option(help: "Samples per batch on each process.") var batchSize = 64
    @Option(help: "Adadelta's learning rate.") var lr = 1.0
    @Option(help: "StepLR's decay per epoch.") var gamma = 0.7
    @Option(help: "Generated training images.") var samples = 3000
    @Option(help: "Processes (one per device).") var devices = 1
    @Option(help: "auto, ddp, zero1, zero2 or fsdp.") var strategy = "auto"
    @Option(help: "32-true, 16-mixed, bf16-mixed, ...") var precision = "32-true"
    @Option(help: "Where to save the final weights (empty: not saved).") var save = ""

    func run() throws {
        let strategies: [String: Strategy] = ["auto": .auto, "ddp": .ddp, "zero1": .zero(stage: 1), "zero2": .zero(stage: 2), "fsdp": .fsdp]
        guard let chosen = strategies[strategy], let numeric = Precision(lightning: precision) else {
            throw ValidationError("unknown --strategy \(strategy) or --precision \(precision)")
        }
        let fabric = try Fabric(devices: .count(devices), strategy: chosen, precision: numeric)
        try fabric.launch()
        Fabric.seedEverything(42)

        let (images, labels) = ShapesDataModule.shapes(count: samples, seed: 1)
        let (testImages, testLabels) = ShapesDataModule.shapes(count: 1000, seed: 2)
        let train = try fabric.setupDataloader(DataLoader(TensorDataset(images, labels), batchSize: batchSize, shuffle: true, seed: 42))
        let test = try fabric.setupDataloader(DataLoader(TensorDataset(testImages, testLabels), batchSize: 500), shuffle: false)

        let net = Net()
        let (model, optimizer) = try fabric.setup(net, Adadelta(net.parameters(), lr: lr))
        let scheduler = StepLR(optimizer.optimizer, stepSize: 1, gamma: gamma)

        for epoch in 0..<epochs {
            net.train()
            let batches = train.stream(epoch: epoch, skip: 0)
            defer { batches.finish() }
            var index = 0
            while let (x, y) = try batches.next() {
                let loss = F.nllLoss(try model(x), y)
                try fabric.backward(loss)
                try optimizer.step()
                optimizer.zeroGrad()
                if index % 10 == 0 {
                    fabric.print(String(format: "epoch %d [%d/%d] loss %.4f", epoch, index, train.count, loss.item() as Double))
                }
                index += 1
            }
            scheduler.step()

            net.eval()
            var lossSum = Tensor(0.0), correct = Tensor(0.0), seen = Tensor(0.0)
            try withNoGrad {
                let batches = test.stream(epoch: 0, skip: 0)
                defer { batches.finish() }
                while let (x, y) = try batches.next() {
                    let output = try model(x)
                    lossSum = lossSum + F.nllLoss(output, y, reduction: .sum).to(dtype: .float64)
                    correct = correct + (output.argmax(dim: 1) .== y).sum().to(dtype: .float64)
                    seen = seen + Double(y.size(0))
                }
            }
            let (totalLoss, totalCorrect, total) = try (fabric.allReduce(lossSum, mean: false), fabric.allReduce(correct, mean: false),
                                                        fabric.allReduce(seen, mean: false))
            fabric.print(String(format: "test: average loss %.4f, accuracy %.4f", (totalLoss / total).item() as Double,
                                (totalCorrect / total).item() as Double))
        }
        if !save.isEmpty { try fabric.save(save, ["model": .module(net)]) }
    }
}
