import TestSupport
import Torch
import XCTest

/// Autograd's gradients against central finite differences in float64 (torch.autograd.gradcheck's idea).
final class GradientCheckTests: XCTestCase {
    /// Compares d(sum(f(inputs) * w))/d(inputs) from autograd with finite differences.
    private func gradcheck(_ name: String, _ inputs: [Tensor], eps: Double = 1e-6, atol: Double = 1e-7,
                           rtol: Double = 1e-5, _ f: ([Tensor]) -> Tensor) {
        let generator = Generator(seed: 77)
        let leaves = inputs.map { $0.detach().clone().requiresGrad_() }
        let out = f(leaves)
        let weight = Tensor.randn(out.shape, dtype: .float64, generator: generator)
        let analytic = Autograd.grad(outputs: [(out * weight).sum()], inputs: leaves)
        withNoGrad {
            let probes = inputs.map { $0.clone() }
            for (i, probe) in probes.enumerated() {
                let flat = probe.view([-1])
                var numeric = [Double](repeating: 0, count: flat.numel)
                for k in 0..<flat.numel {
                    let original = flat[k].item()
                    flat[k] = Tensor(original + eps)
                    let plus = (f(probes) * weight).sum().item()
                    flat[k] = Tensor(original - eps)
                    let minus = (f(probes) * weight).sum().item()
                    flat[k] = Tensor(original)
                    numeric[k] = (plus - minus) / (2 * eps)
                }
                let expected = Tensor(numeric, shape: probe.shape)
                let ok = analytic[i]!.allclose(expected, rtol: rtol, atol: atol)
                XCTAssertTrue(ok, "\(name): input \(i) analytic \(analytic[i]!) numeric \(expected)")
            }
        }
    }

    private func randn(_ shape: Int..., seed: UInt64) -> Tensor {
        Tensor.randn(shape, dtype: .float64, generator: Generator(seed: seed))
    }

    func testElementwiseAndReductions() {
        gradcheck("tanh", [randn(3, 4, seed: 1)]) { $0[0].tanh() }
        gradcheck("div", [randn(3, 4, seed: 2), randn(4, seed: 3).abs() + 0.5]) { $0[0] / $0[1] }
        gradcheck("softmax", [randn(3, 4, seed: 4)]) { $0[0].softmax(dim: 1) }
        gradcheck("norm", [randn(3, 4, seed: 5)]) { $0[0].norm(dim: [1]) }
        gradcheck("gelu", [randn(5, seed: 6)]) { F.gelu($0[0]) }
    }

    func testLinearAlgebraAndLayers() {
        gradcheck("matmul", [randn(2, 3, seed: 7), randn(3, 4, seed: 8)]) { $0[0].matmul($0[1]) }
        gradcheck("conv2d", [randn(1, 2, 5, 5, seed: 9), randn(3, 2, 3, 3, seed: 10)]) {
            F.conv2d($0[0], weight: $0[1], padding: [1, 1])
        }
        gradcheck("layer_norm", [randn(2, 5, seed: 11), randn(5, seed: 12)]) {
            F.layerNorm($0[0], normalizedShape: [5], weight: $0[1])
        }
        gradcheck("sdpa", [randn(1, 3, 4, seed: 13), randn(1, 3, 4, seed: 14), randn(1, 3, 4, seed: 15)]) {
            F.scaledDotProductAttention($0[0], $0[1], $0[2])
        }
    }

    func testIndexingAndLosses() {
        let index = Tensor([0, 2, 1, 2] as [Int64], shape: [2, 2])
        gradcheck("gather", [randn(2, 3, seed: 16)]) { $0[0].gather(dim: 1, index: index) }
        let target = Tensor([1, 0, 3] as [Int64])
        gradcheck("cross_entropy", [randn(3, 4, seed: 17)]) { F.crossEntropy($0[0], target) }
        gradcheck("subscript", [randn(4, 5, seed: 18)]) { $0[0][1..<3, TensorIndex.range(nil, nil, step: 2)] }
    }
}
