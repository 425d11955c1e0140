import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Weight averaging during fit: the average follows PyTorch's update rule, validation sees it,
/// training does not, and checkpoints carry both so that a resumed fit ends as an uninterrupted one.
final class WeightAveragingTests: XCTestCase {
    /// The weights after every optimizer step and the weights validation saw, per validation.
    final class Recorder: Callback {
        var afterSteps: [[Tensor]] = []
        var validated: [[Tensor]] = []
        func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
            afterSteps.append(module.parameters().map { $0.detach().clone() })
        }
        func onValidationBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {
            if batchIdx == 0 && !trainer.sanityChecking { validated.append(module.parameters().map { $0.detach().clone() }) }
        }
    }

    func fit(_ callbacks: [Callback], dir: String, epochs: Int = 2, validate: Bool = false,
             ckpt: CheckpointPath? = nil) throws -> (Trainer, TinyClassifier) {
        _ = seedEverything(5)
        let model = TinyClassifier(dropout: 0)
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: epochs, enableProgressBar: false, defaultRootDir: $0,
                        callbacks: callbacks + [ModelCheckpoint(dirpath: dir + "/ckpt", saveTopK: -1)])
        }
        let data = classificationData()
        try trainer.fit(model, train: DataLoader(data, batchSize: 8, shuffle: true, seed: 1),
                        val: validate ? DataLoader(data, batchSize: 16) : nil, ckptPath: ckpt)
        return (trainer, model)
    }

    /// `decay * average + (1 - decay) * weights` after the steps `steps` selects, the first copying.
    func expectedEMA(_ afterSteps: [[Tensor]], decay: Double, steps: (Int) -> Bool) -> [Tensor] {
        var average: [Tensor]?
        for (index, weights) in afterSteps.enumerated() where steps(index) {
            average = average.map { zip($0, weights).map { a, w in a * decay + w * (1 - decay) } } ?? weights
        }
        return average ?? []
    }

    func testEMAFollowsTheWeightsAfterTheChosenStepsAndEndsInTheModel() throws {
        for (every, start) in [(1, 0), (3, 4)] {
            let recorder = Recorder()
            let ema = EMAWeightAveraging(decay: 0.9, updateEveryNSteps: every, updateStartingAtStep: start)
            let (_, model) = try fit([recorder, ema], dir: try temporaryDirectory())
            XCTAssertEqual(recorder.afterSteps.count, 16)
            let chosen = { (index: Int) in index >= start && index % every == 0 }
            XCTAssertEqual(ema.nAveraged, (0..<16).filter(chosen).count)
            let expected = expectedEMA(recorder.afterSteps, decay: 0.9, steps: chosen)
            for (p, e) in zip(model.parameters(), expected) { assertClose(p, e, rtol: 1e-5, atol: 1e-6, "every \(every) from \(start)") }
            XCTAssertFalse(model.parameters()[0].allclose(recorder.afterSteps[15][0]), "the model ends with the average, not the last weights")
        }
    }

    /// Validation runs with the average; training goes on from the current weights, which end up
    /// under `current_model_state` in the checkpoint, the average under `state_dict`.
    func testValidationSeesTheAverageAndTrainingTheCurrentWeights() throws {
        let plainRecorder = Recorder()
        _ = try fit([plainRecorder], dir: try temporaryDirectory(), validate: true)
        let recorder = Recorder()
        let dir = try temporaryDirectory()
        let ema = EMAWeightAveraging(decay: 0.8)
        _ = try fit([recorder, ema], dir: dir, validate: true)
        for (a, b) in zip(recorder.afterSteps.joined(), plainRecorder.afterSteps.joined()) {
            XCTAssertTrue(a.equal(b), "the swaps for validation leave training's weights alone")
        }
        XCTAssertEqual(recorder.validated.count, 2)
        let afterEpoch0 = expectedEMA(Array(recorder.afterSteps[0..<8]), decay: 0.8) { _ in true }
        for (v, e) in zip(recorder.validated[0], afterEpoch0) { assertClose(v, e, rtol: 1e-5, atol: 1e-6, "validated weights") }
        let checkpoint = try TorchFile.load(dir + "/ckpt/epoch=1-step=16.ckpt")
        let averaged = try XCTUnwrap(checkpoint["state_dict"]?.stateDictValue)
        let current = try XCTUnwrap(checkpoint["current_model_state"]?.stateDictValue)
        XCTAssertTrue(try XCTUnwrap(current["net.0.weight"]).equal(plainRecorder.afterSteps[15][0]))
        XCTAssertTrue(try XCTUnwrap(averaged["net.0.weight"]).equal(recorder.validated[1][0]))
        XCTAssertEqual(checkpoint["averaging_state"]?["n_averaged"]?.intValue, 16)
    }

    func testAFitResumedWithEMAEqualsTheUninterruptedOne() throws {
        let (_, whole) = try fit([EMAWeightAveraging(decay: 0.9)], dir: try temporaryDirectory(), epochs: 3)
        let dir = try temporaryDirectory()
        _ = try fit([EMAWeightAveraging(decay: 0.9)], dir: dir, epochs: 1)
        let ema = EMAWeightAveraging(decay: 0.9)
        let (_, resumed) = try fit([ema], dir: dir, epochs: 3, ckpt: .path(dir + "/ckpt/epoch=0-step=8.ckpt"))
        XCTAssertEqual(ema.nAveraged, 24)
        for (a, b) in zip(resumed.parameters(), whole.parameters()) { XCTAssertTrue(a.equal(b)) }
    }

    func testInvalidSettingsAreRefusedBeforeTraining() throws {
        XCTAssertThrowsError(try fit([EMAWeightAveraging(decay: 1.5)], dir: try temporaryDirectory())) {
            XCTAssertEqual("\($0)", "EMAWeightAveraging(decay: 1.5) must be in [0, 1]")
        }
    }
}
