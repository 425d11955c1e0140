import Foundation

/// Anneals each group's learning rate to `swaLr` over `annealEpochs` steps, then holds it
/// (`torch.optim.swa_utils.SWALR`), for stochastic weight averaging.
public final class SWALR: LRScheduler {
    /// How the learning rate moves towards `swaLr`.
    public enum AnnealStrategy: String, Sendable { case cos, linear }

    public let annealEpochs: Int
    public let annealStrategy: AnnealStrategy

    public init(_ optimizer: Optimizer, swaLr: Double, annealEpochs: Int = 10, annealStrategy: AnnealStrategy = .cos,
                lastEpoch: Int = -1) {
        if annealEpochs < 0 { argumentError("SWALR", "anneal_epochs must be equal or greater than 0, got \(annealEpochs)") }
        for group in optimizer.paramGroups { group["swa_lr"] = .double(swaLr) }
        (self.annealEpochs, self.annealStrategy) = (annealEpochs, annealStrategy)
        super.init(optimizer, lastEpoch: lastEpoch)
    }

    private func anneal(_ t: Double) -> Double {
        annealStrategy == .cos ? (1 - cos(Double.pi * t)) / 2 : t
    }

    public override func getLr() -> [Double] {
        var step = stepCount - 1
        if annealEpochs == 0 { step = max(1, step) }
        let previousT = max(0, min(1, Double(step - 1) / Double(max(1, annealEpochs))))
        let previousAlpha = anneal(previousT)
        let t = max(0, min(1, Double(step) / Double(max(1, annealEpochs))))
        let alpha = anneal(t)
        return optimizer.paramGroups.map { group in
            let swaLr = group.double("swa_lr")
            let previous = previousAlpha == 1 ? swaLr : (group.lr - previousAlpha * swaLr) / (1 - previousAlpha)
            return swaLr * alpha + previous * (1 - alpha)
        }
    }

    public override var stateEntries: [(String, StateValue)] {
        [("anneal_epochs", .int(annealEpochs)), ("anneal_func", .string(annealStrategy.rawValue))]
    }
}
