import Foundation

/// Records the Trainer's actions (Lightning's `Profiler`): `training_step`, `backward`,
/// `optimizer_step`, `train_dataloader_next`, `run_training_batch`, `validation_step`; a report
/// is printed when a run ends. `SimpleProfiler` times them, `PyTorchProfiler` traces the libtorch
/// operators inside them. Choose one with `Trainer(profiler: .simple / .pytorch)`, or give a
/// configured one with `plugins: [.profiler(...)]`.
public protocol Profiler: AnyObject {
    /// Runs `body` as `action`, recorded.
    func profile<T>(_ action: String, _ body: () throws -> T) rethrows -> T
    /// A run starts: its stage, this process's rank and the folder for files.
    func setup(stage: Stage, globalRank: Int, logDir: String) throws
    /// A training batch ended (profiling schedules count these).
    func step() throws
    /// Finishes what is being recorded when a run ends.
    func teardown() throws
    /// The report printed at the end of a run.
    func summary() -> String
}

extension Trainer {
    /// Runs `body`, recorded when a profiler is on.
    func profile<T>(_ action: String, _ body: () throws -> T) rethrows -> T {
        guard let profiler else { return try body() }
        return try profiler.profile(action, body)
    }
}
