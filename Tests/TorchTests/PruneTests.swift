import Foundation
import TestSupport
import Torch
import XCTest

/// Pruning masks against `torch.nn.utils.prune` on the same weights, and how they sit in a module.
final class PruneTests: XCTestCase {
    func testMasksEqualPyTorchsForRepeatedGlobalAndCountedPruning() throws {
        let g = Generator(seed: 11)
        let (a, b) = (Linear(8, 6), Linear(6, 4))
        withNoGrad {
            a.weight.copy_(Tensor.randn([6, 8], generator: g))
            b.weight.copy_(Tensor.randn([4, 6], generator: g))
        }
        let dir = try temporaryDirectory()
        try Safetensors.save(["a": a.weight.detach(), "b": b.weight.detach()], to: dir + "/weights.safetensors")
        _ = try runOracle("prune.py", [dir + "/weights.safetensors", dir + "/pruned.safetensors"])
        let expected: [String: Tensor] = try Safetensors.loadFile(dir + "/pruned.safetensors")

        Prune.l1Unstructured(a, amount: 0.3)
        Prune.l1Unstructured(a, amount: 0.5)
        Prune.globalUnstructured([(a, "weight"), (b, "weight")], amount: 0.4)
        Prune.l1Unstructured(b, amount: 3)
        XCTAssertTrue(try XCTUnwrap(Prune.mask(of: a)).equal(expected["a_mask"]!))
        XCTAssertTrue(try XCTUnwrap(Prune.mask(of: b)).equal(expected["b_mask"]!))
        XCTAssertTrue(a.weight.equal(expected["a"]!), "the weight reads masked")
        XCTAssertTrue(b.weight.equal(expected["b"]!))
        XCTAssertEqual(a.stateDict().keys.sorted(), ["bias", "parametrizations.weight.0.mask", "parametrizations.weight.original"])
        XCTAssertTrue(Prune.isPruned(a))

        let masked = b.weight.detach().clone()
        Prune.remove(b)
        XCTAssertFalse(Prune.isPruned(b))
        XCTAssertEqual(b.stateDict().keys.sorted(), ["bias", "weight"])
        XCTAssertTrue(b.weight.equal(masked), "remove keeps the pruned values")
    }

    func testGradientsOfPrunedEntriesAreZero() {
        let layer = Prune.randomUnstructured(Linear(5, 3), amount: 0.6, generator: Generator(seed: 2))
        let mask = Prune.mask(of: layer)!
        XCTAssertEqual(mask.sum().item(as: Double.self), 6, "0.6 of 15 entries pruned, rounded")
        layer(Tensor.randn([4, 5])).sum().backward()
        let original = layer.getParameter("parametrizations.weight.original")!
        XCTAssertTrue((original.grad! * (1 - mask)).abs().sum().item(as: Double.self) == 0)
    }
}
