// Trains a small MLP classifier on generated spirals with a plain loop over Torch:
// forward, cross-entropy, backward and an SGD update, printing loss and accuracy.
import Foundation
import Torch

manualSeed(0)
TorchSettings.numThreads = 1

/// Three interleaved spirals in the plane, one per class.
func spirals(pointsPerClass: Int, classes: Int, generator: Generator) -> (Tensor, Tensor) {
    var xs: [Float] = []
    var ys: [Int64] = []
    let noise = Tensor.randn([pointsPerClass * classes, 2], generator: generator).scalars(as: Float.self)
    for c in 0..<classes {
        for i in 0..<pointsPerClass {
            let r = Float(i) / Float(pointsPerClass)
            let angle = Float(c) * 4 + r * 4
            let k = c * pointsPerClass + i
            xs += [r * sin(angle) + 0.1 * noise[2 * k], r * cos(angle) + 0.1 * noise[2 * k + 1]]
            ys.append(Int64(c))
        }
    }
    return (Tensor(xs, shape: [pointsPerClass * classes, 2]), Tensor(ys))
}

let generator = Generator(seed: 42)
let (x, y) = spirals(pointsPerClass: 200, classes: 3, generator: generator)
let hidden = 64

/// Kaiming-uniform initialised weights, as nn.Linear does.
func parameter(_ shape: [Int], fanIn: Int) -> Tensor {
    let bound = 1 / Double(fanIn).squareRoot()
    return Tensor.empty(shape).uniform_(from: -bound, to: bound, generator: generator).requiresGrad_()
}

let params = [
    parameter([hidden, 2], fanIn: 2), parameter([hidden], fanIn: 2),
    parameter([hidden, hidden], fanIn: hidden), parameter([hidden], fanIn: hidden),
    parameter([3, hidden], fanIn: hidden), parameter([3], fanIn: hidden),
]

func forward(_ input: Tensor) -> Tensor {
    var h = F.linear(input, weight: params[0], bias: params[1]).relu()
    h = F.linear(h, weight: params[2], bias: params[3]).relu()
    return F.linear(h, weight: params[4], bias: params[5])
}

let learningRate = 0.5
let batchSize = 60
let epochs = 200
let count = x.size(0)
print("Training a 2-\(hidden)-\(hidden)-3 MLP on \(count) spiral points, \(epochs) epochs")
for epoch in 1...epochs {
    let order = Tensor.randperm(count, generator: generator)
    var total = 0.0
    for start in stride(from: 0, to: count, by: batchSize) {
        let index = order[start..<min(start + batchSize, count)]
        let loss = F.crossEntropy(forward(x[index]), y[index])
        loss.backward()
        withNoGrad {
            for p in params {
                p.sub_(p.grad!, alpha: learningRate)
                p.grad = nil
            }
        }
        total += loss.item() * Double(index.size(0))
    }
    if epoch % 20 == 0 || epoch == 1 {
        let accuracy = withNoGrad { (forward(x).argmax(dim: 1) .== y).float().mean().item() }
        print("epoch \(epoch): loss \(String(format: "%.4f", total / Double(count))) accuracy \(String(format: "%.3f", accuracy))")
    }
}
