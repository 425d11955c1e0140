import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Tensor parallelism on real processes (Gloo on CPU): layers split over two ranks with gathered
/// and sliced borders (on Fabric) train as the whole layers in one process; the example
/// CharGPT under `.modelParallel` (tensor parallel alone, and a 2 x 2 mesh with data parallelism)
/// (with sequence parallelism too) trains, checkpoints and resumes as one process does.
final class TensorParallelTests: XCTestCase {
    /// The CharGPT runs, in float64 so that equal can be asserted tightly: in float32, AdamW's
    /// normalised first steps turn the rounding noise of gradients that are zero in exact
    /// arithmetic (the key-projection bias) into differences up to 6e-4 between layouts.
    static func gpt(_ options: [String: String]) throws -> DistributedTests.Run {
        try DistributedTests.shared(["tp-gpt": "1", "batch": "8", "clip": "0.5", "precision": "64-true", "max-steps": "4"]
            .merging(options) { $1 })
    }

    static let tensorParallel = ["devices": "2", "tp": "2"]
    static let mesh = ["devices": "4", "dp": "2", "tp": "2"]

    func assertSucceeded(_ run: DistributedTests.Run, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.result?.status, 0, run.result?.stderr ?? "", file: file, line: line)
    }

    /// The `state_dict` of a run's `final.ckpt`.
    func finalWeights(_ run: DistributedTests.Run) throws -> StateDict {
        try XCTUnwrap(TorchFile.load("\(run.dir)/final.ckpt")["state_dict"]?.stateDictValue)
    }

    func assertSameWeights(_ a: StateDict, _ b: StateDict, atol: Double, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted(), label, file: file, line: line)
        for (name, t) in b {
            guard let other = a[name] else { continue }
            XCTAssertEqual(other.shape, t.shape, "\(label): \(name)", file: file, line: line)
            if other.shape == t.shape { assertClose(other, t, rtol: 0, atol: atol, "\(label): \(name)", file: file, line: line) }
        }
    }

    func testModelParallelTrainsTheExampleTransformerAsOneProcess() throws {
        let single = try Self.gpt(["devices": "1"])
        assertSucceeded(single)
        let whole = try finalWeights(single)
        // Clipping is active: without it the weights end elsewhere.
        let unclipped = try Self.gpt(["devices": "1", "clip": "0"])
        assertSucceeded(unclipped)
        XCTAssertGreaterThan((try finalWeights(unclipped)["head.weight"]! - whole["head.weight"]!).abs().max().item(), 1e-4)
        let singleLogits: [String: Tensor] = try Safetensors.loadFile("\(single.dir)/logits-rank0.safetensors")
        let singleReport = try single.report()
        let sequenceParallel = Self.tensorParallel.merging(["sequence-parallel": "1"]) { $1 }
        for (label, options, ranks) in [("tensor parallel on 2", Self.tensorParallel, 2), ("2 x 2 mesh", Self.mesh, 4),
                                        ("sequence parallel on 2", sequenceParallel, 2)] {
            let run = try Self.gpt(options)
            assertSucceeded(run)
            // The consolidated checkpoint holds the whole model, as one process trained it, with clipping
            // by the whole model's gradient norm.
            assertSameWeights(try finalWeights(run), whole, atol: 1e-10, label)
            for rank in 0..<ranks {
                let logits: [String: Tensor] = try Safetensors.loadFile("\(run.dir)/logits-rank\(rank).safetensors")
                assertClose(logits["logits"]!, singleLogits["logits"]!, rtol: 0, atol: 1e-10, "\(label), rank \(rank): the whole logits")
                let report = try run.report(rank: rank)
                XCTAssertEqual(report["global_step"] as? Int, 4)
                XCTAssertEqual(report["data_parallel_rank"] as? Int, rank / 2, "\(label): ranks of one tensor-parallel pair read the same data")
                // The split layers' parameters and AdamW state take half the memory on each rank.
                for key in ["parameter_bytes", "optimizer_state_bytes"] {
                    XCTAssertEqual((report[key] as? Int).map { $0 * 2 }, singleReport[key] as? Int, "\(label), rank \(rank): \(key)")
                }
            }
        }
    }

    /// FSDP across the data-parallel dimension, clipping by the whole model's norm.
    func testAFullyShardedDataDimensionTrainsAsOneProcessWithAQuarterPerRank() throws {
        let whole = try finalWeights(try Self.gpt(["devices": "1"]))
        let replicated = try Self.gpt(Self.mesh)
        let sharded = try Self.gpt(Self.mesh.merging(["fully-shard": "1"]) { $1 })
        assertSucceeded(replicated)
        assertSucceeded(sharded)
        assertSameWeights(try finalWeights(sharded), whole, atol: 1e-10, "2 x 2 mesh, fully sharded across")
        for rank in 0..<4 {
            // Each rank steps half of its tensor-parallel parts (up to the units' padding), and holds their state.
            let (fs, rep) = (try sharded.report(rank: rank), try replicated.report(rank: rank))
            for key in ["stepped_bytes", "all_state_bytes"] {
                let (part, all) = (try XCTUnwrap(fs[key] as? Int), try XCTUnwrap(rep[key] as? Int))
                XCTAssertEqual(Double(2 * part), Double(all), accuracy: Double(all) * 0.002, "rank \(rank): \(key)")
            }
        }
        // Resumed from a distributed checkpoint on the same mesh, it ends where it would have.
        let first = try Self.gpt(Self.mesh.merging(["fully-shard": "1", "max-steps": "2", "distributed-checkpoint": "1"]) { $1 })
        assertSucceeded(first)
        let resumed = try Self.gpt(Self.mesh.merging(["fully-shard": "1", "resume": "\(first.dir)/final.ckpt"]) { $1 })
        assertSucceeded(resumed)
        assertSameWeights(try finalWeights(resumed), whole, atol: 1e-10, "fully sharded across, resumed at step 2")
    }

    func testModelParallelResumesFromConsolidatedAndDistributedCheckpoints() throws {
        let whole = try finalWeights(try Self.gpt(["devices": "1"]))
        for (label, options, distributed) in [("tensor parallel on 2", Self.tensorParallel, false), ("2 x 2 mesh", Self.mesh, true)] {
            let first = try Self.gpt(options.merging(["max-steps": "2"].merging(distributed ? ["distributed-checkpoint": "1"] : [:]) { $1 }) { $1 })
            assertSucceeded(first)
            let index = try TorchFile.load("\(first.dir)/final.ckpt")
            if distributed {
                // Each rank's own parts beside an index naming the mesh, no weights in the index.
                XCTAssertNil(index["state_dict"], label)
                XCTAssertEqual(index["model_parallel_shards"]?["tensor_parallel_size"]?.intValue, 2, label)
                for rank in 0..<4 { XCTAssertTrue(FileManager.default.fileExists(atPath: "\(first.dir)/final.ckpt.shard-rank\(rank)"), label) }
            } else {
                XCTAssertEqual(index["state_dict"]?.stateDictValue?["head.weight"]?.shape, [256, 32], "\(label): whole weights")
            }
            let resumed = try Self.gpt(options.merging(["resume": "\(first.dir)/final.ckpt"]) { $1 })
            assertSucceeded(resumed)
            XCTAssertEqual(try resumed.report()["global_step"] as? Int, 4, label)
            assertSameWeights(try finalWeights(resumed), whole, atol: 1e-10, "\(label), resumed at step 2")
        }
        // A distributed checkpoint resumes only on its mesh.
        let distributed = try Self.gpt(Self.mesh.merging(["max-steps": "2", "distributed-checkpoint": "1"]) { $1 })
        let elsewhere = try Self.gpt(Self.tensorParallel.merging(["resume": "\(distributed.dir)/final.ckpt"]) { $1 })
        XCTAssertNotEqual(elsewhere.result?.status, 0)
        XCTAssertTrue(elsewhere.result?.stderr.contains("modelParallel(dataParallelSize: 2, tensorParallelSize: 2)") == true,
                      elsewhere.result?.stderr ?? "")
    }

    func testAConsolidatedCheckpointLoadsIntoPyTorchsModel() throws {
        let run = try Self.gpt(Self.mesh)
        assertSucceeded(run)
        let out = run.dir + "/pytorch-logits.safetensors"
        _ = try runOracle("chargpt.py", ["\(run.dir)/final.ckpt", "\(run.dir)/logits-rank0.safetensors", out])
        let swift: [String: Tensor] = try Safetensors.loadFile("\(run.dir)/logits-rank0.safetensors")
        let python: [String: Tensor] = try Safetensors.loadFile(out)
        assertClose(swift["logits"]!, python["logits"]!, rtol: 0, atol: 1e-10, "PyTorch's CharGPT with the consolidated weights")
    }

    func testBF16MixedTensorParallelTrainsNearOneProcess() throws {
        let options = ["precision": "bf16-mixed"]
        let single = try Self.gpt(options.merging(["devices": "1"]) { $1 })
        let run = try Self.gpt(options.merging(Self.mesh) { $1 })
        assertSucceeded(single)
        assertSucceeded(run)
        let (a, b) = (try finalWeights(run), try finalWeights(single))
        let names = b.keys.sorted()
        let flatA = Tensor.cat(names.map { a[$0]!.reshape([-1]).to(dtype: .float64) })
        let flatB = Tensor.cat(names.map { b[$0]!.reshape([-1]).to(dtype: .float64) })
        // bfloat16 rounding differs with the layout; the model as a whole stays within 3%.
        XCTAssertLessThan(((flatA - flatB).norm() / flatB.norm()).item(), 0.03)
        XCTAssertTrue(flatA.isfinite().all().item(as: Bool.self))
    }

    func testSplitLayersWithGatheredAndSlicedBordersOnTwoRanksTrainAsTheWholeOnes() throws {
        let run = try DistributedTests.run(["devices": "2", "tp-mlp": "1"])
        XCTAssertEqual(run.result?.status, 0, run.result?.stderr ?? "")
        // The same layers, data and steps in this process.
        _ = seedEverything(11)
        let (embedding, pre, column, row) = (Embedding(10, 8), Linear(8, 8), Linear(8, 16), Linear(16, 4))
        let (ids, y) = (Tensor.randint(0, 10, [5]), Tensor.randint(0, 4, [5]))
        let optimizer = SGD(embedding.parameters() + pre.parameters() + column.parameters() + row.parameters(), lr: 0.1)
        var losses: [Double] = [], first: Tensor?
        for _ in 0..<3 {
            let out = row(column(pre(embedding(ids)).tanh()).tanh())
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
            // The replicated layer between split ones learns from the gradient summed over the ranks.
            assertClose(shards["pre.weight"]!, pre.weight, rtol: 1e-5, atol: 1e-6, "rank \(rank): the replicated layer")
            let (half, quarter) = (rank * 8..<(rank + 1) * 8, rank * 4..<(rank + 1) * 4)
            assertClose(shards["embedding.weight"]!, embedding.weight[TensorIndex.all, quarter], rtol: 1e-5, atol: 1e-6,
                        "rank \(rank): its columns of the embedding table")
            assertClose(shards["column.weight"]!, column.weight[half], rtol: 1e-5, atol: 1e-6, "rank \(rank): its rows of the first weight")
            assertClose(shards["column.bias"]!, column.bias![half], rtol: 1e-5, atol: 1e-6, "rank \(rank): its slice of the first bias")
            assertClose(shards["row.weight"]!, row.weight[TensorIndex.all, half], rtol: 1e-5, atol: 1e-6, "rank \(rank): its columns of the second weight")
            assertClose(shards["row.bias"]!, row.bias!, rtol: 1e-5, atol: 1e-6, "rank \(rank): the replicated bias")
            // Each rank holds half of each split parameter.
            XCTAssertEqual(report["parameter_bytes"] as? Int, 4 * (10 * 8 + 16 * 8 + 16 + 4 * 16) / 2)
        }
    }

    func testModelParallelRefusesWhatItCannotDo() throws {
        XCTAssertThrowsError(try Trainer(devices: 4, strategy: .modelParallel(dataParallelSize: 3, tensorParallelSize: 2), enableCheckpointing: false)) {
            XCTAssertTrue("\($0)".contains("needs 3 x 2 processes, but the job has 4"), "\($0)")
        }
        XCTAssertThrowsError(try Trainer(devices: 2, strategy: .modelParallel(tensorParallelSize: 0), enableCheckpointing: false)) {
            XCTAssertTrue("\($0)".contains(".modelParallel(tensorParallelSize:) must be positive"), "\($0)")
        }
        // A module that does not split itself is told where to.
        final class Plain: LightningModule<(Tensor, Tensor)> {
            let layer = Linear(4, 3)
            override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? { F.crossEntropy(layer(batch.0), batch.1) }
            override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
        }
        let trainer = try Trainer(devices: 1, strategy: .modelParallel(timeout: 30), maxSteps: 1, enableCheckpointing: false,
                                  enableProgressBar: false, enableModelSummary: false, defaultRootDir: try temporaryDirectory(), logger: [])
        XCTAssertThrowsError(try trainer.fit(Plain(), train: DataLoader(TensorDataset(Tensor.randn([4, 4]), Tensor.randint(0, 3, [4])), batchSize: 2))) {
            XCTAssertTrue("\($0)".contains("Plain does not override parallelize(_:)"), "\($0)")
        }
    }
}
