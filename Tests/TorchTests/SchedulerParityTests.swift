import Foundation
import TestSupport
import Torch
import XCTest

private func sgd(_ groups: Int = 1) -> Optimizer {
    SGD((0..<groups).map { ParamGroup([Tensor.zeros([2]).requiresGrad_()], [("lr", .double(0.1 * Double($0 + 1)))]) },
        lr: 0.1, momentum: 0.9)
}

/// The Swift side of each configuration in Tests/Oracle/schedulers.py.
let schedulerCases: [String: @Sendable () -> LRScheduler] = [
    "step": { StepLR(sgd(2), stepSize: 7, gamma: 0.5) },
    "multistep": { MultiStepLR(sgd(), milestones: [10, 30, 30, 75], gamma: 0.3) },
    "exponential": { ExponentialLR(sgd(2), gamma: 0.97) },
    "cosine": { CosineAnnealingLR(sgd(), tMax: 30, etaMin: 0.001) },
    "cosine_restarts": { CosineAnnealingWarmRestarts(sgd(2), t0: 10, tMult: 2, etaMin: 0.0005) },
    "onecycle": { OneCycleLR(sgd(), maxLr: 0.5, totalSteps: 101) },
    "onecycle_adam_linear_three_phase": {
        OneCycleLR(Adam([Tensor.zeros([2]).requiresGrad_()], lr: 0.01), maxLr: 0.02, totalSteps: 101, pctStart: 0.25,
                   annealStrategy: .linear, threePhase: true)
    },
    "linear": { LinearLR(sgd(2), startFactor: 0.1, endFactor: 0.9, totalIters: 20) },
    "constant": { ConstantLR(sgd(), factor: 0.25, totalIters: 12) },
    "lambda": {
        LambdaLR(sgd(2)) { e in Foundation.pow(0.95, Double(e)) + 0.01 * Double(e % 3) }
    },
    "multiplicative": { MultiplicativeLR(sgd(2)) { e in e % 4 != 0 ? 0.97 : 1.01 } },
    "polynomial": { PolynomialLR(sgd(2), totalIters: 40, power: 2) },
    "polynomial_linear": { PolynomialLR(sgd()) },
    "cyclic_triangular": { CyclicLR(sgd(2), baseLr: 0.01, maxLr: 0.1, stepSizeUp: 7) },
    "cyclic_triangular2_adam": {
        CyclicLR(Adam([Tensor.zeros([2]).requiresGrad_()], lr: 0.01), baseLr: 0.001, maxLr: 0.01, stepSizeUp: 5, stepSizeDown: 9,
                 mode: .triangular2)
    },
    "cyclic_exp_range": {
        CyclicLR(sgd(), baseLr: 0.01, maxLr: 0.2, stepSizeUp: 4, mode: .expRange, gamma: 0.98, cycleMomentum: false)
    },
    "chained_constant_exponential": {
        let optimizer = sgd(2)
        return ChainedScheduler([ConstantLR(optimizer, factor: 0.1, totalIters: 4), ExponentialLR(optimizer, gamma: 0.9)])
    },
    "sequential_warmup_cosine": {
        let o = sgd()
        return SequentialLR(o, schedulers: [LinearLR(o, startFactor: 0.01, totalIters: 10), CosineAnnealingLR(o, tMax: 90)],
                            milestones: [10])
    },
    "sequential_three": {
        let o = sgd(2)
        return SequentialLR(o, schedulers: [ConstantLR(o, factor: 0.5, totalIters: 5), ExponentialLR(o, gamma: 0.9),
                                            StepLR(o, stepSize: 10, gamma: 0.5)], milestones: [20, 50])
    },
    "swalr_cos": { SWALR(sgd(2), swaLr: 0.01, annealEpochs: 5) },
    "swalr_linear_instant": { SWALR(sgd(), swaLr: 0.05, annealEpochs: 0, annealStrategy: .linear) },
    "plateau": { ReduceLROnPlateau(sgd(2), factor: 0.5, patience: 3, cooldown: 2, minLr: [0.001, 0.01]) },
    "plateau_max_abs": { ReduceLROnPlateau(sgd(), mode: .max, patience: 2, threshold: 0.01, thresholdMode: .abs) },
]

/// Every scheduler's learning rates over 100 steps equal PyTorch's, to the bit.
final class SchedulerParityTests: XCTestCase {
    static let reference = oracleReference("schedulers.py")

    private func advance(_ scheduler: LRScheduler, step i: Int) {
        scheduler.optimizer.step()
        if let plateau = scheduler as? ReduceLROnPlateau {
            let metric = Self.reference.tensors["metrics"]!.scalars(as: Double.self)[i]
            plateau.step(plateau.mode == .max ? -metric : metric)
        } else {
            scheduler.step()
        }
    }

    func testLearningRateSequencesMatchPyTorchExactly() {
        XCTAssertEqual(Set(Self.reference.metadata["configs"]!.split(separator: ",").map(String.init)),
                       Set(schedulerCases.keys))
        let steps = Int(Self.reference.metadata["steps"]!)!
        for (name, make) in schedulerCases.sorted(by: { $0.key < $1.key }) {
            let expected = Self.reference.tensors["\(name)/lr"]!
            let groups = expected.size(1)
            let lrs = expected.scalars(as: Double.self)
            let momenta = Self.reference.tensors["\(name)/momentum"]!.scalars(as: Double.self)
            let scheduler = make()
            XCTAssertEqual(scheduler.optimizer.paramGroups.map(\.lr), Array(lrs[0..<groups]), "\(name) initial")
            for i in 0..<steps {
                advance(scheduler, step: i)
                let group = scheduler.optimizer.paramGroups[0]
                let momentum = group["betas"]?.arrayValue?.first?.doubleValue ?? group.double("momentum")
                XCTAssertEqual(scheduler.optimizer.paramGroups.map(\.lr), Array(lrs[(i + 1) * groups..<(i + 2) * groups]),
                               "\(name) step \(i + 1)")
                XCTAssertEqual(momentum, momenta[i], "\(name) momentum at step \(i + 1)")
                if scheduler.optimizer.paramGroups.map(\.lr) != Array(lrs[(i + 1) * groups..<(i + 2) * groups]) { break }
            }
        }
    }

    func testStateDictResumesTheSchedule() {
        for (name, make) in schedulerCases.sorted(by: { $0.key < $1.key }) where !name.hasPrefix("onecycle") {
            let a = make()
            for i in 0..<37 { advance(a, step: i) }
            let b = make()
            b.loadStateDict(a.stateDict())
            for (ga, gb) in zip(a.optimizer.paramGroups, b.optimizer.paramGroups) { gb.lr = ga.lr }
            for i in 37..<60 {
                advance(a, step: i)
                advance(b, step: i)
            }
            XCTAssertEqual(a.optimizer.paramGroups.map(\.lr), b.optimizer.paramGroups.map(\.lr), name)
        }
    }
}
