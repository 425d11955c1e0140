import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Tensor parallelism on real processes (Gloo on CPU): a column- then row-parallel MLP split over
/// two ranks, after a replicated layer, trains as the whole network in one process.
final class TensorParallelTests: XCTestCase {
    func testAColumnThenRowParallelMLPOnTwoRanksTrainsAsTheWholeOne() throws {
        let run = try DistributedTests.run(["devices": "2", "tp-mlp": "1"])
        XCTAssertEqual(run.result?.status, 0, run.result?.stderr ?? "")
        // The same layers, data and steps in this process.
        _ = seedEverything(11)
        let (pre, fc1, fc2) = (Linear(8, 8), Linear(8, 16), Linear(16, 4))
        let (x, y) = (Tensor.randn([5, 8]), Tensor.randint(0, 4, [5]))
        let optimizer = SGD(pre.parameters() + fc1.parameters() + fc2.parameters(), lr: 0.1)
        var losses: [Double] = [], first: Tensor?
        for _ in 0..<3 {
            let out = fc2(fc1(pre(x)).tanh())
            if first == nil { first = out.detach() }
            let loss = F.crossEntropy(out, y)
            losses.append(loss.item())
            loss.backward()
            optimizer.step()
            optimizer.zeroGrad()
        }
        for rank in 0..<2 {
            let shards: [String: Tensor] = try Safetensors.loadFile("\(run.dir)/tp-rank\(rank).safetensors")
            let report = try run.report(rank: rank)
            assertClose(shards["first_output"]!, first!, rtol: 1e-5, atol: 1e-6, "rank \(rank): the whole output on every rank")
            let rankLosses = try XCTUnwrap(report["losses"] as? [Double])
            for (a, b) in zip(rankLosses, losses) { XCTAssertEqual(a, b, accuracy: 1e-5, "rank \(rank) loss") }
            // The replicated layer before the split learns from the gradient summed over the ranks.
            assertClose(shards["pre.weight"]!, pre.weight, rtol: 1e-5, atol: 1e-6, "rank \(rank): the replicated layer")
            let rows = rank * 8..<(rank + 1) * 8
            assertClose(shards["column.weight"]!, fc1.weight[rows], rtol: 1e-5, atol: 1e-6, "rank \(rank): its rows of the first weight")
            assertClose(shards["column.bias"]!, fc1.bias![rows], rtol: 1e-5, atol: 1e-6, "rank \(rank): its slice of the first bias")
            assertClose(shards["row.weight"]!, fc2.weight[TensorIndex.all, rows], rtol: 1e-5, atol: 1e-6, "rank \(rank): its columns of the second weight")
            assertClose(shards["row.bias"]!, fc2.bias!, rtol: 1e-5, atol: 1e-6, "rank \(rank): the replicated bias")
            // Each rank holds half of each weight (the second layer's bias is replicated).
            XCTAssertEqual(report["parameter_bytes"] as? Int, 4 * (8 * 8 + 8 + 4 * 8 + 4))
        }
    }
}
