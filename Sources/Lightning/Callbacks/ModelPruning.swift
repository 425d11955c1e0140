import Torch

/// Prunes the model as it trains (Lightning's `ModelPruning`): at the end of the training epochs
/// `applyPruning` picks, `amount(epoch)` of the entries still kept are masked to zero, across all
/// `parametersToPrune` together (`useGlobalUnstructured`) or in each alone, with masks applied as
/// `PruningMask` parametrizations (`Prune`). With `useLotteryTicketHypothesis` the kept weights
/// go back to their values at the start of fit after each pruning. When fitting ends the pruning
/// is made permanent (`makePruningPermanent`); checkpoints hold the masked weights under their
/// own names either way.
public final class ModelPruning: Callback {
    public let pruningMethod: Prune.Method
    /// The (module, parameter name) pairs pruned; nil: every `parameterNames` parameter of every
    /// module of the model.
    public let parametersToPrune: [(Module, String)]?
    public let parameterNames: [String]
    public let useGlobalUnstructured: Bool
    /// How much of what is kept to prune at the end of `epoch`.
    public let amount: (_ epoch: Int) -> Prune.Amount
    /// Whether to prune at the end of `epoch`.
    public let applyPruning: (_ epoch: Int) -> Bool
    public let makePruningPermanent: Bool
    public let useLotteryTicketHypothesis: Bool
    private var pruned: [(Module, String)] = []
    private var initial: [Tensor] = []

    public convenience init(pruningMethod: Prune.Method = .l1Unstructured, parametersToPrune: [(Module, String)]? = nil,
                parameterNames: [String] = ["weight"], useGlobalUnstructured: Bool = true, amount: Prune.Amount = 0.5,
                applyPruning: @escaping (_ epoch: Int) -> Bool = { _ in true }, makePruningPermanent: Bool = true,
                useLotteryTicketHypothesis: Bool = true) {
        self.init(pruningMethod: pruningMethod, parametersToPrune: parametersToPrune, parameterNames: parameterNames,
                  useGlobalUnstructured: useGlobalUnstructured, amount: { _ in amount }, applyPruning: applyPruning,
                  makePruningPermanent: makePruningPermanent, useLotteryTicketHypothesis: useLotteryTicketHypothesis)
    }

    /// Prunes an amount that depends on the epoch.
    public init(pruningMethod: Prune.Method = .l1Unstructured, parametersToPrune: [(Module, String)]? = nil,
                parameterNames: [String] = ["weight"], useGlobalUnstructured: Bool = true,
                amount: @escaping (_ epoch: Int) -> Prune.Amount, applyPruning: @escaping (_ epoch: Int) -> Bool = { _ in true },
                makePruningPermanent: Bool = true, useLotteryTicketHypothesis: Bool = true) {
        (self.pruningMethod, self.parametersToPrune, self.parameterNames) = (pruningMethod, parametersToPrune, parameterNames)
        (self.useGlobalUnstructured, self.amount, self.applyPruning) = (useGlobalUnstructured, amount, applyPruning)
        (self.makePruningPermanent, self.useLotteryTicketHypothesis) = (makePruningPermanent, useLotteryTicketHypothesis)
    }

    /// The value being pruned of `name` in `module`: its original once a mask is on it.
    private static func original(_ module: Module, _ name: String) -> Tensor? {
        (module.getSubmodule("parametrizations.\(name)") as? ParametrizationList)?.getParameter("original") ?? module.getParameter(name)
    }

    public func onFitStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        pruned = parametersToPrune ?? module.modules().flatMap { m in
            parameterNames.compactMap { name in m.namedParameters().contains { $0.0 == name } ? (m, name) : nil }
        }
        guard !pruned.isEmpty else {
            throw TrainerError.misconfiguration("ModelPruning found no parameter named \(parameterNames) to prune in \(type(of: module))")
        }
        initial = pruned.compactMap { Self.original($0.0, $0.1)?.detach().clone() }
    }

    public func onTrainEpochEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        let epoch = trainer.currentEpoch
        guard applyPruning(epoch) else { return }
        let amount = amount(epoch)
        try withTorchErrors {
            if useGlobalUnstructured {
                Prune.globalUnstructured(pruned, method: pruningMethod, amount: amount)
            } else {
                for target in pruned { Prune.globalUnstructured([target], method: pruningMethod, amount: amount) }
            }
        }
        guard useLotteryTicketHypothesis else { return }
        withNoGrad {
            for ((m, name), start) in zip(pruned, initial) { Self.original(m, name)?.copy_(start) }
        }
    }

    public func onTrainEnd(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        guard makePruningPermanent else { return }
        for (m, name) in pruned where Prune.mask(of: m, name) != nil { Prune.remove(m, name) }
    }

    /// The checkpoint's weights with the masks applied, under the parameters' own names.
    public func onSaveCheckpoint(_ trainer: Trainer, _ module: LightningModuleBase, checkpoint: inout [(String, StateValue)]) throws {
        guard let index = checkpoint.firstIndex(where: { $0.0 == "state_dict" }), let state = checkpoint[index].1.stateDictValue else { return }
        let masked = Set(module.namedModules().flatMap { prefix, m in
            parameterNames.compactMap { name in Prune.mask(of: m, name) != nil ? (prefix.isEmpty ? "" : prefix + ".") + name : nil }
        })
        guard !masked.isEmpty else { return }
        var entries: [(String, Tensor)] = []
        for (key, value) in state {
            if let target = masked.first(where: { key == Self.parametrized($0, "original") }) {
                let mask = state[Self.parametrized(target, "0.mask")]!
                entries.append((target, value * mask))
            } else if !masked.contains(where: { key == Self.parametrized($0, "0.mask") }) {
                entries.append((key, value))
            }
        }
        checkpoint[index].1 = .stateDict(StateDict(entries))
    }

    /// The state-dict key of a parametrization's `part` for the parameter at `path` ("net.0.weight").
    private static func parametrized(_ path: String, _ part: String) -> String {
        let components = path.split(separator: ".")
        let prefix = components.dropLast().joined(separator: ".")
        return (prefix.isEmpty ? "" : prefix + ".") + "parametrizations.\(components.last!).\(part)"
    }
}
