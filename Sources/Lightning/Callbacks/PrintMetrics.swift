import Foundation
import Torch

/// Prints chosen metrics at the end of each validation epoch and of fitting (on rank 0, through
/// the Trainer's printer), so a run's result is one readable line: `PrintMetrics(["val_loss",
/// "val_acc"])`.
public final class PrintMetrics: Callback {
    public let names: [String]

    /// The names of the metrics to print.
    public init(_ names: [String]) { self.names = names }

    private func line(_ trainer: Trainer) -> String {
        names.compactMap { name in trainer.callbackMetrics[name].map { String(format: "%@ %.4f", name, $0.item()) } }
            .joined(separator: ", ")
    }

    public func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard !trainer.sanityChecking, trainer.isGlobalZero else { return }
        trainer.printer("epoch \(trainer.currentEpoch): \(line(trainer))")
    }

    public func onFitEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if trainer.isGlobalZero { trainer.printer("final: \(line(trainer))") }
    }
}
