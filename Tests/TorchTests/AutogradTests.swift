import TestSupport
import Torch
import XCTest

/// Backward, torch.autograd.grad and the grad modes.
final class AutogradTests: XCTestCase {
    func testBackwardAccumulatesIntoLeaves() {
        let x = Tensor([1, 2, 3] as [Double]).requiresGrad_()
        let y = (x * x).sum()
        XCTAssertEqual(y.gradFnName, "SumBackward0")
        XCTAssertTrue(x.isLeaf)
        XCTAssertFalse(y.isLeaf)
        y.backward(retainGraph: true)
        XCTAssertEqual(x.grad!.scalars(as: Double.self), [2, 4, 6])
        y.backward()
        XCTAssertEqual(x.grad!.scalars(as: Double.self), [4, 8, 12])
        x.grad = nil
        XCTAssertNil(x.grad)
    }

    func testBackwardWithGradientAndRetainGrad() {
        let x = Tensor([1, 2] as [Double]).requiresGrad_()
        let h = x * 3
        h.retainGrad()
        let y = h * h
        y.backward(gradient: Tensor([1, 10] as [Double]))
        XCTAssertEqual(h.grad!.scalars(as: Double.self), [6, 120])
        XCTAssertEqual(x.grad!.scalars(as: Double.self), [18, 360])
    }

    func testGradWithCreateGraphGivesSecondDerivatives() {
        let x = Tensor([0.5, -2] as [Double]).requiresGrad_()
        let y = x.pow(3).sum()
        let dx = Autograd.grad(outputs: [y], inputs: [x], createGraph: true)[0]!
        XCTAssertEqual(dx.scalars(as: Double.self), [0.75, 12])
        let d2x = Autograd.grad(outputs: [dx.sum()], inputs: [x])[0]!
        XCTAssertEqual(d2x.scalars(as: Double.self), [3, -12])
        XCTAssertNil(x.grad, "autograd.grad leaves .grad alone")
    }

    func testAllowUnusedGivesNil() {
        let x = Tensor.ones([2]).requiresGrad_()
        let unused = Tensor.ones([2]).requiresGrad_()
        let grads = Autograd.grad(outputs: [(x * 2).sum()], inputs: [x, unused], allowUnused: true)
        XCTAssertEqual(grads[0]!.scalars(as: Float.self), [2, 2])
        XCTAssertNil(grads[1])
    }

    func testNoGradAndEnableGrad() {
        let x = Tensor.ones([2]).requiresGrad_()
        XCTAssertTrue(isGradEnabled)
        let y = withNoGrad { () -> Tensor in
            XCTAssertFalse(isGradEnabled)
            let inner = withEnableGrad { x * 2 }
            XCTAssertTrue(inner.requiresGrad)
            return x * 2
        }
        XCTAssertTrue(isGradEnabled)
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFnName)
    }

    func testInferenceMode() {
        let x = Tensor.ones([2]).requiresGrad_()
        let y = withInferenceMode { () -> Tensor in
            XCTAssertTrue(isInferenceModeEnabled)
            return x * 2
        }
        XCTAssertFalse(isInferenceModeEnabled)
        XCTAssertFalse(y.requiresGrad)
        XCTAssertEqual(y.scalars(as: Float.self), [2, 2])
    }

    func testAnomalyDetectionNamesTheForwardOp() {
        XCTAssertFalse(Autograd.isAnomalyEnabled)
        XCTAssertThrowsError(try withTorchErrors {
            Autograd.detectAnomaly {
                XCTAssertTrue(Autograd.isAnomalyEnabled)
                let x = Tensor([0.0, 1.0]).requiresGrad_()
                (x.sqrt() * 0).sum().backward()
            }
        }) { error in
            XCTAssertTrue("\(error)".contains("'SqrtBackward0' returned nan values"), "\(error)")
        }
        XCTAssertFalse(Autograd.isAnomalyEnabled)
    }

    func testDetachCutsTheGraph() {
        let x = Tensor.ones([2]).requiresGrad_()
        let y = (x * 2).detach()
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(y.isLeaf)
    }
}
