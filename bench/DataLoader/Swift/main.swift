// Data loading throughput: batches per second a DataLoader delivers from an MNIST-sized
// TensorDataset, with 0 and 2 worker threads, beside the training steps per second of a small
// MLP on the same batches (the loader must keep up with it). Prints "<name> <per second>".
import Foundation
import Lightning
import Torch

func rate(_ count: Int, _ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

TorchSettings.numThreads = 1
let n = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 20_000
let data = TensorDataset(Tensor.rand([n, 784]), Tensor.randint(0, 10, [n]))
for workers in [0, 2] {
    let loader = DataLoader(data, batchSize: 64, shuffle: true, numWorkers: workers, seed: 1)
    let r = try rate(loader.count) {
        let it = loader.epoch(0)
        while try it.next() != nil {}
    }
    print(String(format: "loader_workers_%d %.1f", workers, r))
}
let model = Sequential { Linear(784, 128); ReLU(); Linear(128, 10) }
let optimizer = SGD(model.parameters(), lr: 0.01)
let batches = Array(DataLoader(data, batchSize: 64, shuffle: true, seed: 1).prefix(200))
let steps = rate(batches.count) {
    for (x, y) in batches {
        F.crossEntropy(model(x), y).backward()
        optimizer.step()
        optimizer.zeroGrad()
    }
}
print(String(format: "mlp_steps %.1f", steps))
