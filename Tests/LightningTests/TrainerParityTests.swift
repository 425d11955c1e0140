import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// The Trainer against the same training written as a plain loop in PyTorch.
final class TrainerParityTests: XCTestCase {
    func testTrainerMatchesAPlainPyTorchLoop() throws {
        let dir = try temporaryDirectory()
        seedEverything(0)
        let model = TinyClassifier(dropout: 0)
        let data = classificationData(count: 72)
        var inputs: [String: Tensor] = ["x": data.tensors[0], "y": data.tensors[1]]
        for (k, v) in model.stateDict() { inputs["init/" + k] = v }
        try Safetensors.save(inputs, to: dir + "/in.safetensors")

        let trainer = try makeTrainer(dir) {
            try Trainer(maxEpochs: 3, numSanityValSteps: 0, accumulateGradBatches: 2, gradientClipVal: 1.0,
                        enableCheckpointing: false, defaultRootDir: $0)
        }
        try trainer.fit(model, train: DataLoader(data, batchSize: 8, shuffle: true, numWorkers: 2, seed: 11))
        XCTAssertEqual(trainer.globalStep, 15)

        _ = try runOracle("trainer_parity.py", [dir + "/in.safetensors", dir + "/out.safetensors"])
        let reference = try Safetensors.loadFile(dir + "/out.safetensors")
        for (name, value) in model.stateDict() {
            assertClose(value, reference[name]!, rtol: 1e-5, atol: 1e-6, name)
        }
    }
}
