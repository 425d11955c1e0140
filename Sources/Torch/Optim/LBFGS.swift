/// L-BFGS (`torch.optim.LBFGS`): quasi-Newton steps from a history of `historySize` gradient
/// differences, each `step(closure:)` running up to `maxIter` iterations that re-evaluate the
/// closure (which must zero the gradients, compute the loss and call `backward`), optionally
/// with a strong-Wolfe line search. PyTorch's algorithm in its order, with its mix of Python
/// numbers (double) and float32 scalar tensors kept, so the steps equal torch's.
public final class LBFGS: Optimizer {
    /// The line search of each iteration.
    public enum LineSearch: String, Sendable { case strongWolfe = "strong_wolfe" }

    public init(_ params: [Tensor], lr: Double = 1, maxIter: Int = 20, maxEval: Int? = nil, toleranceGrad: Double = 1e-7,
                toleranceChange: Double = 1e-9, historySize: Int = 100, lineSearchFn: LineSearch? = nil) {
        validate("LBFGS", lr: lr, [:])
        super.init([ParamGroup(params)], defaults: [
            ("lr", .double(lr)), ("max_iter", .int(maxIter)), ("max_eval", .int(maxEval ?? maxIter * 5 / 4)),
            ("tolerance_grad", .double(toleranceGrad)), ("tolerance_change", .double(toleranceChange)),
            ("history_size", .int(historySize)), ("line_search_fn", lineSearchFn.map { .string($0.rawValue) } ?? .none),
        ])
    }

    private var params: [Tensor] { paramGroups[0].params }

    public override var requiresClosure: Bool { true }

    public override var stateKeyOrder: [String] {
        ["func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss", "al"]
    }

    /// L-BFGS needs the closure: `step()` alone is an error.
    public override func update(_ group: ParamGroup, params: [Tensor], grads: [Tensor]) {
        argumentError("LBFGS.step()", "LBFGS re-evaluates the loss: call step(closure:) with a closure that computes it and its gradients")
    }

    private func flatGrad() -> Tensor {
        Tensor.cat(params.map { p in p.grad?.reshape([-1]) ?? Tensor.zeros([p.numel], dtype: p.dtype, device: p.device) })
    }

    private func addGrad(_ stepSize: PyNumber, _ update: Tensor) {
        withNoGrad {
            var offset = 0
            for p in params {
                _ = p.add_(update.narrow(dim: 0, start: offset, length: p.numel).reshape(p.shape), alpha: stepSize.double)
                offset += p.numel
            }
        }
    }

    private func directionalEvaluate(_ closure: () -> Tensor, _ x: [Tensor], _ t: PyNumber, _ d: Tensor) -> (Double, Tensor) {
        addGrad(t, d)
        let loss: Double = withEnableGrad(closure).item()
        let g = flatGrad()
        withNoGrad { for (p, saved) in zip(params, x) { _ = p.copy_(saved) } }
        return (loss, g)
    }

    @discardableResult
    public override func step(closure: () -> Tensor) -> Tensor {
        let group = paramGroups[0]
        let lr = group.lr
        let (maxIter, maxEval, historySize) = (Int(group.double("max_iter")), Int(group.double("max_eval")), Int(group.double("history_size")))
        let (toleranceGrad, toleranceChange) = (group.double("tolerance_grad"), group.double("tolerance_change"))
        let strongWolfe = group["line_search_fn"]?.stringValue == LineSearch.strongWolfe.rawValue
        var s = state(of: params[0]) { ["func_evals": .int(0), "n_iter": .int(0)] }
        defer { state[ObjectIdentifier(params[0])] = s }

        let origLoss = withEnableGrad(closure)
        var loss: Double = origLoss.item()
        var currentEvals = 1
        s["func_evals"] = .int((s["func_evals"]?.intValue ?? 0) + 1)
        var g = flatGrad()
        if (g.abs().max().item() as Double) <= toleranceGrad { return origLoss }

        var d = s["d"]?.tensorValue
        var t = PyNumber(s["t"])
        var oldDirs = s["old_dirs"]?.arrayValue?.compactMap(\.tensorValue) ?? []
        var oldStps = s["old_stps"]?.arrayValue?.compactMap(\.tensorValue) ?? []
        var ro = s["ro"]?.arrayValue?.compactMap(\.tensorValue) ?? []
        var hDiag = PyNumber(s["H_diag"])
        var prevFlatGrad = s["prev_flat_grad"]?.tensorValue
        var prevLoss = s["prev_loss"]?.doubleValue
        var al = s["al"]?.arrayValue?.map(\.tensorValue) ?? []

        var nIter = 0
        while nIter < maxIter {
            nIter += 1
            let stateIter = (s["n_iter"]?.intValue ?? 0) + 1
            s["n_iter"] = .int(stateIter)
            if stateIter == 1 {
                d = g.neg()
                (oldDirs, oldStps, ro, hDiag) = ([], [], [], .py(1))
            } else if let direction = d, let previous = prevFlatGrad {
                let y = g - previous
                let step = (PyNumber.tensor(direction) * t).tensor
                let ys = y.dot(step)
                if (ys.item() as Double) > 1e-10 {
                    if oldDirs.count == historySize {
                        oldDirs.removeFirst()
                        oldStps.removeFirst()
                        ro.removeFirst()
                    }
                    oldDirs.append(y)
                    oldStps.append(step)
                    ro.append(ys.reciprocal())
                    hDiag = .tensor(ys / y.dot(y))
                }
                if al.count != historySize { al = [Tensor?](repeating: nil, count: historySize) }
                let q = g.neg()
                for i in stride(from: oldDirs.count - 1, through: 0, by: -1) {
                    al[i] = oldStps[i].dot(q) * ro[i]
                    _ = q.add_(oldDirs[i], alpha: -(al[i]!.item() as Double))
                }
                let r = (PyNumber.tensor(q) * hDiag).tensor
                for i in 0..<oldDirs.count {
                    let be = oldDirs[i].dot(r) * ro[i]
                    _ = r.add_(oldStps[i], alpha: (al[i]! - be).item())
                }
                d = r
            }
            prevFlatGrad = g.clone()
            prevLoss = loss
            if stateIter == 1 {
                t = PyNumber.min(.py(1), .py(1) / .tensor(g.abs().sum())) * .py(lr)
            } else {
                t = .py(lr)
            }
            guard let direction = d else { break }
            let gtd = g.dot(direction)
            if (gtd.item() as Double) > -toleranceChange { break }

            var lsFuncEvals = 0
            if strongWolfe {
                let x = params.map { $0.clone() }
                let result = Self.strongWolfe({ directionalEvaluate(closure, x, $0, $1) }, t, direction, loss, g, gtd,
                                              toleranceChange: toleranceChange, maxLS: maxEval - currentEvals)
                (loss, g, t, lsFuncEvals) = result
                addGrad(t, direction)
            } else {
                addGrad(t, direction)
                if nIter != maxIter {
                    loss = withEnableGrad(closure).item()
                    g = flatGrad()
                    lsFuncEvals = 1
                }
            }
            let optCond = (g.abs().max().item() as Double) <= toleranceGrad
            currentEvals += lsFuncEvals
            s["func_evals"] = .int((s["func_evals"]?.intValue ?? 0) + lsFuncEvals)
            if nIter == maxIter || currentEvals >= maxEval || optCond { break }
            if ((PyNumber.tensor(direction) * t).tensor.abs().max().item() as Double) <= toleranceChange { break }
            if let prevLoss, abs(loss - prevLoss) < toleranceChange { break }
        }
        s["d"] = d.map { .tensor($0) } ?? .none
        s["t"] = t.stateValue
        s["old_dirs"] = .list(oldDirs.map { .tensor($0) })
        s["old_stps"] = .list(oldStps.map { .tensor($0) })
        s["ro"] = .list(ro.map { .tensor($0) })
        s["H_diag"] = hDiag.stateValue
        s["prev_flat_grad"] = prevFlatGrad.map { .tensor($0) } ?? .none
        s["prev_loss"] = prevLoss.map { .double($0) } ?? .none
        s["al"] = .list(al.map { $0.map { .tensor($0) } ?? .none })
        return origLoss
    }

    /// PyTorch's `_cubic_interpolate`: the minimiser of the cubic through two points with their
    /// derivatives, within bounds.
    static func cubicInterpolate(_ x1: PyNumber, _ f1: PyNumber, _ g1: PyNumber, _ x2: PyNumber, _ f2: PyNumber, _ g2: PyNumber,
                                 bounds: (PyNumber, PyNumber)? = nil) -> PyNumber {
        let (low, high) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1))
        let d1 = g1 + g2 - .py(3) * (f1 - f2) / (x1 - x2)
        let d2Square = d1 * d1 - g1 * g2
        guard d2Square >= .py(0) else { return (low + high) / .py(2) }
        let d2 = d2Square.sqrt()
        let minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + .py(2) * d2))
            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + .py(2) * d2))
        return PyNumber.min(PyNumber.max(minPos, low), high)
    }

    /// PyTorch's `_strong_wolfe` line search: (loss, gradient, step, evaluations).
    static func strongWolfe(_ objective: (PyNumber, Tensor) -> (Double, Tensor), _ start: PyNumber, _ d: Tensor, _ f: Double,
                            _ g: Tensor, _ gtd: Tensor, c1: Double = 1e-4, c2: Double = 0.9, toleranceChange: Double = 1e-9,
                            maxLS: Int = 25) -> (Double, Tensor, PyNumber, Int) {
        let dNorm = PyNumber.tensor(d.abs().max())
        var t = start
        var (fNew, gNew) = objective(t, d)
        var evals = 1
        var gtdNew = PyNumber.tensor(gNew.dot(d))
        let (fP, gtdP) = (PyNumber.py(f), PyNumber.tensor(gtd))
        var (tPrev, fPrev, gPrev, gtdPrev) = (PyNumber.py(0), fP, g.clone(), gtdP)
        var done = false
        var lsIter = 0
        var bracket: [PyNumber] = [], bracketF: [PyNumber] = [], bracketG: [Tensor] = [], bracketGtd: [PyNumber] = []
        while lsIter < maxLS {
            if PyNumber.py(fNew) > fP + .py(c1) * t * gtdP || (lsIter > 1 && PyNumber.py(fNew) >= fPrev) {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, .py(fNew)], [gPrev, gNew.clone()], [gtdPrev, gtdNew])
                break
            }
            if gtdNew.abs() <= .py(-c2) * gtdP {
                (bracket, bracketF, bracketG) = ([t], [.py(fNew)], [gNew])
                done = true
                break
            }
            if gtdNew >= .py(0) {
                (bracket, bracketF, bracketG, bracketGtd) = ([tPrev, t], [fPrev, .py(fNew)], [gPrev, gNew.clone()], [gtdPrev, gtdNew])
                break
            }
            let (minStep, maxStep) = (t + .py(0.01) * (t - tPrev), t * .py(10))
            let previous = t
            t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, .py(fNew), gtdNew, bounds: (minStep, maxStep))
            (tPrev, fPrev, gPrev, gtdPrev) = (previous, .py(fNew), gNew.clone(), gtdNew)
            (fNew, gNew) = objective(t, d)
            evals += 1
            gtdNew = .tensor(gNew.dot(d))
            lsIter += 1
        }
        if lsIter == maxLS {
            (bracket, bracketF, bracketG) = ([.py(0), t], [fP, .py(fNew)], [g, gNew])
        }
        var insufficientProgress = false
        var (lowPos, highPos) = bracketF[0] <= bracketF[bracketF.count - 1] ? (0, 1) : (1, 0)
        while !done && lsIter < maxLS {
            if (bracket[1] - bracket[0]).abs() * dNorm < .py(toleranceChange) { break }
            t = cubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1])
            let (top, bottom) = (PyNumber.max(bracket[0], bracket[1]), PyNumber.min(bracket[0], bracket[1]))
            let eps = .py(0.1) * (top - bottom)
            if PyNumber.min(top - t, t - bottom) < eps {
                if insufficientProgress || t >= top || t <= bottom {
                    t = (t - top).abs() < (t - bottom).abs() ? top - eps : bottom + eps
                    insufficientProgress = false
                } else {
                    insufficientProgress = true
                }
            } else {
                insufficientProgress = false
            }
            (fNew, gNew) = objective(t, d)
            evals += 1
            gtdNew = .tensor(gNew.dot(d))
            lsIter += 1
            if PyNumber.py(fNew) > fP + .py(c1) * t * gtdP || PyNumber.py(fNew) >= bracketF[lowPos] {
                (bracket[highPos], bracketF[highPos], bracketG[highPos], bracketGtd[highPos]) = (t, .py(fNew), gNew.clone(), gtdNew)
                (lowPos, highPos) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0)
            } else {
                if gtdNew.abs() <= .py(-c2) * gtdP {
                    done = true
                } else if gtdNew * (bracket[highPos] - bracket[lowPos]) >= .py(0) {
                    (bracket[highPos], bracketF[highPos], bracketG[highPos], bracketGtd[highPos]) =
                        (bracket[lowPos], bracketF[lowPos], bracketG[lowPos], bracketGtd[lowPos])
                }
                (bracket[lowPos], bracketF[lowPos], bracketG[lowPos], bracketGtd[lowPos]) = (t, .py(fNew), gNew.clone(), gtdNew)
            }
        }
        return (bracketF[lowPos].double, bracketG[lowPos], bracket[lowPos], evals)
    }
}

/// A number as PyTorch's Python code holds it: a Python float (double) or a 0-dim float32 tensor.
/// Arithmetic with a tensor stays a tensor (float32), as in Python; comparisons read the value.
enum PyNumber {
    case py(Double)
    case tensor(Tensor)

    /// A number from optimizer state (nil: Python's None, read as 0 until set).
    init(_ value: StateValue?) {
        if let t = value?.tensorValue { self = .tensor(t) } else { self = .py(value?.doubleValue ?? 0) }
    }

    var double: Double {
        switch self {
        case .py(let d): return d
        case .tensor(let t): return t.item()
        }
    }

    var tensor: Tensor {
        switch self {
        case .py(let d): return Tensor(Float(d))
        case .tensor(let t): return t
        }
    }

    var stateValue: StateValue {
        switch self {
        case .py(let d): return .double(d)
        case .tensor(let t): return .tensor(t)
        }
    }

    func abs() -> PyNumber {
        switch self {
        case .py(let d): return .py(Swift.abs(d))
        case .tensor(let t): return .tensor(t.abs())
        }
    }

    func sqrt() -> PyNumber {
        switch self {
        case .py(let d): return .py(d.squareRoot())
        case .tensor(let t): return .tensor(t.sqrt())
        }
    }

    private static func combine(_ a: PyNumber, _ b: PyNumber, _ py: (Double, Double) -> Double,
                                _ tensor: (Tensor, Tensor) -> Tensor, _ left: (Tensor, Double) -> Tensor,
                                _ right: (Double, Tensor) -> Tensor) -> PyNumber {
        switch (a, b) {
        case (.py(let x), .py(let y)): return .py(py(x, y))
        case (.tensor(let x), .tensor(let y)): return .tensor(tensor(x, y))
        case (.tensor(let x), .py(let y)): return .tensor(left(x, y))
        case (.py(let x), .tensor(let y)): return .tensor(right(x, y))
        }
    }

    static func + (a: PyNumber, b: PyNumber) -> PyNumber { combine(a, b, +, +, +, +) }
    static func - (a: PyNumber, b: PyNumber) -> PyNumber { combine(a, b, -, -, -, -) }
    static func * (a: PyNumber, b: PyNumber) -> PyNumber { combine(a, b, *, *, *, *) }
    static func / (a: PyNumber, b: PyNumber) -> PyNumber { combine(a, b, /, /, /) { x, t in t.reciprocal() * x } }

    static func < (a: PyNumber, b: PyNumber) -> Bool { a.double < b.double }
    static func <= (a: PyNumber, b: PyNumber) -> Bool { a.double <= b.double }
    static func > (a: PyNumber, b: PyNumber) -> Bool { a.double > b.double }
    static func >= (a: PyNumber, b: PyNumber) -> Bool { a.double >= b.double }

    /// Python's `min(a, b)`: `b` only when `b < a`.
    static func min(_ a: PyNumber, _ b: PyNumber) -> PyNumber { b < a ? b : a }
    /// Python's `max(a, b)`: `b` only when `b > a`.
    static func max(_ a: PyNumber, _ b: PyNumber) -> PyNumber { b > a ? b : a }
}
