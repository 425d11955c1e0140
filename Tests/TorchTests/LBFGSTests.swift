import TestSupport
import Torch
import XCTest

/// `LBFGS` against `torch.optim.LBFGS` on the same loss, plain and with the strong-Wolfe line search.
final class LBFGSTests: XCTestCase {
    func testStepsMatchTorchOptim() throws {
        let reference = oracleReference("lbfgs.py").tensors
        let (a, target) = (reference["A"]!, reference["target"]!)
        let configs: [(String, ([Tensor]) -> LBFGS)] = [
            ("plain", { LBFGS($0, lr: 0.5, maxIter: 6) }),
            ("wolfe", { LBFGS($0, lr: 1, maxIter: 8, historySize: 3, lineSearchFn: .strongWolfe) }),
        ]
        for (name, make) in configs {
            let w = reference["w0"]!.clone().requiresGrad_(), b = reference["b0"]!.clone().requiresGrad_()
            let optimizer = make([w, b])
            func closure() -> Tensor {
                optimizer.zeroGrad()
                // The oracle's own operators (`**` is aten::pow), so the losses agree to the bit.
                let residual = a.matmul(w) + b.sum() - target
                let loss = ATen.pow(residual, exponent: 2).mean() + ATen.pow(w, exponent: 4).sum() * 0.01
                loss.backward()
                return loss
            }
            for step in 0..<4 {
                let loss = optimizer.step(closure: closure)
                assertClose(loss.reshape([1]), reference["\(name)/loss\(step)"]!, rtol: 1e-5, atol: 1e-6, "\(name) loss \(step)")
                assertClose(w.detach(), reference["\(name)/w\(step)"]!, rtol: 1e-5, atol: 1e-6, "\(name) w \(step)")
                assertClose(b.detach(), reference["\(name)/b\(step)"]!, rtol: 1e-5, atol: 1e-6, "\(name) b \(step)")
            }
            let state = try XCTUnwrap(optimizer.stateDict()["state"]?[0])
            XCTAssertEqual(state["func_evals"]?.intValue, reference["\(name)/func_evals"]!.item(as: Int.self), name)
            XCTAssertEqual(state["n_iter"]?.intValue, reference["\(name)/n_iter"]!.item(as: Int.self), name)
        }
        let x = Tensor.ones([2]).requiresGrad_()
        let lbfgs = LBFGS([x])
        (x * 2).sum().backward()
        XCTAssertThrowsError(try withTorchErrors { lbfgs.step() }) {
            XCTAssertTrue("\($0)".contains("call step(closure:)"), "\($0)")
        }
    }
}
