import Foundation
import TestSupport
import Torch
import XCTest

/// GradScaler and autocast against PyTorch (Tests/Oracle/amp.py).
final class AmpTests: XCTestCase {
    static let reference = oracleReference("amp.py")

    func testGradScalerSkipsAndBacksOffExactlyLikePyTorch() {
        let w = Tensor([1.0, -2.0, 0.5] as [Float]).requiresGrad_()
        let optimizer = SGD([w], lr: 0.1)
        let scaler = GradScaler(initScale: 1024, growthFactor: 2, backoffFactor: 0.5, growthInterval: 2)
        var scales: [Double] = [], trackers: [Int] = [], weights: [Tensor] = []
        for i in 0..<10 {
            var values: [Float] = [0.5 + Float(i), -1, 2 - Float(i)]
            if i == 3 || i == 7 { values[1] = .infinity }
            if i == 5 { values[0] = .nan }
            optimizer.zeroGrad()
            let loss = (w * Tensor(values)).sum()
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            scaler.step(optimizer)
            scaler.update()
            scales.append(scaler.scale)
            trackers.append(scaler.stateDict()["_growth_tracker"]!.intValue!)
            weights.append(w.detach().clone())
        }
        XCTAssertEqual(scales, Self.reference.tensors["scales"]!.scalars(as: Double.self))
        XCTAssertEqual(trackers, Self.reference.tensors["trackers"]!.scalars(as: Int64.self).map(Int.init))
        XCTAssertTrue(Tensor.stack(weights).equal(Self.reference.tensors["weights"]!), "weights after each step")
    }

    func testGradScalerStateRoundTrips() {
        let scaler = GradScaler(initScale: 256)
        let copy = GradScaler()
        copy.loadStateDict(scaler.stateDict())
        XCTAssertEqual(copy.scale, 256)
        XCTAssertFalse(GradScaler(enabled: false).scale(Tensor(2.0)).item() != 2)
    }

    func testAutocastOutputDTypesMatchPyTorch() {
        let x = Tensor.randn([4, 8]), w8 = Tensor.randn([6, 8]), img = Tensor.randn([2, 3, 8, 8]), kernel = Tensor.randn([4, 3, 3, 3])
        let target = Tensor.randn([4, 6]), labels = Tensor([0, 1, 2, 3] as [Int64])
        for (name, dtype) in [("bf16", DType.bfloat16), ("fp16", .float16)] {
            var got: [String: String] = [:]
            withAutocast(device: .cpu, dtype: dtype) {
                XCTAssertTrue(isAutocastEnabled())
                let out = F.linear(x, weight: w8)
                got["linear"] = "\(out.dtype)"
                got["matmul"] = "\(x.matmul(w8.t()).dtype)"
                got["conv2d"] = "\(F.conv2d(img, weight: kernel).dtype)"
                got["relu"] = "\(F.relu(out).dtype)"
                got["mse_loss"] = "\(F.mseLoss(out, target).dtype)"
                got["cross_entropy"] = "\(F.crossEntropy(out, labels).dtype)"
                got["layer_norm"] = "\(F.layerNorm(out, normalizedShape: [6]).dtype)"
                got["add_fp32"] = "\((x + x).dtype)"
                got["bmm"] = "\(x.unsqueeze(0).bmm(w8.t().unsqueeze(0)).dtype)"
            }
            XCTAssertFalse(isAutocastEnabled())
            for (op, dtype) in got { XCTAssertEqual(dtype, Self.reference.metadata["\(name).\(op)"], "\(name) \(op)") }
            XCTAssertEqual(got.count, 9)
        }
    }
}
