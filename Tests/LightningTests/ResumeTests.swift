import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Interrupted runs resumed from their checkpoints end bitwise equal to uninterrupted ones.
final class ResumeTests: XCTestCase {
    private func loader() -> DataLoader<[Tensor], (Tensor, Tensor)> {
        DataLoader(classificationData(count: 72), batchSize: 8, shuffle: true, numWorkers: 2, seed: 11)
    }

    private func trainer(_ dir: String, callbacks: [Callback] = []) throws -> Trainer {
        try makeTrainer(dir) {
            try Trainer(maxEpochs: 3, numSanityValSteps: 0, accumulateGradBatches: 2, deterministic: true,
                        defaultRootDir: $0, callbacks: callbacks)
        }
    }

    /// The weights after an uninterrupted run.
    private func uninterrupted() throws -> [Tensor] {
        seedEverything(5)
        let model = TinyClassifier()
        model.schedulerInterval = .step
        try trainer(try temporaryDirectory()).fit(model, train: loader())
        return model.parameters()
    }

    func testResumeFromAnInterruptionAnywhereIsExact() throws {
        let expected = try uninterrupted()
        // 9 batches per epoch, steps every 2: interruptions mid-epoch, at an odd batch (the step
        // boundary comes one batch later), and across the epoch's last, odd-sized window.
        for interruptAt in [1, 4, 8, 13, 20] {
            let dir = try temporaryDirectory()
            seedEverything(5)
            let first = TinyClassifier()
            first.schedulerInterval = .step
            let recorder = Recorder()
            recorder.interruptAtBatch = interruptAt
            let t1 = try trainer(dir, callbacks: [recorder])
            XCTAssertThrowsError(try t1.fit(first, train: loader())) { error in
                XCTAssertEqual("\(error)", "fit was stopped by SIGINT after saving \(t1.checkpointDirectory)/last.ckpt; "
                               + "fit(ckptPath: .last) continues from it")
            }
            XCTAssertTrue(t1.interrupted, "interrupt at \(interruptAt)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: t1.checkpointDirectory + "/last.ckpt"))

            seedEverything(999)
            let resumed = TinyClassifier()
            resumed.schedulerInterval = .step
            let t2 = try trainer(dir)
            try t2.fit(resumed, train: loader(), ckptPath: .last)
            XCTAssertFalse(t2.interrupted)
            XCTAssertEqual(t2.globalStep, 15, "3 epochs of 5 optimizer steps in all")
            XCTAssertLessThan(t1.globalStep, 15)
            for (a, b) in zip(expected, resumed.parameters()) {
                XCTAssertTrue(a.equal(b), "resumed after batch \(interruptAt) differs by \((a - b).abs().max().item())")
            }
        }
    }

    func testResumeFromAnEpochEndCheckpointIsExact() throws {
        let expected = try uninterrupted()
        let dir = try temporaryDirectory()
        seedEverything(5)
        let first = TinyClassifier()
        first.schedulerInterval = .step
        let t1 = try makeTrainer(dir) {
            try Trainer(maxEpochs: 1, numSanityValSteps: 0, accumulateGradBatches: 2, deterministic: true, defaultRootDir: $0)
        }
        try t1.fit(first, train: loader())
        let path = t1.checkpointCallback!.bestModelPath
        XCTAssertTrue(path.hasSuffix("epoch=0-step=5.ckpt"), path)
        let resumed = TinyClassifier()
        resumed.schedulerInterval = .step
        try trainer(dir).fit(resumed, train: loader(), ckptPath: .path(path))
        for (a, b) in zip(expected, resumed.parameters()) { XCTAssertTrue(a.equal(b)) }
    }

    func testCheckpointHasLightningsKeysAndPythonOpensIt() throws {
        let dir = try temporaryDirectory()
        let model = TinyClassifier()
        model.saveHyperparameters(["lr": 0.1, "hidden": 16])
        let t = try makeTrainer(dir) { try Trainer(maxEpochs: 1, defaultRootDir: $0) }
        try t.fit(model, train: loader())
        let path = t.checkpointCallback!.bestModelPath
        let checkpoint = try TorchFile.load(path)
        for key in ["epoch", "global_step", "pytorch-lightning_version", "swift-lightning_version", "state_dict", "loops", "callbacks", "optimizer_states",
                    "lr_schedulers", "rng_states", "precision_plugin", "hyper_parameters"] {
            XCTAssertNotNil(checkpoint[key], key)
        }
        let script = """
            import sys, torch
            ckpt = torch.load(sys.argv[1], weights_only=False)
            print(sorted(ckpt), ckpt["global_step"], ckpt["hyper_parameters"], list(ckpt["state_dict"])[:2],
                  ckpt["loops"]["fit_loop"]["state_dict"]["batches_done"], type(ckpt["rng_states"]["torch"]).__name__,
                  ckpt["loops"]["fit_loop"]["epoch_progress"]["current"])
            """
        let result = try runProcess(packageRoot + "/.venv/bin/python", ["-c", script, path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.trimmingCharacters(in: .newlines),
                       "['callbacks', 'epoch', 'global_step', 'hyper_parameters', 'loops', 'lr_schedulers', 'optimizer_states', 'precision_plugin', 'pytorch-lightning_version', 'rng_states', 'state_dict', 'swift-lightning_version'] 9 {'lr': 0.1, 'hidden': 16} ['net.0.weight', 'net.0.bias'] 9 Tensor "
                        + "{'ready': 1, 'started': 1, 'processed': 1, 'completed': 0}")
    }

    func testCorruptCheckpointsAreRefused() throws {
        let dir = try temporaryDirectory()
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/bad.ckpt"))
        XCTAssertThrowsError(try trainer(dir).fit(TinyClassifier(), train: loader(), ckptPath: .path(dir + "/bad.ckpt"))) {
            XCTAssertTrue("\($0)".contains("not a PyTorch file"), "\($0)")
        }
        try TorchFile.save(.dict([("weights", .tensor(Tensor.ones([2])))]), to: dir + "/notackpt.ckpt")
        XCTAssertThrowsError(try trainer(dir).fit(TinyClassifier(), train: loader(), ckptPath: .path(dir + "/notackpt.ckpt"))) {
            XCTAssertTrue("\($0)".contains("is not a checkpoint"), "\($0)")
        }
        let output = OutputCapture()
        let fresh = try makeTrainer(dir, output: output) { try Trainer(maxEpochs: 1, defaultRootDir: $0 + "/empty") }
        try fresh.fit(TinyClassifier(), train: loader(), ckptPath: .last)
        XCTAssertTrue(output.text.contains("found no last*.ckpt"), output.text)
    }
}
