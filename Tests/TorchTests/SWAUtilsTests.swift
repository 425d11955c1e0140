import TestSupport
import Torch
import XCTest

/// `AveragedModel` and `updateBN` against `torch.optim.swa_utils` on the same weights.
final class SWAUtilsTests: XCTestCase {
    func net() -> Sequential { Sequential { Linear(3, 4); BatchNorm1d(4); Linear(4, 2) } }

    func testAveragesAndBatchNormStatisticsMatchPyTorch() throws {
        let reference = oracleReference("swa.py").tensors
        let model = net()
        let averages: [(String, AveragedModel<Sequential>)] = [
            ("swa", AveragedModel(net())), ("ema", AveragedModel(net(), averaging: .ema(decay: 0.9))),
            ("swa_buffers", AveragedModel(net(), useBuffers: true)),
        ]
        for step in 0..<3 {
            let weights = StateDict(reference.filter { $0.key.hasPrefix("step\(step).") }
                .map { (String($0.key.dropFirst("step\(step).".count)), $0.value) })
            try model.loadStateDict(weights)
            for (name, average) in averages {
                average.updateParameters(model)
                let state = average.stateDict()
                let expected = reference.filter { $0.key.hasPrefix("\(name)\(step).") }
                XCTAssertEqual(Set(state.keys), Set(expected.keys.map { String($0.dropFirst("\(name)\(step).".count)) }), name)
                for (key, value) in expected {
                    let mine = try XCTUnwrap(state[String(key.dropFirst("\(name)\(step).".count))])
                    XCTAssertTrue(mine.equal(value), "\(key): \(mine) vs \(value)")
                }
            }
        }
        let inputs = (0..<4).map { reference["input\($0)"]! }
        let swa = averages[0].1
        updateBN(inputs, swa)
        for (key, value) in reference where key.hasPrefix("bn.") {
            let mine = try XCTUnwrap(swa.stateDict()[String(key.dropFirst(3))])
            assertClose(mine.to(dtype: .float64), value.to(dtype: .float64), rtol: 1e-5, atol: 1e-6, key)
        }
        XCTAssertTrue(swa.isTraining, "the training mode is put back")
        XCTAssertEqual((swa.module.layers[1] as? BatchNorm)?.momentum, 0.1, "the momentum is put back")
    }
}
