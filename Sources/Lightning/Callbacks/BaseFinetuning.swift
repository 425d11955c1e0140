import Foundation
import Torch

/// Freezes part of a model before training and unfreezes it later (Lightning's
/// `BaseFinetuning`): override `freezeBeforeTraining` and `finetuneFunction`, and build the
/// optimizer over the parameters that require gradients (`parameters().filter(\.requiresGrad)`);
/// unfrozen modules join the optimizer as a parameter group of their own.
open class BaseFinetuning: Callback {
    public init() {}

    /// Freezes what trains later: called when fit sets up, before `configureOptimizers`.
    open func freezeBeforeTraining(_ module: LightningModuleBase) throws {}

    /// Unfreezes (and adjusts learning rates) at the start of each training epoch.
    open func finetuneFunction(_ module: LightningModuleBase, epoch: Int, optimizer: Optimizer) throws {}

    /// Stops `modules`' parameters from training; with `trainBatchnorm`, batch norms keep theirs.
    public static func freeze(_ modules: [Module], trainBatchnorm: Bool = true) {
        for module in modules {
            for p in module.parameters() { _ = p.requiresGrad_(false) }
            guard trainBatchnorm else { continue }
            for norm in module.modules() where norm is BatchNorm {
                for p in norm.parameters() { _ = p.requiresGrad_(true) }
            }
        }
    }

    /// Lets `modules`' parameters train again.
    public static func makeTrainable(_ modules: [Module]) {
        for module in modules {
            for p in module.parameters() { _ = p.requiresGrad_(true) }
        }
    }

    /// Unfreezes `modules` and adds their parameters to `optimizer` as a new group with `lr`
    /// (the first group's learning rate / `initialDenomLr` when nil); parameters already in a
    /// group are left where they are.
    public static func unfreezeAndAddParamGroup(_ modules: [Module], optimizer: Optimizer, lr: Double? = nil,
                                               initialDenomLr: Double = 10) {
        makeTrainable(modules)
        let inGroups = Set(optimizer.paramGroups.flatMap(\.params).map(ObjectIdentifier.init))
        let params = modules.flatMap { $0.parameters() }.filter { !inGroups.contains(ObjectIdentifier($0)) }
        guard !params.isEmpty else { return }
        let groupLr = lr ?? optimizer.paramGroups[0].lr / initialDenomLr
        optimizer.addParamGroup(ParamGroup(params, [("lr", .double(groupLr))]))
    }

    public func setup(_ trainer: Trainer, _ module: LightningModuleBase, stage: Stage) throws {
        if stage == .fit { try freezeBeforeTraining(module) }
    }

    public func onTrainEpochStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        for optimizer in trainer.optimizers { try finetuneFunction(module, epoch: trainer.currentEpoch, optimizer: optimizer) }
    }
}

/// A module with a pretrained part for `BackboneFinetuning`.
public protocol HasBackbone: AnyObject {
    /// The part frozen at first and unfrozen at `unfreezeBackboneAtEpoch`.
    var backbone: Module { get }
}

/// Trains the head first with the module's `backbone` frozen, then unfreezes it at
/// `unfreezeBackboneAtEpoch` with a learning rate of its own that grows by `lambdaFunc` every
/// epoch, capped at the head's when `shouldAlign` (Lightning's `BackboneFinetuning`).
public final class BackboneFinetuning: BaseFinetuning {
    public let unfreezeBackboneAtEpoch: Int
    /// The backbone's next learning rate from its current one (×1.5 by default).
    public let lambdaFunc: (Double) -> Double
    /// The backbone's first learning rate as a fraction of the head's (when `backboneInitialLr` is nil).
    public let backboneInitialRatioLr: Double
    public let backboneInitialLr: Double?
    public let shouldAlign: Bool
    public let initialDenomLr: Double
    public let trainBatchnorm: Bool
    /// Decimal places the learning rates are rounded to.
    public let rounding: Int
    /// The backbone's learning rate, once unfrozen.
    public private(set) var backboneLr: Double?

    public init(unfreezeBackboneAtEpoch: Int = 10, lambdaFunc: @escaping (Double) -> Double = { $0 * 1.5 },
                backboneInitialRatioLr: Double = 0.1, backboneInitialLr: Double? = nil, shouldAlign: Bool = true,
                initialDenomLr: Double = 10, trainBatchnorm: Bool = true, rounding: Int = 12) {
        (self.unfreezeBackboneAtEpoch, self.lambdaFunc, self.backboneInitialRatioLr) = (unfreezeBackboneAtEpoch, lambdaFunc, backboneInitialRatioLr)
        (self.backboneInitialLr, self.shouldAlign, self.initialDenomLr) = (backboneInitialLr, shouldAlign, initialDenomLr)
        (self.trainBatchnorm, self.rounding) = (trainBatchnorm, rounding)
    }

    private func backbone(of module: LightningModuleBase) throws -> Module {
        guard let owner = module as? HasBackbone else {
            throw TrainerError.misconfiguration("BackboneFinetuning needs \(type(of: module)) to conform to HasBackbone (a `backbone` module)")
        }
        return owner.backbone
    }

    private func rounded(_ value: Double) -> Double {
        let scale = Foundation.pow(10.0, Double(rounding))
        return (value * scale).rounded() / scale
    }

    public override func freezeBeforeTraining(_ module: LightningModuleBase) throws {
        Self.freeze([try backbone(of: module)], trainBatchnorm: trainBatchnorm)
    }

    public override func finetuneFunction(_ module: LightningModuleBase, epoch: Int, optimizer: Optimizer) throws {
        let headLr = optimizer.paramGroups[0].lr
        if epoch == unfreezeBackboneAtEpoch {
            let lr = rounded(backboneInitialLr ?? headLr * backboneInitialRatioLr)
            Self.unfreezeAndAddParamGroup([try backbone(of: module)], optimizer: optimizer, lr: lr, initialDenomLr: initialDenomLr)
            backboneLr = lr
        } else if epoch > unfreezeBackboneAtEpoch, let previous = backboneLr, let group = optimizer.paramGroups.last {
            let next = rounded(shouldAlign ? min(lambdaFunc(previous), headLr) : lambdaFunc(previous))
            group["lr"] = .double(next)
            backboneLr = next
        }
    }

    public func stateDict() -> StateValue { .dict([("backbone_lr", backboneLr.map { .double($0) } ?? .none)]) }

    public func loadStateDict(_ state: StateValue) { backboneLr = state["backbone_lr"]?.doubleValue }
}
