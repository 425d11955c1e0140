import Torch

/// When a learning-rate scheduler steps.
public enum SchedulerInterval: String, Sendable {
    case epoch, step
}

/// A scheduler with how the Trainer drives it (Lightning's `lr_scheduler` dict).
public struct LRSchedulerConfig {
    public let scheduler: LRScheduler
    public let interval: SchedulerInterval
    public let frequency: Int
    /// The metric a `ReduceLROnPlateau` steps on.
    public let monitor: String?
    /// Whether a missing monitored metric is an error (true) or skips the step.
    public let strict: Bool

    public init(_ scheduler: LRScheduler, interval: SchedulerInterval = .epoch, frequency: Int = 1, monitor: String? = nil,
                strict: Bool = true) {
        (self.scheduler, self.interval, self.frequency, self.monitor, self.strict) = (scheduler, interval, frequency, monitor, strict)
    }
}

/// What `configureOptimizers` returns: one or several optimizers and their schedulers.
public struct OptimizerConfig {
    public let optimizers: [Optimizer]
    public let schedulers: [LRSchedulerConfig]
    /// What `LightningModuleBase.configureOptimizers()` returns when a module does not override it.
    static var missing: OptimizerConfig { OptimizerConfig(optimizers: [], missing: true) }
    let isMissing: Bool

    /// One optimizer, optionally with a scheduler.
    public init(_ optimizer: Optimizer, scheduler: LRScheduler? = nil, interval: SchedulerInterval = .epoch,
                frequency: Int = 1, monitor: String? = nil) {
        optimizers = [optimizer]
        schedulers = scheduler.map { [LRSchedulerConfig($0, interval: interval, frequency: frequency, monitor: monitor)] } ?? []
        isMissing = false
    }

    /// Several optimizers (for manual optimization) and schedulers.
    public init(optimizers: [Optimizer], schedulers: [LRSchedulerConfig] = []) {
        self.init(optimizers: optimizers, schedulers: schedulers, missing: false)
    }

    private init(optimizers: [Optimizer], schedulers: [LRSchedulerConfig] = [], missing: Bool) {
        (self.optimizers, self.schedulers, isMissing) = (optimizers, schedulers, missing)
    }
}
