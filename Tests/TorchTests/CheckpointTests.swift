import TestSupport
import Torch
import XCTest

/// Activation checkpointing: the same gradients as the plain forward, from a recomputation.
final class CheckpointTests: XCTestCase {
    func block() -> Sequential {
        manualSeed(3)
        return Sequential {
            Linear(6, 32)
            Tanh()
            Linear(32, 6)
        }
    }

    func testGradientsEqualThePlainForwardBitwise() throws {
        for inputNeedsGrad in [true, false] {
            let plain = block(), checkpointed = block()
            let x = Tensor.randn([5, 6], generator: Generator(seed: 4))
            let xa = x.clone().requiresGrad_(inputNeedsGrad), xb = x.clone().requiresGrad_(inputNeedsGrad)
            var calls = 0
            let head = Linear(6, 1)
            head.requiresGrad(false)
            (head(plain(xa)).tanh().sum()).backward()
            let y = checkpoint(xb) { calls += 1; return checkpointed($0) }
            XCTAssertEqual(calls, 1, "forward ran once")
            XCTAssertTrue(y.requiresGrad)
            (head(y).tanh().sum()).backward()
            XCTAssertEqual(calls, 2, "backward ran the block again")
            for (a, b) in zip(plain.parameters(), checkpointed.parameters()) {
                XCTAssertTrue(try XCTUnwrap(a.grad).equal(try XCTUnwrap(b.grad)), "parameter gradients (input grad \(inputNeedsGrad))")
            }
            if inputNeedsGrad {
                XCTAssertTrue(try XCTUnwrap(xa.grad).equal(try XCTUnwrap(xb.grad)), "input gradient")
            } else {
                XCTAssertNil(xb.grad)
            }
        }
    }

    func testWithoutGradientsItIsThePlainForward() {
        let net = block()
        let x = Tensor.randn([2, 6])
        let y = withNoGrad { checkpoint(x) { net($0) } }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue(y.equal(withNoGrad { net(x) }))
    }

    func testTheFunctionIsReleasedWithTheGraph() {
        final class Marker {}
        weak var afterBackward: Marker?, afterDrop: Marker?
        let net = block()
        do {
            let marker = Marker()
            afterBackward = marker
            checkpoint(Tensor.randn([2, 6]).requiresGrad_()) { _ = marker; return net($0) }.sum().backward()
        }
        do {
            let marker = Marker()
            afterDrop = marker
            _ = checkpoint(Tensor.randn([2, 6]).requiresGrad_()) { _ = marker; return net($0) }
        }
        XCTAssertNil(afterBackward, "released after backward")
        XCTAssertNil(afterDrop, "released with an unused graph")
    }

    func testAFailureInTheRecomputationIsAnError() {
        let net = block()
        var calls = 0
        XCTAssertThrowsError(try withTorchErrors {
            let y = checkpoint(Tensor.randn([2, 6]).requiresGrad_()) { x in
                calls += 1
                return calls == 1 ? net(x) : net(x[TensorIndex.all, 0..<3])
            }
            y.sum().backward()
        }) { XCTAssertTrue("\($0)".contains("mat1 and mat2 shapes cannot be multiplied"), "\($0)") }
    }
}
