import Foundation
import Lightning
import TestSupport
import Torch
import XCTest

/// The shapes of real Lightning programs, written as their authors wrote them in Python.
final class PortedProgramTests: XCTestCase {
    /// Lightning's CIFAR-10 ResNet baseline, small: residual blocks of convolutions and batch
    /// norms, OneCycleLR from epochs and steps per epoch, a checkpoint rebuilt with
    /// `loadFromCheckpoint` from its hyper-parameters, predictions with `trainer.predict`.
    final class ResNet: LightningModule<(Tensor, Tensor)>, Configurable, PredictionModule {
        struct Config: Codable {
            var lr = 0.05
            var width = 8
            var epochs = 2
            var stepsPerEpoch = 4
        }

        final class Block: Module {
            let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
            init(_ width: Int) {
                (conv1, bn1) = (Conv2d(width, width, kernelSize: 3, padding: 1, bias: false), BatchNorm2d(width))
                (conv2, bn2) = (Conv2d(width, width, kernelSize: 3, padding: 1, bias: false), BatchNorm2d(width))
                super.init()
            }
            override func forward(_ x: Tensor) -> Tensor { F.relu(bn2(conv2(F.relu(bn1(conv1(x))))) + x) }
        }

        let config: Config
        let stem: Sequential
        let blocks: [Block]
        let head: Linear

        init(config: Config) {
            self.config = config
            stem = Sequential { Conv2d(3, config.width, kernelSize: 3, padding: 1, bias: false); BatchNorm2d(config.width); ReLU() }
            blocks = [Block(config.width), Block(config.width)]
            head = Linear(config.width, 10)
            super.init()
            saveHyperparameters(from: config)
        }

        override func forward(_ x: Tensor) -> Tensor {
            let features = blocks.reduce(stem(x)) { $1($0) }
            return head(F.adaptiveAvgPool2d(features, outputSize: [1, 1]).flatten(startDim: 1))
        }

        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let loss = F.crossEntropy(forward(batch.0), batch.1)
            log("train_loss", loss)
            return loss
        }

        func predictStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> (labels: [Int], confidence: [Float])? {
            let probabilities = forward(batch.0).softmax(dim: 1)
            return (probabilities.argmax(dim: 1).scalars(as: Int64.self).map(Int.init), probabilities.max(dim: 1).values.scalars(as: Float.self))
        }

        override func configureOptimizers() -> OptimizerConfig {
            let optimizer = SGD(parameters(), lr: config.lr, momentum: 0.9, weightDecay: 5e-4)
            return OptimizerConfig(optimizer, scheduler: OneCycleLR(optimizer, maxLr: config.lr, epochs: config.epochs,
                                                                      stepsPerEpoch: config.stepsPerEpoch), interval: .step)
        }
    }

    func testACIFARStyleResNetTrainsReloadsAndPredicts() throws {
        seedEverything(1)
        let images = Tensor.rand([32, 3, 32, 32]), labels = Tensor.randint(0, 10, [32])
        let loader = DataLoader(TensorDataset(images, labels), batchSize: 8, shuffle: true, seed: 2)
        let model = ResNet(config: .init())
        let trainer = try makeTrainer(try temporaryDirectory()) { try Trainer(maxEpochs: 2, defaultRootDir: $0) }
        try trainer.fit(model, train: loader)
        XCTAssertEqual(trainer.globalStep, 8)
        let path = try XCTUnwrap(trainer.checkpointCallback?.bestModelPath)
        let reloaded = try ResNet.loadFromCheckpoint(path)
        XCTAssertEqual(reloaded.config.width, 8)
        let evaluation = DataLoader(TensorDataset(images, labels), batchSize: 16)
        let before = try trainer.predict(model, evaluation)
        let after = try trainer.predict(reloaded, evaluation)
        XCTAssertEqual(before.flatMap(\.labels), after.flatMap(\.labels), "the reloaded model predicts the same classes")
        XCTAssertEqual(before.flatMap(\.confidence), after.flatMap(\.confidence))
        XCTAssertEqual(before.flatMap(\.labels).count, 32)
    }

    /// Lightning's GAN example's shape: two optimizers stepped by hand with `toggleOptimizer`,
    /// generated samples logged to TensorBoard as an image grid every epoch.
    func testAGANTogglesItsOptimizersAndLogsImages() throws {
        final class GAN: LightningModule<(Tensor, Tensor)> {
            let generator = Sequential { Linear(4, 16); ReLU(); Linear(16, 16); Sigmoid() }
            let discriminator = Sequential { Linear(16, 8); LeakyReLU(negativeSlope: 0.2); Linear(8, 1) }
            override var automaticOptimization: Bool { false }
            override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
                let (optG, optD) = (optimizers()[0], optimizers()[1])
                let noise = Tensor.randn([batch.0.size(0), 4])
                toggleOptimizer(optG)
                let gLoss = F.binaryCrossEntropyWithLogits(discriminator(generator(noise)), Tensor.ones([noise.size(0), 1]))
                manualBackward(gLoss)
                optG.step()
                optG.zeroGrad()
                untoggleOptimizer(optG)
                toggleOptimizer(optD)
                let real = F.binaryCrossEntropyWithLogits(discriminator(batch.0), Tensor.ones([noise.size(0), 1]))
                let fake = F.binaryCrossEntropyWithLogits(discriminator(generator(noise).detach()), Tensor.zeros([noise.size(0), 1]))
                manualBackward((real + fake) / 2)
                optD.step()
                optD.zeroGrad()
                untoggleOptimizer(optD)
                log("g_loss", gLoss, progressBar: true)
                return nil
            }
            override func onTrainEpochEnd() {
                let samples = withNoGrad { generator(Tensor.randn([6, 4])) }.reshape([6, 1, 4, 4])
                try? (logger as? TensorBoardLogger)?.experiment.addImages("generated", samples, step: currentEpoch)
            }
            override func configureOptimizers() -> OptimizerConfig {
                .init(optimizers: [Adam(generator.parameters(), lr: 2e-3), Adam(discriminator.parameters(), lr: 2e-3)])
            }
        }
        let dir = try temporaryDirectory()
        let tensorboard = TensorBoardLogger(root: dir)
        let trainer = try makeTrainer(dir) { try Trainer(maxEpochs: 2, defaultRootDir: $0, logger: [tensorboard]) }
        try trainer.fit(GAN(), train: DataLoader(TensorDataset(Tensor.rand([16, 16]), Tensor.zeros([16])), batchSize: 8))
        XCTAssertEqual(trainer.globalStep, 8, "two optimizer steps for each of 4 batches")
        try tensorboard.finalize(status: "success")
        let read = try JSONSerialization.jsonObject(with: Data(try runOracle("tensorboard_read.py", [tensorboard.logDir]).utf8))
            as! [String: [String: Any]]
        let grid = try XCTUnwrap(read["images"]?["generated"] as? [Any])
        XCTAssertEqual(grid[0] as? Int, 1, "the last epoch's grid")
        XCTAssertEqual(grid[1..<4].map { $0 as? Int }, [24, 4, 3], "six 4x4 samples in a row (one row: fewer than 8), RGB")
    }

    /// Lightning's semantic-segmentation UNet example, small: double convolutions down (max
    /// pooling) and up (transposed convolutions, or bilinear upsampling with the generated
    /// `ATen.upsampleBilinear2d`), skip connections concatenated, per-pixel cross entropy.
    final class UNet: LightningModule<(Tensor, Tensor)> {
        static func double(_ inChannels: Int, _ outChannels: Int) -> Sequential {
            Sequential {
                Conv2d(inChannels, outChannels, kernelSize: 3, padding: 1); BatchNorm2d(outChannels); ReLU()
                Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1); BatchNorm2d(outChannels); ReLU()
            }
        }

        let bilinear: Bool
        let inc = UNet.double(1, 8), down1 = UNet.double(8, 16), down2 = UNet.double(16, 32)
        let upConv2 = ConvTranspose2d(32, 16, kernelSize: [2, 2], stride: [2, 2])
        let upConv1 = ConvTranspose2d(16, 8, kernelSize: [2, 2], stride: [2, 2])
        let reduce2 = Conv2d(32, 16, kernelSize: 1), reduce1 = Conv2d(16, 8, kernelSize: 1)
        let up2 = UNet.double(32, 16), up1 = UNet.double(16, 8)
        let out = Conv2d(8, 3, kernelSize: 1)

        init(bilinear: Bool) {
            self.bilinear = bilinear
            super.init()
        }

        func upsample(_ x: Tensor, _ transposed: ConvTranspose2d, _ reduce: Conv2d) -> Tensor {
            guard bilinear else { return transposed(x) }
            return reduce(ATen.upsampleBilinear2d(x, outputSize: [x.size(2) * 2, x.size(3) * 2], alignCorners: true))
        }

        override func forward(_ x: Tensor) -> Tensor {
            let x1 = inc(x)
            let x2 = down1(F.maxPool2d(x1, 2))
            let x3 = down2(F.maxPool2d(x2, 2))
            let y2 = up2(Tensor.cat([x2, upsample(x3, upConv2, reduce2)], dim: 1))
            let y1 = up1(Tensor.cat([x1, upsample(y2, upConv1, reduce1)], dim: 1))
            return out(y1)
        }

        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let loss = F.crossEntropy(forward(batch.0), batch.1, ignoreIndex: 250)
            log("train_loss", loss)
            return loss
        }

        override func configureOptimizers() -> OptimizerConfig { .init(Adam(parameters(), lr: 1e-2)) }
    }

    func testAUNetSegmentsWithTransposedConvolutionsAndWithBilinearUpsampling() throws {
        seedEverything(4)
        let images = Tensor.rand([16, 1, 16, 16])
        // Three classes by brightness; a border of pixels to ignore, as the example's void label.
        var masks = (images.reshape([16, 16, 16]) * 3).floor().clamp(min: 0, max: 2).to(dtype: .int64)
        masks = masks.maskedFill(Tensor.rand([16, 16, 16]) .> 0.9, 250)
        for bilinear in [false, true] {
            let model = UNet(bilinear: bilinear)
            let losses = LossHistory()
            let trainer = try makeTrainer(try temporaryDirectory()) {
                try Trainer(maxEpochs: 6, enableCheckpointing: false, defaultRootDir: $0, callbacks: [losses])
            }
            try trainer.fit(model, train: DataLoader(TensorDataset(images, masks), batchSize: 8, shuffle: true, seed: 1))
            XCTAssertEqual(model.eval()(images[0..<2]).shape, [2, 3, 16, 16])
            XCTAssertLessThan(losses.values.suffix(2).reduce(0, +), losses.values.prefix(2).reduce(0, +) * 0.8,
                              "bilinear \(bilinear): \(losses.values)")
        }
    }

    /// Lightning's LSTM demo, a word-level language model: embedding, a two-layer `nn.LSTM`
    /// (the fused operator, so cuDNN would serve it), a linear decoder.
    final class LanguageModel: LightningModule<(Tensor, Tensor)> {
        let embedding = Embedding(20, 8)
        let lstm = LSTM(8, 16, numLayers: 2, batchFirst: true)
        let decoder = Linear(16, 20)

        override func forward(_ x: Tensor) -> Tensor { decoder(lstm(embedding(x), nil).output) }

        override func trainingStep(_ batch: (Tensor, Tensor), batchIdx: Int) -> Tensor? {
            let logits = forward(batch.0)
            let loss = F.crossEntropy(logits.reshape([-1, 20]), batch.1.reshape([-1]))
            log("train_loss", loss)
            return loss
        }

        override func configureOptimizers() -> OptimizerConfig { .init(Adam(parameters(), lr: 1e-2)) }
    }

    func testAnLSTMLanguageModelOnTheFusedOperator() throws {
        let reference = oracleReference("lstm.py").tensors
        let lstm = LSTM(8, 16, numLayers: 2, batchFirst: true)
        var weights = StateDict()
        for (key, value) in reference where key.hasPrefix("weights/") { weights[String(key.dropFirst(8))] = value }
        try lstm.loadStateDict(weights)
        let (output, (h, c)) = lstm(reference["x"]!, nil)
        assertClose(output, reference["y"]!, rtol: 1e-5, atol: 1e-6, "output")
        assertClose(h, reference["h"]!, rtol: 1e-5, atol: 1e-6, "h")
        assertClose(c, reference["c"]!, rtol: 1e-5, atol: 1e-6, "c")

        seedEverything(5)
        // A repeating sequence: each token predicts the next.
        let tokens = ATen.remainder(Tensor.arange(0, 64 * 11), other: 20).reshape([64, 11])
        let losses = LossHistory()
        let trainer = try makeTrainer(try temporaryDirectory()) {
            try Trainer(maxEpochs: 8, enableCheckpointing: false, defaultRootDir: $0, callbacks: [losses])
        }
        let data = TensorDataset(tokens[TensorIndex.all, 0..<10], tokens[TensorIndex.all, 1..<11])
        try trainer.fit(LanguageModel(), train: DataLoader(data, batchSize: 16, shuffle: true, seed: 2))
        XCTAssertLessThan(losses.values.last!, losses.values.first! * 0.5, "\(losses.values)")
    }
}

/// Every training loss, in order.
final class LossHistory: Callback {
    var values: [Double] = []
    func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        if let loss { values.append(loss.item()) }
    }
}
