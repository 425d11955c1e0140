import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Plug-ins of a user's own handed to the Trainer: a strategy, a precision plug-in, an
/// accelerator, a cluster environment. The Trainer reaches them through their protocols only.
final class PluginTests: XCTestCase {
    /// A single-process strategy that records what the Trainer asks of it and writes its
    /// checkpoints itself (with a marker entry of its own).
    final class RecordingStrategy: StrategyPlugin {
        var checkpointIO: CheckpointIO = TorchCheckpointIO()
        var calls: [String] = []
        var saved: [String] = []
        var removed: [String] = []
        var globalRank: Int { 0 }
        var localRank: Int { 0 }
        var worldSize: Int { 1 }
        func setup(_ module: Module, accelerator: AcceleratorPlugin, stage: Stage) throws {
            calls.append("setup \(stage)")
            module.to(device: accelerator.device)
        }
        func teardown() { calls.append("teardown") }
        func beforeTrainingStep(synchronizing: Bool) throws {}
        func trainingStep<Batch>(_ module: LightningModule<Batch>, batch: Batch, batchIdx: Int,
                                 context: TrainingStepContext) throws -> Tensor? {
            calls.append("trainingStep \(batchIdx)")
            guard let loss = try context.forward() else { return nil }
            try context.backward(loss)
            return loss
        }
        func beforeBackward(_ loss: Tensor, synchronizing: Bool) throws { calls.append("beforeBackward") }
        func afterOptimizerStep(_ optimizer: Optimizer) throws { calls.append("afterOptimizerStep") }
        func allReduce(_ tensor: Tensor, op: ReduceOp) throws {}
        func broadcast(_ tensor: Tensor, root: Int) throws {}
        func barrier() throws {}
        func onException(_ error: Error) {}
        func saveCheckpoint(_ checkpoint: [(String, StateValue)], to path: String) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try TorchFile.save(.dict(checkpoint + [("written_by", .string("RecordingStrategy"))]), to: path)
            saved.append(path)
        }
        func loadCheckpoint(_ path: String) throws -> StateValue {
            calls.append("loadCheckpoint")
            return try TorchFile.load(path)
        }
        func removeCheckpoint(_ path: String) {
            removed.append(path)
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    func testAStrategyOfYourOwnRunsTheStepsAndOwnsTheCheckpointFiles() throws {
        let dir = try temporaryDirectory()
        let strategy = RecordingStrategy()
        let trainer = try Trainer(strategy: .custom(strategy), maxEpochs: 2, numSanityValSteps: 0, enableProgressBar: false,
                                  enableModelSummary: false, defaultRootDir: dir,
                                  callbacks: [ModelCheckpoint(dirpath: dir + "/ckpt")], logger: [])
        XCTAssertEqual(trainer.strategy.description, "RecordingStrategy")
        XCTAssertTrue(trainer.strategyPlugin === strategy)
        let model = TinyClassifier()
        try trainer.fit(model, train: DataLoader(classificationData(), batchSize: 16))
        XCTAssertEqual(strategy.calls.first, "setup fit")
        XCTAssertEqual(strategy.calls.last, "teardown")
        XCTAssertEqual(strategy.calls.filter { $0.hasPrefix("trainingStep") }.count, 8)
        XCTAssertEqual(strategy.calls.filter { $0 == "beforeBackward" }.count, 8, "the default backward calls the strategy's hook")
        XCTAssertEqual(strategy.calls.filter { $0 == "afterOptimizerStep" }.count, 8, "the default optimizer step calls the strategy's hook")
        XCTAssertEqual(strategy.saved.map { ($0 as NSString).lastPathComponent }, ["epoch=0-step=4.ckpt", "epoch=1-step=8.ckpt"])
        XCTAssertEqual(strategy.removed, [strategy.saved[0]], "ModelCheckpoint removes what it no longer keeps through the strategy")
        let written = try TorchFile.load(strategy.saved[1])
        XCTAssertEqual(written["written_by"]?.stringValue, "RecordingStrategy")

        let resumed = try Trainer(strategy: .custom(strategy), maxEpochs: 3, numSanityValSteps: 0, enableCheckpointing: false,
                                  enableProgressBar: false, enableModelSummary: false, defaultRootDir: dir, logger: [])
        strategy.calls = []
        try resumed.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 16), ckptPath: .path(strategy.saved[1]))
        XCTAssertEqual(strategy.calls.prefix(2), ["setup fit", "loadCheckpoint"])
        XCTAssertEqual(resumed.globalStep, 12)
    }

    /// Full precision that counts its backward passes.
    final class CountingPrecision: PrecisionPlugin {
        var backwards = 0
        func backward(_ loss: Tensor, retainGraph: Bool) {
            backwards += 1
            loss.backward(retainGraph: retainGraph)
        }
    }

    /// The CPU under another name, with statistics of its own.
    final class LabelledCPU: AcceleratorPlugin {
        var setUpFor: Int?
        var device: Device { .cpu }
        static var isAvailable: Bool { true }
        func setupDevice(localRank: Int) throws { setUpFor = localRank }
        func deviceStats() -> [(String, Double)] { [("labelled", 1)] }
    }

    func testAPrecisionPlugInAndAnAcceleratorOfYourOwn() throws {
        let precision = CountingPrecision(), accelerator = LabelledCPU()
        let trainer = try Trainer(maxEpochs: 1, enableCheckpointing: false, enableProgressBar: false, enableModelSummary: false,
                                  logger: [], plugins: [.precision(precision), .accelerator(accelerator)])
        XCTAssertTrue(trainer.precisionPlugin === precision)
        XCTAssertTrue(trainer.acceleratorPlugin === accelerator)
        XCTAssertEqual(accelerator.setUpFor, 0)
        try trainer.fit(TinyClassifier(), train: DataLoader(classificationData(), batchSize: 16))
        XCTAssertEqual(precision.backwards, 4)
        XCTAssertEqual(trainer.acceleratorPlugin.deviceStats().first?.0, "labelled")
    }

    func testPlugInsThatContradictTheArgumentsAreRefused() throws {
        func message(_ body: () throws -> Trainer) -> String {
            do { _ = try body() } catch { return "\(error)" }
            return "no error"
        }
        XCTAssertTrue(message { try Trainer(precision: .bf16Mixed, plugins: [.precision(CountingPrecision())]) }
            .contains("a precision plug-in was given with precision: \"bf16-mixed\""))
        XCTAssertTrue(message { try Trainer(accelerator: .cpu, plugins: [.accelerator(LabelledCPU())]) }
            .contains("an accelerator plug-in was given with accelerator: .cpu"))
        let environment = try ClusterEnvironment(globalRank: 0, localRank: 0, nodeRank: 0, worldSize: 3, localWorldSize: 3,
                                                 mainAddress: "127.0.0.1", mainPort: 29500)
        XCTAssertTrue(message { try Trainer(devices: 2, strategy: .ddp, plugins: [.clusterEnvironment(environment)]) }
            .contains("the cluster environment has a world size of 3, but devices: 2 x numNodes: 1 is 2"))
        XCTAssertThrowsError(try ClusterEnvironment(globalRank: 4, localRank: 0, nodeRank: 0, worldSize: 2, localWorldSize: 2,
                                                    mainAddress: "127.0.0.1", mainPort: 29500)) {
            XCTAssertTrue("\($0)".contains("inconsistent cluster environment: rank 4"), "\($0)")
        }
    }
}
