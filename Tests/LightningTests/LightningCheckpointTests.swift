import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Checkpoints cross over to PyTorch Lightning (the pytorch-lightning in the venv) both ways:
/// each framework resumes the other's epoch-end checkpoint for one more epoch and ends where the
/// other's uninterrupted run ends.
final class LightningCheckpointTests: XCTestCase {
    private let train = classificationData(count: 64), val = classificationData(count: 24, seed: 9)

    /// The run Tests/Oracle/lightning_checkpoints.py mirrors: batches of 8 in order, no dropout.
    private func fit(_ model: TinyClassifier, epochs: Int, dir: String, ckptPath: CheckpointPath? = nil) throws -> Trainer {
        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: epochs, numSanityValSteps: 0, deterministic: true, enableProgressBar: false, defaultRootDir: $0)
        }
        try trainer.fit(model, train: DataLoader(train, batchSize: 8), val: DataLoader(val, batchSize: 8), ckptPath: ckptPath)
        return trainer
    }

    private func assertSame(_ model: TinyClassifier, _ path: String, _ message: String) throws {
        let expected = try Safetensors.loadFile(path)
        for (name, value) in model.stateDict() {
            assertClose(value, try XCTUnwrap(expected[name], name), rtol: 1e-5, atol: 1e-6, "\(message): \(name)")
        }
    }

    func testEpochEndCheckpointsResumeInTheOtherFramework() throws {
        let dir = try temporaryDirectory()
        seedEverything(5)
        let initial = TinyClassifier(dropout: 0).stateDict()
        try Safetensors.save(initial, to: dir + "/init.safetensors")
        try Safetensors.save(["x": train.tensors[0], "y": train.tensors[1], "val_x": val.tensors[0], "val_y": val.tensors[1]],
                             to: dir + "/data.safetensors")
        func fresh() throws -> TinyClassifier {
            let model = TinyClassifier(dropout: 0)
            model.saveHyperparameters(["lr": 0.1])
            try model.loadStateDict(initial)
            return model
        }
        _ = try runOracle("lightning_checkpoints.py", [dir, "write"])

        let lightningCallbacks = try TorchFile.load(dir + "/lightning-epoch0.ckpt")["callbacks"]?.dictValue?.compactMap(\.key.stringValue)
        XCTAssertEqual(Set(lightningCallbacks ?? []), [ModelCheckpoint().stateKey, ModelCheckpoint(saveTopK: -1, everyNTrainSteps: 3).stateKey],
                       "ModelCheckpoint's state is found under the same key")
        for (file, what) in [("lightning-epoch0.ckpt", "saved at the first epoch's end"), ("lightning-step3.ckpt", "saved after step 3")] {
            let resumed = TinyClassifier(dropout: 0)
            let trainer = try fit(resumed, epochs: 2, dir: try temporaryDirectory(), ckptPath: .path(dir + "/" + file))
            XCTAssertEqual(trainer.globalStep, 16, what)
            XCTAssertEqual(trainer.currentEpoch, 2, what)
            XCTAssertEqual(trainer.batchesThatStepped, 16, what)
            try assertSame(resumed, dir + "/lightning-final.safetensors", "Lightning's checkpoint \(what), resumed here")
        }

        let uninterrupted = try fresh()
        _ = try fit(uninterrupted, epochs: 2, dir: try temporaryDirectory())
        let first = try fit(try fresh(), epochs: 1, dir: try temporaryDirectory())
        try FileManager.default.copyItem(atPath: first.checkpointCallback!.bestModelPath, toPath: dir + "/swift-epoch0.ckpt")
        let output = try runOracle("lightning_checkpoints.py", [dir, "resume"])
        XCTAssertEqual(output.trimmingCharacters(in: .newlines), "{'lr': 0.1} 16 2", "load_from_checkpoint's hyper-parameters, then steps and epochs")
        let python = try Safetensors.loadFile(dir + "/lightning-resumed.safetensors")
        for (name, value) in uninterrupted.stateDict() {
            assertClose(try XCTUnwrap(python[name], name), value, rtol: 1e-5, atol: 1e-6, "our checkpoint resumed by Lightning: \(name)")
        }
    }
}
