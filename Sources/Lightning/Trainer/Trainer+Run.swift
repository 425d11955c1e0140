import Foundation
import Torch

extension Trainer {
    /// Trains `model` on `train` (validating on `val`), or on a datamodule's loaders, or on the
    /// model's own (`trainer.fit(model)`), optionally continuing from a checkpoint. A failing step
    /// ends fitting with a `TrainerError` after the teardown and exception hooks; checkpoints
    /// already written stay.
    public func fit<Batch>(_ model: LightningModule<Batch>, train: (any BatchLoader<Batch>)? = nil,
                           val: (any BatchLoader<Batch>)? = nil, datamodule: LightningDataModule<Batch>? = nil,
                           ckptPath: CheckpointPath? = nil) throws {
        datamoduleState = datamodule.map { dm in { dm.stateDict() } }
        try run(model, stage: .fit, datamodule: datamodule) {
            guard let userTrainLoader = train ?? datamodule?.trainDataloader() ?? model.trainDataloader() else {
                throw TrainerError.misconfiguration(
                    "fit needs a training loader: pass train:, a datamodule with trainDataloader(), or override trainDataloader() in \(type(of: model))")
            }
            var trainLoader = try distributed(userTrainLoader, training: true)
            // Tools that change the batch size (BatchSizeFinder) build the loader again from the hooks.
            currentDatamodule = datamodule
            if train == nil {
                rebuildTrainLoader = { [unowned self] in
                    guard let fresh = datamodule?.trainDataloader() ?? model.trainDataloader() else {
                        throw TrainerError.misconfiguration("trainDataloader() returned no loader")
                    }
                    trainLoader = try distributed(fresh, training: true)
                    return trainLoader.count
                }
            }
            defer { (rebuildTrainLoader, currentDatamodule) = (nil, nil) }
            let valLoader = try (val ?? datamodule?.valDataloader() ?? model.valDataloader()).map { try distributed($0, training: false) }
            trainBatchesPerEpoch = options.limitTrainBatches.batches(of: trainLoader.count)
            try configureOptimizers(model)
            if let path = try fitCheckpoint(ckptPath) { try restore(from: path, model: model, datamodule: datamodule, loader: trainLoader) }
            if let seed = (trainLoader as? any SeededSampling)?.samplerSeed { trainSamplerSeed = seed }
            trainingSteps = { [unowned self] count, before, after in
                var done = 0
                var epoch = 0
                while done < count {
                    let stream = trainLoader.stream(epoch: epoch, skip: 0)
                    defer { stream.finish() }
                    var any = false
                    while done < count, let batch = try stream.next() {
                        any = true
                        let index = done
                        done += 1
                        before(index)
                        try strategyPlugin.beforeTrainingStep(synchronizing: true)
                        let batch = input(batch, for: model)
                        let context = trainingStepContext(model, batch: batch, batchIdx: index, synchronizing: true, accumulation: 1)
                        guard let loss = try runStep("training_step", batchIdx: index, {
                            try strategyPlugin.trainingStep(model, batch: batch, batchIdx: index, context: context)
                        }) else { continue }
                        for optimizer in optimizers {
                            _ = try runStep("optimizer_step", batchIdx: index) {
                                try strategyPlugin.optimizerStep(optimizer, precision: precisionPlugin, clipValue: options.gradientClipVal,
                                                                 clipAlgorithm: options.gradientClipAlgorithm)
                            }
                            optimizer.zeroGrad()
                        }
                        if try !after(loss.detach()) { return }
                    }
                    if !any { return }
                    epoch += 1
                }
            }
            defer { trainingSteps = nil }
            try callHook { try $0.onFitStart(self, model) }
            model.onFitStart()
            try FitLoop(trainer: self, module: model, train: trainLoader, val: valLoader).run()
            model.onFitEnd()
            try callHook { try $0.onFitEnd(self, model) }
        }
    }

    /// A `DataLoader` of `[Tensor]` batches given to a module of `(Tensor, Tensor)` batches: a
    /// compile-time error that says how to make pairs.
    @available(*, unavailable, message: "this DataLoader makes [Tensor] batches and the module takes (Tensor, Tensor): make the loader with collate: .pair (.triple for three tensors), or subclass LightningModule<[Tensor]>")
    public func fit<Sample>(_ model: LightningModule<(Tensor, Tensor)>, train: DataLoader<Sample, [Tensor]>,
                            val: (any BatchLoader<(Tensor, Tensor)>)? = nil, datamodule: LightningDataModule<(Tensor, Tensor)>? = nil,
                            ckptPath: CheckpointPath? = nil) throws {}

    /// Runs one validation epoch and returns the logged epoch means.
    @discardableResult
    public func validate<Batch>(_ model: LightningModule<Batch>, _ loader: (any BatchLoader<Batch>)? = nil,
                                datamodule: LightningDataModule<Batch>? = nil,
                                ckptPath: CheckpointPath? = nil) throws -> [String: Double] {
        try evaluate(model, loader, stage: .validating, datamodule: datamodule, ckptPath: ckptPath)
    }

    /// Runs one test epoch and returns the logged epoch means.
    @discardableResult
    public func test<Batch>(_ model: LightningModule<Batch>, _ loader: (any BatchLoader<Batch>)? = nil,
                            datamodule: LightningDataModule<Batch>? = nil,
                            ckptPath: CheckpointPath? = nil) throws -> [String: Double] {
        try evaluate(model, loader, stage: .testing, datamodule: datamodule, ckptPath: ckptPath)
    }

    /// Runs `predictStep` over a loader and returns its outputs.
    public func predict<Batch>(_ model: LightningModule<Batch>, _ loader: (any BatchLoader<Batch>)? = nil,
                               datamodule: LightningDataModule<Batch>? = nil,
                               ckptPath: CheckpointPath? = nil) throws -> [Tensor] {
        try predict(model, loader, datamodule: datamodule, ckptPath: ckptPath) { model.predictStep($0, batchIdx: $1) }
    }

    /// Runs the `predictStep` of a `PredictionModule` over a loader and returns its predictions
    /// as they are (pairs, dictionaries, strings...), as Lightning collects whatever
    /// `predict_step` returns.
    public func predict<Model: LightningModule<Batch> & PredictionModule, Batch>(
        _ model: Model, _ loader: (any BatchLoader<Batch>)? = nil, datamodule: LightningDataModule<Batch>? = nil,
        ckptPath: CheckpointPath? = nil
    ) throws -> [Model.Prediction] where Model.Batch == Batch {
        try predict(model, loader, datamodule: datamodule, ckptPath: ckptPath) { batch, index -> Model.Prediction? in
            model.predictStep(batch, batchIdx: index)
        }
    }

    private func predict<Batch, Output>(_ model: LightningModule<Batch>, _ loader: (any BatchLoader<Batch>)?,
                                        datamodule: LightningDataModule<Batch>?, ckptPath: CheckpointPath?,
                                        step: @escaping (Batch, Int) -> Output?) throws -> [Output] {
        var outputs: [Output] = []
        try run(model, stage: .predict, datamodule: datamodule) {
            guard let loader = loader ?? datamodule?.predictDataloader() ?? model.predictDataloader() else {
                throw TrainerError.misconfiguration(
                    "predict needs a loader: pass one, a datamodule with predictDataloader(), or override predictDataloader() in \(type(of: model))")
            }
            if let path = try resolve(ckptPath) { try restoreWeights(from: path, model: model) }
            outputs = try PredictionLoop(trainer: self, module: model, loader: loader,
                                         limit: options.limitPredictBatches.batches(of: loader.count), step: step).run()
        }
        return outputs
    }

    private func evaluate<Batch>(_ model: LightningModule<Batch>, _ loader: (any BatchLoader<Batch>)?, stage: RunningStage,
                                 datamodule: LightningDataModule<Batch>?,
                                 ckptPath: CheckpointPath?) throws -> [String: Double] {
        let testing = stage == .testing
        var results: [String: Double] = [:]
        try run(model, stage: testing ? .test : .validate, datamodule: datamodule) {
            let given = loader ?? (testing ? datamodule?.testDataloader() ?? model.testDataloader()
                                           : datamodule?.valDataloader() ?? model.valDataloader())
            guard let given else {
                let name = testing ? "test" : "validate", accessor = testing ? "testDataloader()" : "valDataloader()"
                throw TrainerError.misconfiguration(
                    "\(name) needs a loader: pass one, a datamodule with \(accessor), or override \(accessor) in \(type(of: model))")
            }
            let loader = try distributed(given, training: false)
            if let path = try resolve(ckptPath) { try restoreWeights(from: path, model: model) }
            callbackMetrics = [:]
            let limit = (testing ? options.limitTestBatches : options.limitValBatches).batches(of: loader.count)
            try EvaluationLoop(trainer: self, module: model, loader: loader, stage: stage, limit: limit).run()
            for (k, v) in callbackMetrics { results[k] = v.item() }
        }
        return results
    }

    /// Common set-up and teardown of every entry point, with the exception hooks on failure. As
    /// in Lightning, data is prepared (`prepareData` of the datamodule and the model) on the
    /// first process of each machine once the processes are connected, the others waiting at a
    /// barrier; then every process sets it up.
    private func run<Batch>(_ model: LightningModule<Batch>, stage: Stage, datamodule: LightningDataModule<Batch>?,
                            _ body: () throws -> Void) throws {
        try withRunSettings { try runWithHooks(model, stage: stage, datamodule: datamodule, body) }
    }

    private func runWithHooks<Batch>(_ model: LightningModule<Batch>, stage: Stage, datamodule: LightningDataModule<Batch>?,
                                     _ body: () throws -> Void) throws {
        module = model
        model.trainer = self
        self.stage = stage
        fitStart = Date()
        interrupted = false
        stoppedWithinEpoch = false
        fitProgress.batchEndPending = false
        shouldStop = false
        agreedShouldStop = false
        (interruption, signalSchedule) = (nil, TrainerSignals.Schedule())
        let signals = stage == .fit ? TrainerSignals.install(extra: slurmRequeue?.signal) : nil
        defer { signals?.restore() }
        do {
            precisionPlugin.convertModule(model)
            if options.syncBatchnorm { convertSyncBatchnorm(model) }
            try strategyPlugin.setupEnvironment(accelerator: acceleratorPlugin)
            try strategyPlugin.setup(model, accelerator: acceleratorPlugin, stage: stage)
            if strategyPlugin.localRank == 0 {
                datamodule?.prepareData()
                model.prepareData()
            }
            if strategyPlugin.worldSize > 1 { try strategyPlugin.barrier() }
            try profiler?.setup(stage: stage, globalRank: globalRank, logDir: loggers.first?.logDir ?? options.defaultRootDir)
            datamodule?.setup(stage: stage)
            try callHook { try $0.setup(self, model, stage: stage) }
            model.setup(stage: stage)
            if stage == .fit { for logger in loggers { try logger.logHyperparams(model.hyperparameters) } }
            if options.detectAnomaly {
                try Autograd.detectAnomaly { try body() }
            } else {
                try body()
            }
            for logger in loggers { try logger.finalize(status: interrupted ? "interrupted" : "success") }
        } catch {
            for callback in callbacks { callback.onException(self, model, error: error) }
            for logger in loggers { try? logger.finalize(status: "failed") }
            strategyPlugin.onException(error)
            try? strategyPlugin.checkpointIO.teardown()
            try? profiler?.teardown()
            strategyPlugin.teardown()
            datamodule?.teardown(stage: stage)
            model.teardown(stage: stage)
            try? callHook { try $0.teardown(self, model, stage: stage) }
            throw error
        }
        let writes = Result { try strategyPlugin.checkpointIO.teardown() }
        let profiled = Result { try profiler?.teardown() }
        strategyPlugin.teardown()
        datamodule?.teardown(stage: stage)
        model.teardown(stage: stage)
        try writes.get()
        try profiled.get()
        try callHook { try $0.teardown(self, model, stage: stage) }
        if let profiler { printer(profiler.summary()) }
        if let interruption { throw interruption }
    }

    /// Calls `configureOptimizers` (again, after a tool changed the model's hyper-parameters).
    func configureOptimizers(_ model: LightningModuleBase) throws {
        // An optimizer refusing its arguments (a negative learning rate) is an error of this call.
        let config: OptimizerConfig
        do {
            config = try withTorchErrors { model.configureOptimizers() }
        } catch let error as TorchError {
            throw TrainerError.misconfiguration("configureOptimizers() of \(type(of: model)) failed: \(error.message)")
        }
        if config.isMissing {
            throw TrainerError.misconfiguration(
                "\(type(of: model)) does not override configureOptimizers(): return the optimizers (and schedulers) to train with from it")
        }
        if model.automaticOptimization && config.optimizers.count != 1 {
            throw TrainerError.misconfiguration(
                "automatic optimization supports exactly one optimizer (got \(config.optimizers.count)); set automaticOptimization to false to step several yourself")
        }
        if !model.automaticOptimization && accumulateGradBatches != 1 {
            throw TrainerError.misconfiguration(
                "Trainer(accumulateGradBatches: \(accumulateGradBatches)) is for automatic optimization; in manual optimization step the optimizers yourself every few batches, or remove the argument")
        }
        optimizers = config.optimizers
        try strategyPlugin.setupOptimizers(optimizers)
        schedulerConfigs = config.schedulers
        lightningOptimizers = config.optimizers.map { LightningOptimizer($0, trainer: self) }
    }

    /// The checkpoint `fit` starts from: the newest preemption checkpoint (`hpc_ckpt_<n>.ckpt`)
    /// in the root folder when there is one, so that a requeued SLURM job resumes by itself (as
    /// Lightning's), else what `ckptPath` names.
    private func fitCheckpoint(_ ckptPath: CheckpointPath?) throws -> String? {
        let preemption = try strategyPlugin.broadcast(SLURMRequeue.checkpoints(in: options.defaultRootDir).last?.path ?? "")
        guard preemption.isEmpty else {
            printer("Resuming from the preemption checkpoint \(preemption).")
            return preemption
        }
        return try resolve(ckptPath)
    }

    /// The checkpoint file a `CheckpointPath` names, or nil to start fresh; rank 0's choice on every rank.
    private func resolve(_ ckptPath: CheckpointPath?) throws -> String? {
        switch ckptPath {
        case nil: return nil
        case .path(let path): return path
        case .best:
            guard let best = checkpointCallback?.bestModelPath, !best.isEmpty else {
                throw TrainerError.misconfiguration("ckptPath: .best needs a ModelCheckpoint that has saved a checkpoint in this Trainer")
            }
            return best
        case .last:
            let path = try strategyPlugin.broadcast(newestCheckpoint { $0.hasPrefix("last") } ?? "")
            if !path.isEmpty { return path }
            printer("ckptPath: .last found no last*.ckpt under \(options.defaultRootDir); starting from scratch.")
            return nil
        case .auto:
            let path = try strategyPlugin.broadcast(newestCheckpoint { _ in true } ?? "")
            if !path.isEmpty {
                printer("ckptPath: .auto resumes from \(path).")
                return path
            }
            printer("ckptPath: .auto found no checkpoint under \(options.defaultRootDir); starting from scratch.")
            return nil
        }
    }

    /// The most recently written `.ckpt` whose name passes `accepts`, in the checkpoint folder, in
    /// any run's under the root, or in the root itself. Saves are atomic renames, so each is complete.
    private func newestCheckpoint(_ accepts: (String) -> Bool) -> String? {
        let fm = FileManager.default
        let root = options.defaultRootDir
        var folders = [checkpointDirectory, root]
        let logs = (root as NSString).appendingPathComponent("lightning_logs")
        for version in (try? fm.contentsOfDirectory(atPath: logs)) ?? [] {
            folders.append("\(logs)/\(version)/checkpoints")
        }
        folders.append((root as NSString).appendingPathComponent("checkpoints"))
        let candidates = Set(folders.map { ($0 as NSString).standardizingPath }).flatMap { folder in
            ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".ckpt") && accepts($0) }
                .map { "\(folder)/\($0)" }
        }
        return candidates.max { a, b in
            let da = (try? fm.attributesOfItem(atPath: a)[.modificationDate] as? Date) ?? .distantPast
            let db = (try? fm.attributesOfItem(atPath: b)[.modificationDate] as? Date) ?? .distantPast
            return (da, a) < (db, b)
        }
    }

    /// Where checkpoints go: the checkpoint callback's folder, or the default one.
    public var checkpointDirectory: String { checkpointCallback?.dirpath ?? defaultCheckpointDirectory }

    /// The logger's `checkpoints` folder, or the root's when no logger has a folder.
    var defaultCheckpointDirectory: String {
        let dir = loggers.first?.logDir ?? ""
        return dir.isEmpty ? (options.defaultRootDir as NSString).appendingPathComponent("checkpoints") : dir + "/checkpoints"
    }
}

extension Trainer {
    /// In a multi-process run, this rank's share of a `DataLoader` (a `DistributedSampler`,
    /// shuffled for training with rank 0's seed; evaluation is padded to equal lengths so
    /// that every rank runs the same number of batches).
    func distributed<Batch>(_ loader: any BatchLoader<Batch>, training: Bool) throws -> any BatchLoader<Batch> {
        guard options.useDistributedSampler else { return loader }
        return try strategyPlugin.share(of: loader, shuffle: training && !overfitting)
    }
}

/// A loader whose order comes from a seed that checkpoints record.
protocol SeededSampling {
    var samplerSeed: UInt64? { get }
    func reseed(_ seed: UInt64)
}
