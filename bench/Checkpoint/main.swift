// Saves and loads a checkpoint of about 1 GB (16 float32 tensors of 64 MB) with TorchFile,
// `repeats` times: prints "save <ms>" and "load <ms>" per round (docs/benchmarks.md).
import Foundation
import Torch

let repeats = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 3
let path = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : NSTemporaryDirectory() + "bench-checkpoint.pt"
let state = StateDict((0..<16).map { ("layer\($0).weight", Tensor.randn([4096, 4096])) })

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

for _ in 0..<repeats {
    print("save", try milliseconds { try TorchFile.save(state, to: path) })
    print("load", try milliseconds { _ = try TorchFile.loadStateDict(path) })
}
try? FileManager.default.removeItem(atPath: path)
