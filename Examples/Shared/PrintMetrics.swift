import Foundation
import Lightning
import Torch

/// A custom callback: prints chosen metrics at the end of each validation epoch and of fitting
/// (on rank 0), so an example's result is one readable line.
public final class PrintMetrics: Callback {
    public let names: [String]

    public init(_ names: [String]) { self.names = names }

    private func line(_ trainer: Trainer) -> String {
        names.compactMap { name in trainer.callbackMetrics[name].map { String(format: "%@ %.4f", name, $0.item()) } }
            .joined(separator: ", ")
    }

    public func onValidationEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard !trainer.sanityChecking, trainer.isGlobalZero else { return }
        print("epoch \(trainer.currentEpoch): \(line(trainer))")
    }

    public func onFitEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        if trainer.isGlobalZero { print("final: \(line(trainer))") }
    }
}
