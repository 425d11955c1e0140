import Metrics
import Torch

extension Trainer {
    /// Records a value from `log`, with Lightning's defaults for the running stage.
    func record(_ name: String, _ value: Tensor, onStep: Bool?, onEpoch: Bool?, progressBar: Bool, syncDist: Bool,
                batchSize: Int?) {
        guard let stage = runningStage, !options.barebones else { return }
        // (A placeholder of a failed op is left to that op's error.)
        guard !value.isDefined || value.numel == 1 else {
            pendingError = TrainerError.misconfiguration(
                "log(\"\(name)\", ...) was given a tensor of shape \(value.shape); a logged value must have one element (log a reduction such as .mean())")
            return
        }
        let training = stage.isTraining
        (training ? trainingMetrics : evaluationMetrics).log(name, value, batchSize: batchSize ?? currentBatchSize,
                                                             onStep: onStep ?? training, onEpoch: onEpoch ?? !training,
                                                             progressBar: progressBar, syncDist: syncDist)
        if training || onStep == true { callbackMetrics[name] = value.detach() }
    }

    /// Records a metric object logged by the module: its batch value per step, its value over
    /// the epoch when the epoch ends.
    func record(_ name: String, metric: Metric, onStep: Bool?, onEpoch: Bool?, progressBar: Bool) {
        guard let stage = runningStage, !options.barebones else { return }
        let training = stage.isTraining
        (training ? trainingMetrics : evaluationMetrics).log(name, metric: metric, onStep: onStep ?? training,
                                                             onEpoch: onEpoch ?? !training, progressBar: progressBar)
        if let value = metric.batchValue, training || onStep == true { callbackMetrics[name] = value }
    }

    /// Publishes the step values of the training stage (every `logEveryNSteps` steps to loggers).
    func publishStepMetrics(log: Bool) throws {
        var toLog: [(String, Double)] = []
        for (name, value, progressBar) in try trainingMetrics.stepValues(strategy: strategyPlugin) {
            callbackMetrics[name] = value
            if progressBar { progressBarMetrics[name] = value }
            if log {
                loggedMetrics[name] = value
                toLog.append((name, value.item()))
            }
        }
        if log && !toLog.isEmpty {
            toLog.append(("epoch", Double(currentEpoch)))
            for logger in loggers { try logger.logMetrics(toLog, step: loggingStep) }
        }
    }

    /// The step loggers record: the index of the last batch that stepped, as Lightning's.
    var loggingStep: Int { max(batchesThatStepped - 1, 0) }

    /// Publishes the epoch means of a stage to callback metrics and loggers, then clears them.
    func publishEpochMetrics(_ metrics: MetricStore) throws {
        var toLog: [(String, Double)] = []
        try metrics.synchronizeEpochSums(strategy: strategyPlugin)
        for (name, value, plain, progressBar) in metrics.epochValues() {
            callbackMetrics[name] = value
            callbackMetrics[plain] = value
            loggedMetrics[name] = value
            if progressBar { progressBarMetrics[plain] = value }
            toLog.append((name, value.item()))
        }
        metrics.reset()
        if !toLog.isEmpty && !sanityChecking {
            toLog.append(("epoch", Double(currentEpoch)))
            for logger in loggers { try logger.logMetrics(toLog, step: loggingStep) }
        }
    }
}
