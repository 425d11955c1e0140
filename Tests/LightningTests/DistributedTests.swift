import Foundation
import Lightning
import Metrics
import TestSupport
import Torch
import XCTest

/// DDP with real processes on 127.0.0.1 (and across two network namespaces), Gloo on CPU:
/// each run is the DistributedWorker program, which trains a small classifier on 64 samples
/// and writes every rank's weights, the sample ids it saw and its metrics.
final class DistributedTests: XCTestCase {
    /// What one run of the worker left behind.
    struct Run {
        let dir: String
        let result: ProcessResult?

        func weights(rank: Int = 0) throws -> [String: Tensor] {
            try Safetensors.loadFile("\(dir)/weights-rank\(rank).safetensors")
        }

        /// An integer field of every rank's report, in rank order.
        func perRank(_ key: String, ranks: Int = 2) throws -> [Int] {
            try (0..<ranks).map { try report(rank: $0)[key] as! Int }
        }

        func report(rank: Int = 0) throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/report-rank\(rank).json"))
            return try JSONSerialization.jsonObject(with: data) as! [String: Any]
        }
    }

    static var worker: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("DistributedWorker").path
    }

    /// Runs the worker to completion with `--key value` options.
    static func run(_ options: [String: String], environment: [String: String] = [:], dir: String? = nil) throws -> Run {
        let dir = try dir ?? temporaryDirectory()
        let arguments = (options.merging(["out": dir]) { $1 }).sorted { $0.key < $1.key }.flatMap { ["--\($0.key)", $0.value] }
        let result = try runProcess(worker, arguments, environment: environment)
        return Run(dir: dir, result: result)
    }

    /// Runs shared by several tests, by their options.
    nonisolated(unsafe) static var sharedRuns: [[String: String]: Run] = [:]
    static func shared(_ options: [String: String]) throws -> Run {
        if let run = sharedRuns[options] { return run }
        let run = try Self.run(options)
        sharedRuns[options] = run
        return run
    }

    /// Two processes, 8 samples each per step, two epochs.
    static func twoProcesses() throws -> Run { try shared(["devices": "2", "batch": "8", "epochs": "2"]) }

    /// One process, 16 samples per step: the same global batches as `twoProcesses()`.
    static func oneProcess() throws -> Run { try shared(["devices": "1", "batch": "16", "epochs": "2"]) }

    /// A 2-process run ended with bitwise-identical ranks equal to `oneProcess()`'s weights.
    func assertMatchesOneProcess(_ run: Run, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        assertSucceeded(run, file: file, line: line)
        let single = try Self.oneProcess()
        assertSucceeded(single, file: file, line: line)
        assertSameWeights(try run.weights(rank: 0), try run.weights(rank: 1), bitwise: true, "\(label): rank 0 vs rank 1", file: file, line: line)
        assertSameWeights(try run.weights(rank: 0), try single.weights(), bitwise: false, "\(label) vs 1 process", file: file, line: line)
    }

    func assertSucceeded(_ run: Run, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.result?.status, 0, "worker failed: \(run.result?.stderr ?? "")", file: file, line: line)
    }

    func assertSameWeights(_ a: [String: Tensor], _ b: [String: Tensor], bitwise: Bool, _ message: String,
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(a.keys), Set(b.keys), message, file: file, line: line)
        for (key, value) in a {
            guard let other = b[key] else { continue }
            if bitwise {
                XCTAssertTrue(value.equal(other), "\(message): \(key) differs", file: file, line: line)
            } else {
                assertClose(value, other, rtol: 1e-5, atol: 1e-6, "\(message): \(key)", file: file, line: line)
            }
        }
    }

    func testTwoProcessesHoldIdenticalWeightsEqualToOneProcessOnTheSameGlobalBatches() throws {
        let ddp = try Self.twoProcesses()
        try assertMatchesOneProcess(ddp, "DDP")
        let single = try Self.oneProcess()
        XCTAssertEqual(try ddp.report()["global_step"] as? Int, 8)
        XCTAssertEqual(try single.report()["global_step"] as? Int, 8)
        XCTAssertEqual(try ddp.report(rank: 1)["world_size"] as? Int, 2)
        XCTAssertFalse(try ddp.weights()["net.0.weight"]!.equal(try Self.run(["devices": "1", "epochs": "0"]).weights()["net.0.weight"]!),
                       "training changed the weights")
    }

    func testSyncBatchnormOnTwoProcessesEqualsBatchNormOverTheWholeBatchInOne() throws {
        let synced = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "batchnorm": "1", "sync-batchnorm": "1"])
        let single = try Self.run(["devices": "1", "batch": "16", "epochs": "2", "batchnorm": "1"])
        let unsynced = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "batchnorm": "1"])
        for run in [synced, single, unsynced] { assertSucceeded(run) }
        let weights = try synced.weights(rank: 0)
        XCTAssertNotNil(weights["net.1.running_var"], "the worker's model has its batch norm")
        assertSameWeights(weights, try synced.weights(rank: 1), bitwise: true, "synchronised: rank 0 vs rank 1")
        assertSameWeights(weights, try single.weights(), bitwise: false, "synchronised vs one process")
        // Without synchronisation each rank normalises by its own half of the batch.
        let own = try unsynced.weights(rank: 0)["net.1.running_var"]!
        XCTAssertFalse(own.allclose(try single.weights()["net.1.running_var"]!, rtol: 1e-3, atol: 1e-4))
    }

    func testZeroStage1MatchesOneProcessWithHalfTheOptimizerStatePerRank() throws {
        let zero = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "strategy": "zero1"])
        try assertMatchesOneProcess(zero, "ZeRO-1")
        let full = try Self.oneProcess().perRank("optimizer_state_bytes", ranks: 1)[0]
        let shards = try zero.perRank("optimizer_state_bytes")
        XCTAssertEqual(shards.reduce(0, +), full, "the shards hold the whole state once")
        XCTAssertTrue(shards.allSatisfy { $0 > 0 && $0 < full * 3 / 4 }, "\(shards) of \(full)")
        print("optimizer state bytes: one process \(full), ZeRO-1 ranks \(shards)")
    }

    /// A ZeRO or pipeline checkpoint holds the whole optimizer state, gathered from its owners:
    /// it resumes exactly on as many ranks, in one process, and reads in Python like one
    /// process's checkpoint.
    func testZeroAndPipelineCheckpointsAreWholeAndResumeExactly() throws {
        let reference = try Self.run(["devices": "1", "batch": "16", "epochs": "4", "max-steps": "4", "save-every": "4"])
        let pipelineReference = try Self.run(["devices": "1", "batch": "16", "epochs": "4", "max-steps": "4", "save-every": "4",
                                              "hidden-layers": "2"])
        for (strategy, batch, extra, oneProcess) in [("zero1", "8", [String: String](), reference), ("zero2", "8", [:], reference),
                                                     ("1f1b", "16", ["hidden-layers": "2"], pipelineReference)] {
            let options = ["devices": "2", "batch": batch, "epochs": "4", "strategy": strategy].merging(extra) { $1 }
            let full = try Self.run(options.merging(["max-steps": "8"]) { $1 })
            let first = try Self.run(options.merging(["max-steps": "4", "save-every": "4"]) { $1 })
            assertSucceeded(full)
            assertSucceeded(first)
            let checkpoint = "\(first.dir)/checkpoints/epoch=0-step=4.ckpt"
            let python = try runOracle("same_checkpoint.py", [checkpoint, "\(oneProcess.dir)/checkpoints/epoch=0-step=4.ckpt"])
            XCTAssertTrue(python.contains("same weights and"), python)
            let resumed = try Self.run(options.merging(["max-steps": "8", "ckpt": checkpoint]) { $1 })
            assertSucceeded(resumed)
            assertSameWeights(try resumed.weights(rank: 0), try full.weights(rank: 0), bitwise: true, "\(strategy) resumed")
            let single = try Self.run(["devices": "1", "batch": "16", "epochs": "4", "max-steps": "8", "ckpt": checkpoint].merging(extra) { $1 })
            assertSucceeded(single)
            assertSameWeights(try single.weights(), try full.weights(rank: 0), bitwise: false, "\(strategy) checkpoint resumed in one process")
        }
    }

    func testZeroStage2MatchesOneProcessAndKeepsOnlyItsShareOfTheGradients() throws {
        let zero = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "strategy": "zero2"])
        try assertMatchesOneProcess(zero, "ZeRO-2")
        let single = try Self.oneProcess()
        let full = try single.perRank("gradient_bytes", ranks: 1)[0]
        let shares = try zero.perRank("gradient_bytes")
        XCTAssertEqual(shares.reduce(0, +), full, "each gradient kept once, by its owner")
        let states = try zero.perRank("optimizer_state_bytes")
        XCTAssertEqual(states.reduce(0, +), try single.perRank("optimizer_state_bytes", ranks: 1)[0])
        print("gradient bytes at the step: one process \(full), ZeRO-2 ranks \(shares); optimizer state \(states)")
    }

    func testShardedStrategiesRefuseWhatTheyCannotDo() {
        XCTAssertThrowsError(try Trainer(devices: 2, strategy: .zero(stage: 4), enableCheckpointing: false)) { XCTAssertTrue("\($0)".contains("stages are 1, 2 and 3"), "\($0)") }
        XCTAssertThrowsError(try Trainer(devices: 2, strategy: .zero(stage: 2), gradientClipVal: 1, enableCheckpointing: false)) {
            XCTAssertTrue("\($0)".contains("gradientClipVal"), "\($0)")
        }
        XCTAssertEqual(try Trainer(devices: 2, strategy: .zero(stage: 3), enableCheckpointing: false).strategy.description, "fsdp")
    }

    /// Clipping by norm under FSDP measures the whole model's gradients (the shards' squared norms
    /// summed over the ranks): the weights end as one process's with the same clipping.
    func testFSDPClipsByTheWholeModelsNorm() throws {
        let options = ["batch": "8", "epochs": "1", "hidden-layers": "4", "clip": "0.05"]
        let fsdp = try Self.run(options.merging(["devices": "2", "strategy": "fsdp"]) { $1 })
        let single = try Self.run(options.merging(["devices": "1", "batch": "16"]) { $1 })
        let unclipped = try Self.run(options.merging(["devices": "1", "batch": "16", "clip": "0"]) { $1 })
        assertSucceeded(fsdp)
        assertSucceeded(single)
        assertSameWeights(try fsdp.weights(rank: 0), try single.weights(), bitwise: false, "FSDP with clipping vs 1 process")
        let moved = (try unclipped.weights()["net.0.weight"]! - (try single.weights()["net.0.weight"]!)).abs().max().item() as Double
        XCTAssertGreaterThan(moved, 1e-3, "the clipping is active")
    }

    /// The same data with a deeper model (six Linear layers: six FSDP units), one process.
    static func deepOneProcess(_ extra: [String: String] = [:]) throws -> Run {
        try shared(["devices": "1", "batch": "16", "epochs": "2", "hidden-layers": "4"].merging(extra) { $1 })
    }

    func testFSDPMatchesOneProcessWithHalfOfEverythingPerRank() throws {
        let fsdp = try Self.shared(["devices": "2", "batch": "8", "epochs": "2", "hidden-layers": "4", "strategy": "fsdp"])
        let single = try Self.deepOneProcess()
        assertSucceeded(fsdp)
        assertSucceeded(single)
        assertSameWeights(try fsdp.weights(rank: 0), try fsdp.weights(rank: 1), bitwise: true, "FSDP: rank 0 vs rank 1")
        assertSameWeights(try fsdp.weights(rank: 0), try single.weights(), bitwise: false, "FSDP vs 1 process")
        for key in ["parameter_bytes", "gradient_bytes", "optimizer_state_bytes"] {
            let full = try single.perRank(key, ranks: 1)[0]
            let shards = try fsdp.perRank(key)
            XCTAssertTrue(shards.allSatisfy { $0 * 2 >= full && $0 * 2 <= full + 64 }, "\(key): \(shards) of \(full)")
            print("FSDP \(key): one process \(full), ranks \(shards)")
        }
        // 6 units gathered in each forward; the 3 freed there are gathered again in backward
        // for the input gradients (the first layer needs none).
        XCTAssertEqual(try fsdp.perRank("all_gathers"), [72, 72])
        let checkpointed = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "hidden-layers": "4", "strategy": "fsdp",
                                         "activation-checkpointing": "1"])
        assertSucceeded(checkpointed)
        assertSameWeights(try checkpointed.weights(rank: 0), try fsdp.weights(rank: 0), bitwise: true, "FSDP with activation checkpointing")
        XCTAssertTrue(try checkpointed.perRank("all_gathers").allSatisfy { $0 > 72 }, "the recomputation gathers units again")
    }

    func testFSDPCheckpointsResumeExactlyAndLoadInOneProcessAndPython() throws {
        let base = ["devices": "2", "epochs": "4", "hidden-layers": "2"]
        for (strategy, files) in [("fsdp", [String]()), ("fsdp-sharded", [".shard-rank0", ".shard-rank1"])] {
            let options = base.merging(["strategy": strategy]) { $1 }
            let full = try Self.run(options.merging(["max-steps": "8"]) { $1 })
            let first = try Self.run(options.merging(["max-steps": "4", "save-every": "4"]) { $1 })
            assertSucceeded(full)
            assertSucceeded(first)
            let checkpoint = "\(first.dir)/checkpoints/epoch=0-step=4.ckpt"
            for file in files { XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint + file), checkpoint + file) }
            let resumed = try Self.run(options.merging(["max-steps": "8", "ckpt": checkpoint]) { $1 })
            assertSucceeded(resumed)
            assertSameWeights(try resumed.weights(rank: 0), try full.weights(rank: 0), bitwise: true, "\(strategy) resumed")
            guard strategy == "fsdp" else { continue }
            let single = try Self.run(["devices": "1", "batch": "16", "epochs": "4", "hidden-layers": "2", "max-steps": "8", "ckpt": checkpoint])
            assertSucceeded(single)
            assertSameWeights(try single.weights(), try full.weights(rank: 0), bitwise: false, "FSDP checkpoint resumed in one process")
            let oneFirst = try Self.run(["devices": "1", "batch": "16", "epochs": "4", "hidden-layers": "2", "max-steps": "4", "save-every": "4"])
            let python = try runOracle("same_checkpoint.py", [checkpoint, "\(oneFirst.dir)/checkpoints/epoch=0-step=4.ckpt"])
            XCTAssertTrue(python.contains("same weights and 8 parameter states"), python)
        }
    }

    /// Training with a memory budget (`--memory-budget-mb`, enforced as RLIMIT_DATA above what
    /// the process holds when training starts) on a 12.6M-parameter MLP: 50 MB of weights, so
    /// DDP's gradients plus SGD momentum need 100 MB more; FSDP's shards of both need half.
    func testFSDPTrainsWithinAMemoryBudgetThatDDPExceeds() throws {
        let options = ["devices": "2", "batch": "8", "epochs": "1", "max-steps": "3", "hidden-layers": "12", "width": "1024",
                       "memory-budget-mb": "85"]
        let environment = ["MALLOC_MMAP_THRESHOLD_": "131072"]
        let ddp = try Self.run(options, environment: environment)
        XCTAssertEqual(ddp.result?.status, 1, "DDP should not fit 85 MB")
        XCTAssertTrue(ddp.result?.stderr.contains("can't allocate memory") == true || ddp.result?.stderr.contains("bad_alloc") == true,
                      ddp.result?.stderr ?? "")
        let fsdp = try Self.run(options.merging(["strategy": "fsdp"]) { $1 }, environment: environment)
        assertSucceeded(fsdp)
        XCTAssertEqual(try fsdp.report()["global_step"] as? Int, 3)
    }

    /// The same data and model (seven layers) in one process with batch 16.
    static func pipelineReference() throws -> Run { try deepOneProcess(["hidden-layers": "2"]) }

    func assertMatchesPipelineReference(_ run: Run, ranks: Int, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws {
        assertSucceeded(run, file: file, line: line)
        let single = try Self.pipelineReference()
        let reference = try single.report()["losses"] as! [Double]
        XCTAssertEqual(reference.count, 8, file: file, line: line)
        for rank in 0..<ranks {
            assertSameWeights(try run.weights(rank: rank), try single.weights(), bitwise: false, "\(label) rank \(rank) vs 1 process",
                              file: file, line: line)
            let losses = try run.report(rank: rank)["losses"] as! [Double]
            XCTAssertEqual(losses.count, reference.count, file: file, line: line)
            for (a, b) in zip(losses, reference) { XCTAssertEqual(a, b, accuracy: 1e-6, "\(label) loss curve", file: file, line: line) }
        }
    }

    func testPipelineSchedulesGiveTheUnsplitModelsWeightsAndLossCurve() throws {
        for schedule in ["gpipe", "1f1b"] {
            let run = try Self.run(["devices": "2", "batch": "16", "epochs": "2", "hidden-layers": "2", "strategy": schedule])
            try assertMatchesPipelineReference(run, ranks: 2, schedule)
            let single = try Self.pipelineReference().perRank("optimizer_state_bytes", ranks: 1)[0]
            let stages = try run.perRank("optimizer_state_bytes")
            XCTAssertEqual(stages.reduce(0, +), single, "each stage keeps its own layers' state")
            XCTAssertTrue(stages.allSatisfy { $0 > 0 }, "\(stages)")
            print("pipeline \(schedule): optimizer state per stage \(stages) of \(single)")
        }
    }

    func testPipelinesCombineWithDataParallelism() throws {
        let run = try Self.run(["devices": "4", "batch": "8", "epochs": "2", "hidden-layers": "2", "strategy": "1f1b"])
        try assertMatchesPipelineReference(run, ranks: 4, "2 stages x 2 pipelines")
        let firstEpoch = { (rank: Int) in Set((try run.report(rank: rank)["seen"] as! [Int]).prefix(32)) }
        XCTAssertEqual(try firstEpoch(0).union(try firstEpoch(2)), Set(0..<64), "the two pipelines split each epoch's samples")
        XCTAssertEqual(try run.report(rank: 0)["seen"] as! [Int], try run.report(rank: 1)["seen"] as! [Int], "the stages of a pipeline read the same")
    }

    func testPipelineRefusesWhatItCannotDo() {
        XCTAssertThrowsError(try Trainer(devices: 3, strategy: .pipeline(stages: 2, microBatches: 4), enableCheckpointing: false)) {
            XCTAssertTrue("\($0)".contains("multiple of them"), "\($0)")
        }
        XCTAssertThrowsError(try Trainer(devices: 2, strategy: .pipeline(stages: 2, microBatches: 0), enableCheckpointing: false)) {
            XCTAssertTrue("\($0)".contains("microBatches"), "\($0)")
        }
    }

    /// Mixed precision under each sharded strategy: weights stay float32 (the master copy the
    /// optimizer steps), compute runs under autocast; with 16-mixed the loss scaler's overflow
    /// check is combined across ranks, so all ranks skip or step together.
    func testShardedStrategiesTrainInMixedPrecision() throws {
        for precision in ["bf16-mixed", "16-mixed"] {
            let base = ["devices": "2", "batch": "8", "epochs": "2", "hidden-layers": "2", "precision": precision]
            let ddp = try Self.run(base)
            assertSucceeded(ddp)
            for strategy in ["zero1", "zero2", "fsdp"] {
                let run = try Self.run(base.merging(["strategy": strategy]) { $1 })
                assertSucceeded(run)
                assertSameWeights(try run.weights(rank: 0), try ddp.weights(rank: 0), bitwise: true, "\(strategy) \(precision) vs DDP")
                assertSameWeights(try run.weights(rank: 1), try ddp.weights(rank: 0), bitwise: true, "\(strategy) \(precision) rank 1 vs DDP")
            }
            let pipeline = try Self.run(base.merging(["strategy": "1f1b", "batch": "16"]) { $1 })
            assertSucceeded(pipeline)
            let reports = try (0..<2).map { try pipeline.report(rank: $0) }
            XCTAssertEqual(reports[0]["loss_scale"] as? Double, reports[1]["loss_scale"] as? Double, "the stages agree on the loss scale")
            let losses = reports[0]["losses"] as! [Double]
            XCTAssertTrue(losses.allSatisfy(\.isFinite) && losses.last! < losses.first!, "\(precision) pipeline losses \(losses)")
            for (key, value) in try pipeline.weights() {
                assertClose(value, try ddp.weights()[key]!, rtol: 0, atol: 0.15, "\(precision) pipeline vs DDP: \(key)")
            }
            print("\(precision) pipeline: loss scale \(reports[0]["loss_scale"] ?? "-"), losses \(losses.first!) -> \(losses.last!)")
        }
    }

    func testGradientAccumulationEqualsTheDoubledBatch() throws {
        let accumulated = try Self.run(["devices": "2", "batch": "4", "accumulate": "2", "epochs": "2"])
        assertSucceeded(accumulated)
        let ddp = try Self.twoProcesses()
        assertSameWeights(try accumulated.weights(), try ddp.weights(), bitwise: false, "accumulate 2 x 4 vs batch 8")
        XCTAssertEqual(try accumulated.report()["global_step"] as? Int, 8)
    }

    func testTheSamplerCoversEverySampleOncePerEpochAcrossRanks() throws {
        let ddp = try Self.twoProcesses()
        assertSucceeded(ddp)
        let seen0 = try ddp.report(rank: 0)["seen"] as! [Int], seen1 = try ddp.report(rank: 1)["seen"] as! [Int]
        XCTAssertEqual(seen0.count, 64)
        XCTAssertEqual(seen1.count, 64)
        for epoch in 0..<2 {
            let part0 = seen0[(epoch * 32)..<(epoch * 32 + 32)], part1 = seen1[(epoch * 32)..<(epoch * 32 + 32)]
            XCTAssertEqual((part0 + part1).sorted(), Array(0..<64), "epoch \(epoch)")
        }
        XCTAssertNotEqual(Array(seen0[0..<32]), Array(seen0[32..<64]), "reshuffled per epoch")
        let prepared = try FileManager.default.contentsOfDirectory(atPath: ddp.dir).filter { $0.hasPrefix("prepared-") }
        XCTAssertEqual(prepared, ["prepared-rank0"], "prepareData runs on one process of the machine")
    }

    func testFindUnusedParametersWithAGraphThatChangesEveryStep() throws {
        let single = try Self.run(["devices": "1", "batch": "16", "epochs": "2", "branch": "1"])
        let ddp = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "branch": "1", "strategy": "ddp-find-unused"])
        assertSucceeded(single)
        assertSucceeded(ddp)
        assertSameWeights(try ddp.weights(rank: 0), try ddp.weights(rank: 1), bitwise: true, "ranks agree")
        assertSameWeights(try ddp.weights(), try single.weights(), bitwise: false, "an extra layer on odd batches, 2 processes vs 1")
    }

    func testAGANWithTwoBackwardPassesAStep() throws {
        let plain = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "model": "gan"])
        XCTAssertNotEqual(plain.result?.status, 0)
        let stderr = plain.result?.stderr ?? ""
        XCTAssertTrue(stderr.contains("If this is intentional, enable the detection of unused parameters in DDP: "
            + "Trainer(strategy: .ddp(findUnusedParameters: true))"), stderr)
        XCTAssertFalse(stderr.contains("INTERNAL ASSERT"), stderr)
        let single = try Self.run(["devices": "1", "batch": "16", "epochs": "2", "model": "gan"])
        let ddp = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "model": "gan", "strategy": "ddp-find-unused"])
        assertSucceeded(single)
        assertSucceeded(ddp)
        XCTAssertEqual(try ddp.report()["global_step"] as? Int, 16, "two optimizer steps for each of 8 batches")
        assertSameWeights(try ddp.weights(rank: 0), try ddp.weights(rank: 1), bitwise: true, "ranks agree")
        assertSameWeights(try ddp.weights(), try single.weights(), bitwise: false, "GAN, 2 processes vs 1")
    }

    func testAnUnshuffledTrainingLoaderIsShuffledAcrossRanksAsInLightning() throws {
        let ddp = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "shuffle": "false"])
        assertSucceeded(ddp)
        let seen0 = try ddp.report(rank: 0)["seen"] as! [Int], seen1 = try ddp.report(rank: 1)["seen"] as! [Int]
        XCTAssertEqual((seen0[0..<32] + seen1[0..<32]).sorted(), Array(0..<64))
        XCTAssertNotEqual(Array(seen0[0..<32]), Array(stride(from: 0, to: 64, by: 2)), "not the unshuffled share")
        XCTAssertNotEqual(Array(seen0[0..<32]), Array(seen0[32..<64]), "reshuffled per epoch")
    }

    func testDistributedSamplerPadsToEqualSharesAndReshufflesPerEpoch() throws {
        let shares = try (0..<3).map { try DistributedSampler(numReplicas: 3, rank: $0, shuffle: false).indices(count: 10, epoch: 0) }
        XCTAssertEqual(shares, [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]])
        let dropped = try (0..<3).map { try DistributedSampler(numReplicas: 3, rank: $0, shuffle: false, dropLast: true).indices(count: 10, epoch: 0) }
        XCTAssertEqual(dropped, [[0, 3, 6], [1, 4, 7], [2, 5, 8]])
        let epoch0 = try (0..<2).flatMap { try DistributedSampler(numReplicas: 2, rank: $0, seed: 5).indices(count: 100, epoch: 0) }
        let epoch1 = try (0..<2).flatMap { try DistributedSampler(numReplicas: 2, rank: $0, seed: 5).indices(count: 100, epoch: 1) }
        XCTAssertEqual(epoch0.sorted(), Array(0..<100))
        XCTAssertEqual(epoch1.sorted(), Array(0..<100))
        XCTAssertNotEqual(epoch0, epoch1)
    }

    func testSyncDistLoggingGivesTheMeanOverRanks() throws {
        let ddp = try Self.twoProcesses()
        assertSucceeded(ddp)
        for rank in 0..<2 {
            let metrics = try ddp.report(rank: rank)["metrics"] as! [String: Double]
            XCTAssertEqual(metrics["rank_value_step"], 0.5, "rank \(rank)")
            XCTAssertEqual(metrics["rank_value_epoch"], 0.5, "rank \(rank)")
        }
    }

    func testValidationWithSyncDistAgreesOnEveryRank() throws {
        let run = try Self.run(["devices": "2", "epochs": "1", "validate": "1"])
        assertSucceeded(run)
        let loss0 = (try run.report(rank: 0)["metrics"] as! [String: Double])["val_loss"]
        let loss1 = (try run.report(rank: 1)["metrics"] as! [String: Double])["val_loss"]
        XCTAssertNotNil(loss0)
        XCTAssertEqual(loss0, loss1)
    }

    func testCheckpointFromTwoProcessesResumesExactlyInTwoAndLoadsInOne() throws {
        let full = try Self.run(["devices": "2", "epochs": "4", "max-steps": "8"])
        assertSucceeded(full)
        let first = try Self.run(["devices": "2", "epochs": "4", "max-steps": "4", "save-every": "4"])
        assertSucceeded(first)
        let checkpoint = "\(first.dir)/checkpoints/epoch=0-step=4.ckpt"
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint), "saved by rank 0: \(first.result?.stderr ?? "")")
        let resumed = try Self.run(["devices": "2", "epochs": "4", "max-steps": "8", "ckpt": checkpoint])
        assertSucceeded(resumed)
        assertSameWeights(try resumed.weights(rank: 0), try full.weights(rank: 0), bitwise: true, "resumed in 2 processes")
        assertSameWeights(try resumed.weights(rank: 1), try full.weights(rank: 0), bitwise: true, "resumed, rank 1")
        let single = try Self.run(["devices": "1", "batch": "16", "epochs": "4", "max-steps": "8", "ckpt": checkpoint])
        assertSucceeded(single)
        assertSameWeights(try single.weights(), try full.weights(), bitwise: false, "resumed in 1 process")
    }

    /// Whether a process is still running (not a zombie).
    func alive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.contains(") Z ")
    }

    func readPid(_ dir: String, rank: Int, timeout: Double = 60) -> pid_t? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: "\(dir)/pid-rank\(rank)", encoding: .utf8), let pid = pid_t(text) { return pid }
            usleep(50_000)
        }
        return nil
    }

    /// A long two-process run in the background, once both ranks have started training.
    struct LongRun {
        let process: Process
        let stderr: Pipe
        let launcher: pid_t
        let child: pid_t
    }

    func startLongRun(settle: Double) throws -> LongRun {
        let dir = try temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.worker)
        process.arguments = ["--devices", "2", "--epochs", "100000", "--sleep-ms", "20", "--out", dir]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        guard let launcher = readPid(dir, rank: 0), let child = readPid(dir, rank: 1) else {
            process.terminate()
            throw NSError(domain: "DistributedTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "the ranks did not start"])
        }
        usleep(UInt32(settle * 1_000_000))
        return LongRun(process: process, stderr: err, launcher: launcher, child: child)
    }

    /// Waits up to `seconds` for `pid` to end; returns whether it did.
    func ended(_ pid: pid_t, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while alive(pid) && Date() < deadline { usleep(50_000) }
        return !alive(pid)
    }

    func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return !process.isRunning
    }

    func testKillingOneRankEndsTheJobWithinSecondsAndLeavesNoProcess() throws {
        let run = try startLongRun(settle: 1.5)
        let (process, launcher, child) = (run.process, run.launcher, run.child)
        let start = Date()
        kill(child, SIGKILL)
        XCTAssertTrue(waitForExit(process, seconds: 60), "the job still runs 60 s after a rank died")
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertLessThan(elapsed, 60)
        XCTAssertNotEqual(process.terminationStatus, 0)
        let stderr = String(decoding: run.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(stderr.contains("rank 1 (pid \(child)) was killed by signal 9"), stderr)
        XCTAssertFalse(alive(launcher))
        XCTAssertFalse(alive(child))
        print("job ended \(String(format: "%.2f", elapsed)) s after rank 1 was killed")
    }

    func testKillingTheLaunchingRankEndsTheOthers() throws {
        let run = try startLongRun(settle: 1)
        kill(run.launcher, SIGKILL)
        XCTAssertTrue(waitForExit(run.process, seconds: 10))
        XCTAssertTrue(ended(run.child, within: 10), "rank 1 outlived the launching process")
    }

    func testInterruptingTheLaunchingProcessStopsEveryRank() throws {
        let run = try startLongRun(settle: 1)
        run.process.interrupt()
        XCTAssertTrue(waitForExit(run.process, seconds: 10))
        XCTAssertEqual(run.process.terminationStatus, 130)
        XCTAssertTrue(ended(run.child, within: 10))
    }

    /// With loader workers busy making batches (1 ms each) when the step fails.
    func testAFailingRankEndsTheJobWithItsErrorShownOnce() throws {
        let start = Date()
        let run = try Self.run(["devices": "2", "epochs": "1000", "fail-rank": "1", "fail-step": "3", "workers": "2", "collate-ms": "1"])
        XCTAssertLessThan(Date().timeIntervalSince(start), 60)
        XCTAssertEqual(run.result?.status, 1)
        let stderr = run.result?.stderr ?? ""
        XCTAssertEqual(stderr.components(separatedBy: "worker error:").count - 1, 1, stderr)
        XCTAssertTrue(stderr.contains("training_step failed at epoch 0, batch 3"), stderr)
        XCTAssertTrue(stderr.contains("rank 1 (pid"), stderr)
    }

    func testAFailingLaunchingRankStopsTheOthersWithItsOwnError() throws {
        let run = try Self.run(["devices": "2", "epochs": "1000", "fail-rank": "0", "fail-step": "3"])
        XCTAssertEqual(run.result?.status, 1)
        let stderr = run.result?.stderr ?? ""
        XCTAssertEqual(stderr.components(separatedBy: "worker error:").count - 1, 1, stderr)
        XCTAssertFalse(stderr.contains("stopping the other ranks"), stderr)
        if let child = readPid(run.dir, rank: 1, timeout: 1) { XCTAssertTrue(ended(child, within: 5)) }
    }

    /// Starts processes (an executable, its arguments, variables added to ours) together and
    /// checks that each ends successfully within two minutes.
    func runTogether(_ commands: [(String, [String], [String: String])], file: StaticString = #filePath, line: UInt = #line) throws {
        let processes = commands.map { executable, arguments, variables in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(variables) { $1 }
            process.standardOutput = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes {
            XCTAssertTrue(waitForExit(process, seconds: 120), file: file, line: line)
            XCTAssertEqual(process.terminationStatus, 0, file: file, line: line)
        }
    }

    /// Two "machines": network namespaces joined by a veth pair, one process in each.
    func testTwoNodesInNetworkNamespacesMatchTwoLocalProcesses() throws {
        let suffix = String(getpid() % 100000)
        let (a, b) = ("slA\(suffix)", "slB\(suffix)")
        func ip(_ args: String) -> Int32 { (try? runProcess("/usr/sbin/ip", args.split(separator: " ").map(String.init)))?.status ?? -1 }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip"), ip("netns add \(a)") == 0 else {
            throw XCTSkip("network namespaces cannot be created here (needs iproute2 and CAP_NET_ADMIN)")
        }
        defer {
            _ = ip("netns del \(a)")
            _ = ip("netns del \(b)")
        }
        let setup = ["netns add \(b)", "link add va\(suffix) type veth peer name vb\(suffix)",
                     "link set va\(suffix) netns \(a)", "link set vb\(suffix) netns \(b)",
                     "-n \(a) addr add 10.77.0.1/24 dev va\(suffix)", "-n \(b) addr add 10.77.0.2/24 dev vb\(suffix)",
                     "-n \(a) link set va\(suffix) up", "-n \(b) link set vb\(suffix) up",
                     "-n \(a) link set lo up", "-n \(b) link set lo up"]
        for command in setup { XCTAssertEqual(ip(command), 0, "ip \(command)") }
        let dir = try temporaryDirectory()
        let port = 29_000 + Int(getpid() % 1000)
        try runTogether([(a, "va\(suffix)", 0), (b, "vb\(suffix)", 1)].map { namespace, interface, node in
            ("/usr/sbin/ip", ["netns", "exec", namespace, "env", "MASTER_ADDR=10.77.0.1", "MASTER_PORT=\(port)",
                              "NODE_RANK=\(node)", "GLOO_SOCKET_IFNAME=\(interface)", Self.worker,
                              "--devices", "1", "--num-nodes", "2", "--batch", "8", "--epochs", "2", "--out", dir], [:])
        })
        let twoNodes = Run(dir: dir, result: nil)
        let local = try Self.twoProcesses()
        assertSameWeights(try twoNodes.weights(rank: 0), try twoNodes.weights(rank: 1), bitwise: true, "node 0 vs node 1")
        assertSameWeights(try twoNodes.weights(rank: 0), try local.weights(rank: 0), bitwise: true, "2 nodes vs 2 local processes")
    }

    /// Two processes the test starts itself (no launcher of ours, no torchrun or SLURM
    /// variables), each told its rank by a cluster environment the program builds.
    func testAClusterEnvironmentOfYourOwnRunsAJobItsSchedulerStarted() throws {
        let dir = try temporaryDirectory()
        let port = 31_000 + Int(getpid() % 1000)
        try runTogether((0..<2).map { rank in
            (Self.worker, ["--environment", "custom", "--devices", "2", "--batch", "8", "--epochs", "2", "--out", dir],
             ["WORKER_RANK": String(rank), "WORKER_WORLD_SIZE": "2", "WORKER_PORT": String(port)])
        })
        let run = Run(dir: dir, result: nil)
        XCTAssertEqual(try run.perRank("world_size"), [2, 2])
        let local = try Self.twoProcesses()
        assertSameWeights(try run.weights(rank: 0), try run.weights(rank: 1), bitwise: true, "rank 0 vs rank 1")
        assertSameWeights(try run.weights(rank: 0), try local.weights(rank: 0), bitwise: true, "own environment vs our launcher")
    }

    /// The learning-rate finder's steps go through DDP's reducer like fitting's: both ranks see
    /// the same smoothed losses (so the same suggestion), and the run after it (weights, optimizer and
    /// RNG restored) equals one without it.
    func testTheLearningRateFinderRunsThroughTheStrategyUnderDDP() throws {
        let run = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "lr-find": "6"])
        try assertMatchesOneProcess(run, "after the learning-rate finder")
        let reports = try (0..<2).map { try run.report(rank: $0) }
        let losses = reports.map { $0["lr_find_losses"] as? [Double] ?? [] }
        XCTAssertEqual(losses[0].count, 6)
        XCTAssertTrue(losses[0].allSatisfy(\.isFinite), "\(losses[0])")
        XCTAssertEqual(losses[0], losses[1], "the smoothed losses are means over the ranks")
    }

    /// Two Trainers in one process, each with its own timeout: each strategy owns its group.
    func testTwoTrainersInOneProcessKeepTheirOwnProcessGroupSettings() throws {
        let run = try Self.run(["devices": "2", "batch": "8", "epochs": "1", "second-timeout": "7"])
        assertSucceeded(run)
        for rank in 0..<2 {
            XCTAssertEqual(try run.report(rank: rank)["group_timeouts"] as? [Double], [60, 7], "rank \(rank)")
        }
    }

    /// A training loop of one's own on Fabric with the Trainer's DDP, ZeRO and FSDP strategies gives
    /// the Trainer's weights on the same data; `Fabric.save` writes whole weights that load back.
    func testAFabricLoopOnTwoProcessesEqualsTheTrainer() throws {
        for strategy in ["ddp", "zero1", "fsdp"] {
            let trainer = try strategy == "fsdp" ? Self.shared(["devices": "2", "batch": "8", "epochs": "2", "strategy": "fsdp"])
                                                 : Self.twoProcesses()
            let run = try Self.run(["devices": "2", "batch": "8", "epochs": "2", "fabric": "true", "strategy": strategy])
            assertSucceeded(run)
            assertSameWeights(try run.weights(rank: 0), try run.weights(rank: 1), bitwise: true, "\(strategy): rank 0 vs rank 1")
            assertSameWeights(try run.weights(rank: 0), try trainer.weights(rank: 0), bitwise: true, "\(strategy): Fabric vs Trainer")
            XCTAssertEqual(try run.perRank("global_step"), [8, 8])
            let seen = try (0..<2).map { try run.report(rank: $0)["seen"] as! [Int] }
            let trainerSeen = try (0..<2).map { try trainer.report(rank: $0)["seen"] as! [Int] }
            XCTAssertEqual(seen, trainerSeen, "\(strategy): the same samples in the same order on each rank")
            XCTAssertEqual(try run.report()["saved_step"] as? Int, 8)
            XCTAssertEqual(try run.report()["mean_of_ranks"] as? Double, 0.5)
            let restored: [String: Tensor] = try Safetensors.loadFile("\(run.dir)/restored-rank1.safetensors")
            assertSameWeights(restored, try run.weights(rank: 0), bitwise: true, "\(strategy): Fabric.load of Fabric.save")
            let file = try TorchFile.load("\(run.dir)/fabric.ckpt")
            XCTAssertEqual(file["model"]?.stateDictValue?.keys.sorted(), try run.weights().keys.sorted())
        }
    }
}

/// Metrics synchronised across ranks through the strategy's process group.
final class DistributedMetricTests: XCTestCase {
    func testTwoProcessesWithUnevenSharesComputeTheOneProcessValues() throws {
        let run = try DistributedTests.run(["devices": "2", "metric-shards": "1"])
        XCTAssertEqual(run.result?.status, 0, "worker failed: \(run.result?.stderr ?? "")")
        let g = Generator(seed: 3)
        let (scores, labels) = (Tensor.randn([40, 4], generator: g), Tensor.randint(0, 4, [40], generator: g))
        let values = Tensor.randn([40], generator: g)
        let targets = (values + Tensor.randn([40], generator: g) * 0.5).round()
        let expected: [String: Double] = [
            "accuracy": Metric.F.accuracy(scores, labels, task: .multiclass, numClasses: 4, average: .macro).item(),
            "auroc": Metric.F.auroc(scores, labels, task: .multiclass, numClasses: 4).item(),
            "mse": Metric.F.meanSquaredError(values, targets).item(),
            "spearman": Metric.F.spearmanCorrCoef(values, targets).item(),
            "mean": values.mean().item(),
        ]
        for rank in 0..<2 {
            let report = try DistributedTests.Run(dir: run.dir, result: nil).report(rank: rank)
            for (name, value) in expected {
                XCTAssertEqual(report[name] as? Double ?? .nan, value, accuracy: 1e-6, "rank \(rank): \(name)")
            }
            XCTAssertEqual(report["updates"] as? Int, rank == 0 ? 5 : 4, "each rank keeps its own updates")
        }
    }
}
