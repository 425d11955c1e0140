import Foundation
import TestSupport
import Torch
import XCTest

/// Parallel styles applied over a group of one process (the split over several is tested with
/// real processes in LightningTests.TensorParallelTests): layers keep their results through the
/// split code paths, and plans that cannot apply are refused with what was wrong.
final class TensorParallelStyleTests: XCTestCase {
    static let group: ProcessGroup = {
        let store = try! TCPStore(host: "127.0.0.1", port: 20_000 + Int(getpid() % 20_000) + 7, worldSize: 1, isServer: true, timeout: 30)
        return try! ProcessGroup(store: store, rank: 0, size: 1, hostname: "127.0.0.1", timeout: 30)
    }()

    func testSplitAttentionOverQueryKeyAndValueOfTheirOwnGivesTheLayersResultAndGradients() throws {
        manualSeed(3)
        let whole = MultiheadAttention(embedDim: 8, numHeads: 2, batchFirst: true)
        let split = MultiheadAttention(embedDim: 8, numHeads: 2, batchFirst: true)
        try split.loadStateDict(whole.stateDict())
        try parallelizeModule(split, group: Self.group, plan: ["": MultiheadAttentionParallel()])
        XCTAssertEqual(split.namedTensorShards().map(\.name), ["in_proj_bias", "in_proj_weight", "out_proj.weight"])
        let (q, k, v) = (Tensor.randn([2, 3, 8]).requiresGrad_(), Tensor.randn([2, 5, 8]), Tensor.randn([2, 5, 8]))
        let expected = whole.forward(q, k, v, needWeights: false).output
        let q2 = q.detach().clone().requiresGrad_()
        let actual = split.forward(q2, k, v, needWeights: false).output
        assertClose(actual, expected, rtol: 1e-6, atol: 1e-6, "output")
        expected.sum().backward()
        actual.sum().backward()
        assertClose(q2.grad!, q.grad!, rtol: 1e-6, atol: 1e-6, "the query's gradient")
        assertClose(split.inProjWeight.grad!, whole.inProjWeight.grad!, rtol: 1e-6, atol: 1e-6, "the in-projection's gradient")
    }

    func testPlansThatCannotApplyAreRefusedWithTheReason() throws {
        let model = Sequential { Linear(4, 4); ReLU(); Linear(4, 2) }
        XCTAssertThrowsError(try parallelizeModule(model, group: Self.group, plan: ["layers.9": ColwiseParallel()])) {
            XCTAssertTrue("\($0)".contains("no submodule matches \"layers.9\""), "\($0)")
        }
        XCTAssertThrowsError(try parallelizeModule(model, group: Self.group, plan: ["*": RowwiseParallel()])) {
            XCTAssertTrue("\($0)".contains("RowwiseParallel applies to Linear and Embedding, not ReLU"), "\($0)")
        }
        let linear = Linear(4, 4)
        try parallelizeModule(linear, group: Self.group, plan: ["": ColwiseParallel()])
        XCTAssertThrowsError(try parallelizeModule(linear, group: Self.group, plan: ["": RowwiseParallel()])) {
            XCTAssertTrue("\($0)".contains("is already split"), "\($0)")
        }
    }
}
