import TestSupport
import Torch
import XCTest

/// The README's tensor example compiles and does what it says.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() {
        manualSeed(0)
        let x = Tensor.randn([64, 10])
        let w = (Tensor.randn([3, 10]) * 0.1).requiresGrad_()
        let y = Tensor.randint(0, 3, [64])
        let loss = F.crossEntropy(F.linear(x, weight: w), y)
        loss.backward()
        print(loss)
        XCTAssertTrue(loss.description.hasPrefix("tensor("))
        XCTAssertTrue(loss.description.hasSuffix(", grad_fn=<NllLossBackward0>)"))
        XCTAssertEqual(w.grad!.shape, [3, 10])
        let before = loss.item()
        withNoGrad { w.sub_(w.grad!, alpha: 0.1) }
        XCTAssertLessThan(F.crossEntropy(F.linear(x, weight: w), y).item(), before)
    }
}
