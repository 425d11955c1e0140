import Torch

/// Logs the device's statistics while training (`DeviceStatsMonitor`), at the start and end of
/// each training batch that is logged (every `logEveryNSteps`), under
/// `DeviceStatsMonitor.on_train_batch_start/<stat>`. On the CPU: system CPU use
/// (`cpu_percent`), memory and swap in use (`cpu_vm_percent`, `cpu_swap_percent`) as
/// Lightning's psutil figures, and this process's resident memory (`cpu_rss_mb`), read from
/// /proc. On a GPU: the caching allocator's current and peak memory, and the GPU's utilisation
/// and temperature through NVML where the driver has it.
public final class DeviceStatsMonitor: Callback {
    public init() {}

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {
        if stage == .fit && trainer.loggers.isEmpty && trainer.isGlobalZero {
            throw TrainerError.misconfiguration("Cannot use `DeviceStatsMonitor` callback with `Trainer` that has no logger.")
        }
    }

    public func onTrainBatchStart(_ trainer: Trainer, _ module: LightningModuleBase, batch: Any, batchIdx: Int) throws {
        try log(trainer, hook: "on_train_batch_start")
    }

    public func onTrainBatchEnd(_ trainer: Trainer, _ module: LightningModuleBase, loss: Tensor?, batch: Any, batchIdx: Int) throws {
        try log(trainer, hook: "on_train_batch_end")
    }

    private func log(_ trainer: Trainer, hook: String) throws {
        guard trainer.batchesThatStepped % trainer.logEveryNSteps == 0, !trainer.loggers.isEmpty else { return }
        let stats = trainer.acceleratorPlugin.deviceStats()
        let values = stats.map { ("DeviceStatsMonitor.\(hook)/\($0.0)", $0.1) }
        for logger in trainer.loggers { try logger.logMetrics(values, step: trainer.batchesThatStepped) }
    }
}
