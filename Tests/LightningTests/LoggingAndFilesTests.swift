import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Epoch means weighted by batch size, iterable data, weight export and atomic checkpoints.
final class LoggingAndFilesTests: XCTestCase {
    final class Constant: LightningModule<(Tensor, Tensor)> {
        let w = Linear(1, 1)
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            log("size", Double(batch.0.size(0)), onStep: false, onEpoch: true)
            return w(batch.0).sum() * 0
        }
        override func validationStep(_ batch: (Tensor, Tensor), batchIdx: Int) {
            log("val_first", batch.1[0].float())
        }
        override func configureOptimizers() -> OptimizerConfig { .init(SGD(parameters(), lr: 0.1)) }
    }

    func testEpochMeansAreWeightedByBatchSize() throws {
        let data = TensorDataset(Tensor.ones([10, 1]), Tensor.arange(10))
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 1, numSanityValSteps: 0, defaultRootDir: $0) }
        try trainer.fit(Constant(), train: DataLoader(data, batchSize: 4), val: DataLoader(data, batchSize: 4))
        // Batches of 4, 4 and 2: sizes weigh (4·4 + 4·4 + 2·2) / 10; first labels 0, 4, 8 weigh (0·4 + 4·4 + 8·2) / 10.
        let sizeMean: Double = 36.0 / 10, firstMean: Double = 32.0 / 10
        XCTAssertEqual(trainer.callbackMetrics["size"]!.item(), sizeMean, accuracy: 1e-6)
        XCTAssertEqual(trainer.callbackMetrics["val_first"]!.item(), firstMean, accuracy: 1e-6)
    }

    func testIterableDataAndResumeSkipping() throws {
        let loader = IterableDataLoader(count: 3, batchSize: 2, collate: .pair) { epoch in
            AnySequence((0..<6).map { (Tensor([Float($0 + 10 * epoch)]), Tensor(Int64($0))) })
        }
        var firsts: [Float] = []
        let stream = loader.stream(epoch: 1, skip: 1)
        while let (x, _) = try stream.next() { firsts.append(x[0, 0].item(as: Float.self)) }
        XCTAssertEqual(firsts, [12, 14])
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 2, defaultRootDir: $0) }
        try trainer.fit(Constant(), train: loader)
        XCTAssertEqual(trainer.globalStep, 6)
    }

    func testWeightsExportAsSafetensors() throws {
        let dir = try temporaryDirectory()
        let model = TinyClassifier()
        try Safetensors.save(model.stateDict(), to: dir + "/model.safetensors")
        let copy = TinyClassifier()
        try copy.loadStateDict(StateDict(try Safetensors.loadFile(dir + "/model.safetensors").map { ($0.key, $0.value) }))
        for (a, b) in zip(model.parameters(), copy.parameters()) { XCTAssertTrue(a.equal(b)) }
    }

    /// A process killed (SIGKILL) while saving checkpoints over and over leaves a complete one.
    func testKillDuringSaveLeavesTheCheckpointIntact() throws {
        let dir = try temporaryDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["LightningTests.LoggingAndFilesTests/testSaveForever"]
        process.environment = ProcessInfo.processInfo.environment.merging(["CHECKPOINT_DIR": dir]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let path = dir + "/model.ckpt"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: path) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.7)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let state = try TorchFile.loadStateDict(path)
        XCTAssertEqual(state["weight"]?.shape, [1024, 1024])
        XCTAssertEqual(state["weight"]!.sum().item(), 1024 * 1024)
    }

    /// The child side of the kill test; does nothing in a normal run.
    func testSaveForever() throws {
        guard let dir = ProcessInfo.processInfo.environment["CHECKPOINT_DIR"] else { return }
        let state: StateDict = ["weight": Tensor.ones([1024, 1024])]
        while true { try TorchFile.save(state, to: dir + "/model.ckpt") }
    }
}
