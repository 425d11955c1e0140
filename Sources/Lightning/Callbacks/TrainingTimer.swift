import Foundation
import Torch

/// Stops fitting once `duration` seconds have passed (Lightning's `Timer`, renamed because
/// Foundation has a `Timer`), checked after each step or at
/// each epoch end, and tells how long each stage ran.
public final class TrainingTimer: Callback {
    /// When to check the time.
    public enum Interval: String, Sendable { case step, epoch }

    public let duration: Double
    public let interval: Interval
    private var starts: [Stage: Date] = [:]
    private var ends: [Stage: Date] = [:]
    private var offset: Double = 0

    public init(duration: Double, interval: Interval = .step) {
        (self.duration, self.interval) = (duration, interval)
    }

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {
        starts[stage] = Date()
        ends[stage] = nil
    }

    public func teardown(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws { ends[stage] = Date() }

    /// Seconds a stage has run (for fit, including the time before a resume).
    public func timeElapsed(_ stage: Stage = .fit) -> Double {
        guard let start = starts[stage] else { return 0 }
        return (ends[stage] ?? Date()).timeIntervalSince(start) + (stage == .fit ? offset : 0)
    }

    /// Seconds left of `duration`.
    public var timeRemaining: Double { max(0, duration - timeElapsed(.fit)) }

    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        if interval == .step && timeElapsed(.fit) >= duration { trainer.shouldStop = true }
    }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if interval == .epoch && timeElapsed(.fit) >= duration { trainer.shouldStop = true }
    }

    public func stateDict() -> StateValue { .dict([("time_elapsed", .dict([("fit", .double(timeElapsed(.fit)))]))]) }

    public func loadStateDict(_ state: StateValue) { offset = state["time_elapsed"]?["fit"]?.doubleValue ?? 0 }
}
