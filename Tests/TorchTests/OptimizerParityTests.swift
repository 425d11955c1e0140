import Foundation
import TestSupport
import Torch
import XCTest

/// The Swift side of each configuration in Tests/Oracle/optim.py.
let optimizerCases: [String: @Sendable ([Tensor]) -> Optimizer] = [
    "sgd": { SGD($0, lr: 0.1) },
    "sgd_momentum": { SGD($0, lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) },
    "sgd_nesterov_maximize": { SGD($0, lr: 0.05, momentum: 0.9, nesterov: true, maximize: true) },
    "sgd_groups": {
        SGD([ParamGroup(Array($0[..<2])), ParamGroup(Array($0[2...]), [("lr", 0.01), ("weight_decay", 0.1)])],
            lr: 0.1, momentum: 0.5)
    },
    "adam": { Adam($0, lr: 0.01) },
    "adam_wd_amsgrad": { Adam($0, lr: 0.01, betas: (0.8, 0.99), weightDecay: 0.1, amsgrad: true) },
    "adamw": { AdamW($0, lr: 0.01, weightDecay: 0.05) },
    "adamw_amsgrad_maximize": { AdamW($0, lr: 0.01, amsgrad: true, maximize: true) },
    "rmsprop": { RMSprop($0, lr: 0.01) },
    "rmsprop_centered_momentum": { RMSprop($0, lr: 0.01, weightDecay: 0.01, momentum: 0.5, centered: true) },
    "adagrad": { Adagrad($0, lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1) },
    "adadelta": { Adadelta($0) },
    "adadelta_wd_maximize": { Adadelta($0, lr: 0.5, rho: 0.8, weightDecay: 0.05, maximize: true) },
    "adamax": { Adamax($0) },
    "adamax_wd": { Adamax($0, lr: 0.01, betas: (0.8, 0.99), weightDecay: 0.1) },
    "adamax_maximize": { Adamax($0, maximize: true) },
    "radam": { RAdam($0, lr: 0.01) },
    "radam_wd": { RAdam($0, lr: 0.01, betas: (0.8, 0.99), weightDecay: 0.1) },
    "radam_decoupled_maximize": { RAdam($0, lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true) },
    "rprop": { Rprop($0) },
    "rprop_etas_maximize": { Rprop($0, lr: 0.05, etas: (0.3, 1.5), stepSizes: (1e-4, 0.2), maximize: true) },
    "asgd": { ASGD($0) },
    "asgd_averaging_wd_maximize": { ASGD($0, lr: 0.05, lambd: 0.01, alpha: 0.5, t0: 10, weightDecay: 0.1, maximize: true) },
    "adafactor": { Adafactor($0) },
    "adafactor_wd_eps_maximize": { Adafactor($0, lr: 0.05, beta2Decay: -0.5, eps: (1e-20, 1e-2), d: 1.5, weightDecay: 0.1, maximize: true) },
    "nadam": { NAdam($0) },
    "nadam_wd": { NAdam($0, lr: 0.01, betas: (0.8, 0.99), weightDecay: 0.1, momentumDecay: 0.01) },
    "nadam_decoupled_maximize": { NAdam($0, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true) },
]

/// Optimizers against torch.optim: same start, same gradients, 50 steps.
final class OptimizerParityTests: XCTestCase {
    static let reference = oracleReference("optim.py")

    private func run(_ name: String, _ optimizer: Optimizer, _ params: [Tensor], steps: Range<Int>) {
        for step in steps {
            for (k, p) in params.enumerated() { p.grad = Self.reference.tensors["\(name)/grad\(step)/\(k)"]!.clone() }
            optimizer.step()
        }
    }

    private func start(_ name: String) -> [Tensor] {
        (0..<3).map { Self.reference.tensors["\(name)/init\($0)"]!.clone().requiresGrad_() }
    }

    func testFiftyStepsMatchTorchOptim() {
        let metadata = Self.reference.metadata
        XCTAssertEqual(Set(metadata["configs"]!.split(separator: ",").map(String.init)), Set(optimizerCases.keys))
        let steps = Int(metadata["steps"]!)!
        for (name, make) in optimizerCases.sorted(by: { $0.key < $1.key }) {
            let params = start(name)
            let optimizer = make(params)
            run(name, optimizer, params, steps: 0..<steps)
            for (k, p) in params.enumerated() {
                assertClose(p.detach(), Self.reference.tensors["\(name)/final\(k)"]!, rtol: 1e-6, atol: 1e-7, "\(name) param \(k)")
            }
            let state = optimizer.stateDict()["state"]!
            for (key, value) in Self.reference.tensors where key.hasPrefix("\(name)/state/") {
                let parts = key.split(separator: "/")
                guard let mine = state[Int(parts[2])!]?[String(parts[3])]?.tensorValue else {
                    XCTFail("\(name): no state \(parts[2]).\(parts[3])")
                    continue
                }
                assertClose(mine, value, rtol: 1e-6, atol: 1e-7, "\(name) state \(parts[2]).\(parts[3])")
            }
        }
    }

    func testStateDictResumesExactly() throws {
        for (name, make) in optimizerCases.sorted(by: { $0.key < $1.key }) {
            let params = start(name)
            let optimizer = make(params)
            run(name, optimizer, params, steps: 0..<20)
            let saved = optimizer.stateDict()
            let resumedParams = params.map { $0.detach().clone().requiresGrad_() }
            let resumed = make(resumedParams)
            try resumed.loadStateDict(saved)
            run(name, optimizer, params, steps: 20..<40)
            run(name, resumed, resumedParams, steps: 20..<40)
            for (a, b) in zip(params, resumedParams) {
                XCTAssertTrue(a.equal(b), "\(name): resumed run differs")
            }
        }
    }

    func testGroupsOptionsAndErrors() throws {
        let p = Tensor.ones([2]).requiresGrad_()
        let optimizer = SGD([p], lr: 0.5, momentum: 0.9)
        XCTAssertEqual(optimizer.paramGroups[0].lr, 0.5)
        optimizer.paramGroups[0].lr = 0.25
        p.grad = Tensor([1, 1] as [Float])
        optimizer.step()
        XCTAssertEqual(p.scalars(as: Float.self), [0.75, 0.75])
        optimizer.zeroGrad()
        XCTAssertNil(p.grad)
        optimizer.step()
        XCTAssertEqual(p.scalars(as: Float.self), [0.75, 0.75], "parameters without gradients are left alone")

        XCTAssertThrowsError(try withTorchErrors { _ = Adam([p], lr: -1) }) {
            XCTAssertTrue("\($0)".contains("Invalid learning rate: -1.0"), "\($0)")
        }
        XCTAssertThrowsError(try optimizer.loadStateDict(Adam([p, Tensor.ones([1]).requiresGrad_()]).stateDict())) {
            XCTAssertTrue("\($0)".contains("doesn't match the size of optimizer's group"), "\($0)")
        }
    }
}
