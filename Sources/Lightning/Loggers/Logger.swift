import Torch

/// Where the Trainer sends logged metrics and hyper-parameters (`pytorch_lightning.loggers.Logger`).
public protocol Logger: AnyObject {
    /// The folder of this run's files.
    var logDir: String { get }
    /// Records metrics at a step.
    func logMetrics(_ metrics: [(String, Double)], step: Int) throws
    /// Records the hyper-parameters.
    func logHyperparams(_ params: [(String, StateValue)]) throws
    /// Writes what is buffered; called at the end of a run.
    func finalize(status: String) throws
}
