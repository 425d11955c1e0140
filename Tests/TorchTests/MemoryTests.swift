import Foundation
import TestSupport
import Torch
import XCTest

/// The resident set size of this process, in bytes.
func residentMemory() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Tensors are freed deterministically: a long training loop does not grow.
final class MemoryTests: XCTestCase {
    func testHundredThousandTrainingStepsKeepMemoryFlat() {
        let g = Generator(seed: 0)
        let x = Tensor.randn([8, 16], generator: g)
        let y = Tensor.randint(0, 4, [8], generator: g)
        let params = [[32, 16], [32], [4, 32], [4]].map { Tensor.randn($0, generator: g).mul_(0.1).requiresGrad_() }
        func step() -> Tensor {
            let h = F.linear(x, weight: params[0], bias: params[1]).relu()
            let loss = F.crossEntropy(F.linear(h, weight: params[2], bias: params[3]), y)
            loss.backward()
            withNoGrad {
                for p in params {
                    p.sub_(p.grad!, alpha: 0.01)
                    p.grad = nil
                }
            }
            return loss
        }
        let first = step().item()
        for _ in 0..<10_000 { _ = step() }
        let warm = residentMemory()
        for _ in 0..<90_000 { _ = step() }
        let end = residentMemory()
        let last = step().item()
        XCTAssertLessThan(last, first, "the loop trains")
        XCTAssertGreaterThan(warm, 0)
        let growth = end - warm
        print("RSS after 10k steps \(warm / 1_048_576) MiB, after 100k \(end / 1_048_576) MiB")
        XCTAssertLessThan(growth, 8 * 1_048_576, "RSS grew by \(growth) bytes over 90,000 steps")
    }
}
