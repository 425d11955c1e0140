import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Every checkpoint a run saves, wherever in an epoch `ModelCheckpoint` saved it, resumes to the
/// same weights, learning rate and step count as the uninterrupted run, bitwise (CPU).
final class ExactResumeTests: XCTestCase {
    /// One way of training: the Trainer's arguments, the callbacks, the model's scheduler.
    struct Scenario {
        let name: String
        var valCheckInterval: BatchLimit = .all
        var maxEpochs = 3
        var accumulateGradBatches = 1
        var plateau = false
        var earlyStopping: (() -> EarlyStopping)?
        var checkpoint: () -> ModelCheckpoint = { ModelCheckpoint(monitor: "val_loss", saveTopK: -1) }
    }

    private func fit(_ scenario: Scenario, dir: String, ckptPath: CheckpointPath? = nil) throws -> (Trainer, TinyClassifier) {
        seedEverything(5)
        let model = TinyClassifier()
        model.plateau = scenario.plateau
        let callbacks: [Callback] = [scenario.checkpoint()] + (scenario.earlyStopping.map { [$0()] } ?? [])
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: scenario.maxEpochs, valCheckInterval: scenario.valCheckInterval, numSanityValSteps: 0,
                        accumulateGradBatches: scenario.accumulateGradBatches, deterministic: true, enableProgressBar: false,
                        defaultRootDir: $0, callbacks: callbacks)
        }
        let train = DataLoader(classificationData(count: 72), batchSize: 8, shuffle: true, numWorkers: 2, seed: 11)
        let val = DataLoader(classificationData(count: 24, seed: 9), batchSize: 8)
        try trainer.fit(model, train: train, val: val, ckptPath: ckptPath)
        return (trainer, model)
    }

    /// Runs the scenario once, then resumes from each checkpoint it saved (but those `skipping`
    /// names); returns the files.
    @discardableResult
    private func check(_ scenario: Scenario, skipping: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let (trainer, model) = try fit(scenario, dir: try temporaryDirectory())
        let folder = trainer.checkpointDirectory
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".ckpt") }.sorted()
        XCTAssertFalse(files.isEmpty, scenario.name, file: file, line: line)
        for name in files where !skipping.contains(name) {
            let (resumedTrainer, resumed) = try fit(scenario, dir: try temporaryDirectory(), ckptPath: .path(folder + "/" + name))
            let what = "\(scenario.name), resumed from \(name)"
            XCTAssertEqual(resumedTrainer.globalStep, trainer.globalStep, what, file: file, line: line)
            XCTAssertEqual(resumedTrainer.currentEpoch, trainer.currentEpoch, what, file: file, line: line)
            XCTAssertEqual(resumedTrainer.optimizers[0].paramGroups[0].lr, trainer.optimizers[0].paramGroups[0].lr, what, file: file, line: line)
            for (a, b) in zip(model.parameters(), resumed.parameters()) {
                XCTAssertTrue(a.equal(b), "\(what): differs by \((a - b).abs().max().item())", file: file, line: line)
            }
        }
        return files
    }

    func testEpochEndCheckpointsWithAnEpochScheduler() throws {
        let files = try check(Scenario(name: "StepLR per epoch, validation at epoch ends"))
        XCTAssertEqual(files, ["epoch=0-step=9.ckpt", "epoch=1-step=18.ckpt", "epoch=2-step=27.ckpt"])
    }

    func testValidationsWithinEpochsWithAPlateauScheduler() throws {
        let files = try check(Scenario(name: "valCheckInterval 0.5, ReduceLROnPlateau", valCheckInterval: .fraction(0.5), plateau: true))
        XCTAssertEqual(files, ["epoch=0-step=4.ckpt", "epoch=0-step=8.ckpt", "epoch=1-step=13.ckpt", "epoch=1-step=17.ckpt",
                               "epoch=2-step=22.ckpt", "epoch=2-step=26.ckpt"], "9 batches an epoch: validation after 4 and 8, as in Lightning")
    }

    func testEarlyStoppingAfterResume() throws {
        let scenario = Scenario(name: "EarlyStopping(patience: 1)", maxEpochs: 6,
                                earlyStopping: { EarlyStopping(monitor: "val_loss", minDelta: 10, patience: 1) })
        let files = try check(scenario, skipping: ["epoch=1-step=18.ckpt"])
        XCTAssertEqual(files, ["epoch=0-step=9.ckpt", "epoch=1-step=18.ckpt"], "no improvement of 10: stops after the second epoch")
        // The checkpoint of the epoch that stopped does not hold the decision, as in Lightning:
        // resumed, it trains one more epoch, after which EarlyStopping stops it again.
        let (first, _) = try fit(scenario, dir: try temporaryDirectory())
        let (resumed, _) = try fit(scenario, dir: try temporaryDirectory(),
                                   ckptPath: .path(first.checkpointDirectory + "/epoch=1-step=18.ckpt"))
        XCTAssertEqual(resumed.globalStep, 27)
    }

    func testStepCheckpointsBeforeTheValidationsDueAfterThem() throws {
        let scenario = Scenario(name: "validation every 3 batches, checkpoints every 3 steps, EarlyStopping on validations",
                                valCheckInterval: .count(3),
                                earlyStopping: { EarlyStopping(monitor: "val_loss", minDelta: 10, patience: 4) },
                                checkpoint: { ModelCheckpoint(saveTopK: -1, everyNTrainSteps: 3) })
        let files = try check(scenario)
        XCTAssertEqual(files, ["epoch=0-step=3.ckpt", "epoch=0-step=6.ckpt", "epoch=0-step=9.ckpt", "epoch=1-step=12.ckpt",
                               "epoch=1-step=15.ckpt"], "the fifth validation (after step 15) stops the fit")
    }

    func testAccumulationWithStepCheckpoints() throws {
        try check(Scenario(name: "accumulateGradBatches 2, everyNTrainSteps 2", accumulateGradBatches: 2,
                           checkpoint: { ModelCheckpoint(saveTopK: -1, everyNTrainSteps: 2) }))
    }
}
