// Per-op cost of small tensor ops from Swift: `+` goes through a typed CTorch wrapper,
// `relu()` through the boxed dispatcher path. Prints "<op> <median ns/op>" per op.
import Foundation
import Torch

func medianNanoseconds(iterations: Int, repeats: Int, _ body: () -> Void) -> Double {
    var samples: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { body() }
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations))
    }
    return samples.sorted()[samples.count / 2]
}

let arguments = CommandLine.arguments
let iterations = arguments.count > 1 ? Int(arguments[1])! : 200_000
let repeats = arguments.count > 2 ? Int(arguments[2])! : 7
TorchSettings.numThreads = 1
let a = Tensor.ones([4]), b = Tensor.ones([4])
print(String(format: "add %.1f", medianNanoseconds(iterations: iterations, repeats: repeats) { _ = a + b }))
print(String(format: "relu %.1f", medianNanoseconds(iterations: iterations, repeats: repeats) { _ = a.relu() }))
