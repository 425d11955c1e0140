import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// Trainer(precision:) on CPU: mixed precision trains, the loss scaler is in checkpoints, true
/// half precision converts weights and inputs, and Lightning's spellings parse.
final class PrecisionTests: XCTestCase {
    final class Blobs: LightningModule<(Tensor, Tensor)> {
        let net = Sequential { Linear(2, 32); ReLU(); Linear(32, 3) }
        var losses: [Double] = []
        var logitsDType: DType?
        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let logits = net(batch.0)
            logitsDType = logits.dtype
            let loss = F.crossEntropy(logits, batch.1)
            losses.append(loss.item())
            return loss
        }
        override func configureOptimizers() -> OptimizerConfig { .init(Adam(parameters(), lr: 0.01)) }
    }

    func blobs() -> DataLoader<[Tensor], (Tensor, Tensor)> {
        let g = Generator(seed: 3)
        let y = Tensor.randint(0, 3, [600], generator: g)
        let centers = Tensor([[0, 3], [3, -2], [-3, -2]] as [[Float]])
        let x = centers.indexSelect(dim: 0, index: y) + Tensor.randn([600, 2], generator: g) * 0.5
        return DataLoader(TensorDataset(x, y), batchSize: 32, shuffle: true, seed: 1)
    }

    func train(_ precision: Precision, dir: String) throws -> (Blobs, Trainer) {
        seedEverything(0)
        let model = Blobs()
        let trainer = try Trainer(precision: precision, maxEpochs: 3, enableProgressBar: false, enableModelSummary: false,
                                  defaultRootDir: dir, logger: [])
        try trainer.fit(model, train: blobs())
        return (model, trainer)
    }

    func assertConverges(_ model: Blobs, _ precision: Precision) {
        let first = model.losses.prefix(5).reduce(0, +) / 5, last = model.losses.suffix(10).reduce(0, +) / 10
        XCTAssertGreaterThan(first, 0.6, "\(precision) starts untrained")
        XCTAssertLessThan(last, 0.15, "\(precision) converges: \(first) -> \(last)")
    }

    func testBF16MixedTrainsUnderAutocast() throws {
        let (model, trainer) = try train(.bf16Mixed, dir: try temporaryDirectory())
        XCTAssertEqual(model.logitsDType, .bfloat16)
        XCTAssertEqual(model.net.parameters()[0].dtype, .float32, "weights stay float32")
        XCTAssertTrue(trainer.precisionPlugin is MixedPrecision)
        assertConverges(model, .bf16Mixed)
    }

    func testFP16MixedTrainsWithALossScalerSavedInCheckpoints() throws {
        let dir = try temporaryDirectory()
        let (model, trainer) = try train(.mixed16, dir: dir)
        XCTAssertEqual(model.logitsDType, .float16)
        assertConverges(model, .mixed16)
        let scaler = try XCTUnwrap((trainer.precisionPlugin as? MixedPrecision)?.scaler)
        try trainer.saveCheckpoint(to: dir + "/amp.ckpt")
        let saved = try TorchFile.load(dir + "/amp.ckpt")["precision_plugin"]
        XCTAssertEqual(saved?["scale"]?.doubleValue, scaler.scale)
        XCTAssertEqual(saved?["growth_interval"]?.intValue, 2000)
    }

    func testTrueHalfAndDoublePrecisionConvertWeightsAndInputs() throws {
        for (precision, dtype) in [(Precision.bf16True, DType.bfloat16), (.true64, .float64)] {
            let (model, _) = try train(precision, dir: try temporaryDirectory())
            XCTAssertEqual(model.logitsDType, dtype)
            XCTAssertEqual(model.net.parameters()[0].dtype, dtype)
            XCTAssertLessThan(model.losses.last!, model.losses.first!)
        }
    }

    func testLightningSpellingsParse() {
        XCTAssertEqual(Precision(lightning: "16-mixed"), .mixed16)
        XCTAssertEqual(Precision(lightning: "16"), .mixed16)
        XCTAssertEqual(Precision(lightning: "bf16-mixed"), .bf16Mixed)
        XCTAssertEqual(Precision(lightning: "bf16"), .bf16Mixed)
        XCTAssertEqual(Precision(lightning: "32"), .true32)
        XCTAssertEqual(Precision(lightning: "32-true"), .true32)
        XCTAssertEqual(Precision(lightning: "64"), .true64)
        XCTAssertEqual(Precision(lightning: "bf16-true"), .bf16True)
        XCTAssertNil(Precision(lightning: "8"))
        for precision in Precision.allCases { XCTAssertEqual(Precision(lightning: precision.rawValue), precision) }
    }
}
