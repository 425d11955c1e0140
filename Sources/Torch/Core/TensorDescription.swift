import Foundation

/// PyTorch's print options (`torch.set_printoptions` defaults).
enum PrintOptions {
    static let precision = 4
    static let threshold = 1000
    static let edgeItems = 3
    static let lineWidth = 80
}

extension Tensor: CustomStringConvertible {
    /// The tensor as Python's `repr` shows it: `tensor([1.0000, 2.5000], requires_grad=True)`.
    public var description: String {
        guard isDefined else { return "tensor(<undefined: the result of a failed operation>)" }
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        if case .cuda = device { suffixes.append("device='\(device)'") }
        var body: String
        if numel == 0 {
            body = "[]"
            if dim != 1 { suffixes.append("size=(\(shape.map(String.init).joined(separator: ", "))\(dim == 1 ? "," : ""))") }
        } else {
            body = TensorFormatter.render(self, indent: indent)
        }
        if ![.float32, .int64, .bool].contains(dtype) { suffixes.append("dtype=\(dtype)") }
        if let name = gradFnName {
            suffixes.append("grad_fn=<\(name)>")
        } else if requiresGrad {
            suffixes.append("requires_grad=True")
        }
        return TensorFormatter.addSuffixes(prefix + body, suffixes, indent: indent)
    }
}

/// Formats elements the way `torch._tensor_str` does: one width for all, fixed or scientific
/// notation chosen from the range of the values, summaries with "..." for large tensors.
struct TensorFormatter {
    private let floating: Bool
    private var intMode = true
    private var sciMode = false
    private(set) var maxWidth = 1

    init(values: [Double], floating: Bool, isBool: Bool) {
        self.floating = floating
        guard floating else {
            maxWidth = values.map { Self.plain($0, isBool: isBool).count }.max() ?? 1
            return
        }
        let finite = values.filter { $0.isFinite && $0 != 0 }
        guard !finite.isEmpty else { return }
        let magnitudes = finite.map { Swift.abs(Float64($0)) }
        let lo = magnitudes.min()!, hi = magnitudes.max()!
        intMode = finite.allSatisfy { $0 == $0.rounded(.up) }
        let precision = PrintOptions.precision
        if intMode {
            if hi / lo > 1000 || hi > 1e8 {
                sciMode = true
                maxWidth = finite.map { String(format: "%.\(precision)e", $0).count }.max()!
            } else {
                maxWidth = finite.map { String(format: "%.0f", $0).count + 1 }.max()!
            }
        } else if hi / lo > 1000 || hi > 1e8 || lo < 1e-4 {
            sciMode = true
            maxWidth = finite.map { String(format: "%.\(precision)e", $0).count }.max()!
        } else {
            maxWidth = finite.map { String(format: "%.\(precision)f", $0).count }.max()!
        }
    }

    private static func plain(_ v: Double, isBool: Bool) -> String {
        isBool ? (v != 0 ? "True" : "False") : String(Int64(v))
    }

    func format(_ v: Double, isBool: Bool) -> String {
        var text: String
        if !floating {
            text = Self.plain(v, isBool: isBool)
        } else if v.isNaN {
            text = "nan"
        } else if v.isInfinite {
            text = v > 0 ? "inf" : "-inf"
        } else if sciMode {
            text = String(format: "%.\(PrintOptions.precision)e", v)
        } else if intMode {
            text = String(format: "%.0f", v) + "."
        } else {
            text = String(format: "%.\(PrintOptions.precision)f", v)
        }
        return String(repeating: " ", count: Swift.max(0, maxWidth - text.count)) + text
    }

    /// The bracketed body of the repr, summarised past the threshold.
    static func render(_ tensor: Tensor, indent: Int) -> String {
        let summarize = tensor.numel > PrintOptions.threshold
        let shown = summarize ? summarized(tensor) : tensor
        let isBool = tensor.dtype == .bool
        let values = shown.to(device: .cpu).scalars(as: Double.self)
        let formatter = TensorFormatter(values: values, floating: tensor.dtype.isFloatingPoint, isBool: isBool)
        let strings = values.map { formatter.format($0, isBool: isBool) }
        if tensor.dim == 0 { return strings[0] }
        var offset = 0
        return formatter.nest(strings, fullShape: tensor.shape, dims: 0, indent: indent, summarize: summarize,
                              offset: &offset)
    }

    /// The elements that a summarised repr shows: the first and last `edgeItems` of each long dimension.
    private static func summarized(_ t: Tensor) -> Tensor {
        guard t.dim > 0 else { return t }
        let n = t.shape[0]
        let e = PrintOptions.edgeItems
        if t.dim == 1 {
            return n > 2 * e ? Tensor.cat([t[..<e], t[(n - e)...]]) : t
        }
        let rows = n > 2 * e ? Array(0..<e) + Array((n - e)..<n) : Array(0..<n)
        return Tensor.stack(rows.map { summarized(t[$0]) })
    }

    private func nest(_ strings: [String], fullShape: [Int], dims: Int, indent: Int, summarize: Bool,
                      offset: inout Int) -> String {
        let e = PrintOptions.edgeItems
        let size = fullShape[dims]
        let elided = summarize && size > 2 * e
        let shownCount = elided ? 2 * e : size
        if dims == fullShape.count - 1 {
            var items = Array(strings[offset..<(offset + shownCount)])
            offset += shownCount
            if elided { items.insert(" ...", at: e) }
            let perLine = Swift.max(1, (PrintOptions.lineWidth - indent) / (maxWidth + 2))
            let lines = stride(from: 0, to: items.count, by: perLine).map {
                items[$0..<Swift.min($0 + perLine, items.count)].joined(separator: ", ")
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        var slices: [String] = []
        for i in 0..<shownCount {
            if elided && i == e { slices.append("...") }
            slices.append(nest(strings, fullShape: fullShape, dims: dims + 1, indent: indent + 1,
                               summarize: summarize, offset: &offset))
        }
        let remaining = fullShape.count - dims
        let separator = "," + String(repeating: "\n", count: remaining - 1) + String(repeating: " ", count: indent + 1)
        return "[" + slices.joined(separator: separator) + "]"
    }

    static func addSuffixes(_ body: String, _ suffixes: [String], indent: Int) -> String {
        var out = body
        let lastNewline = body.lastIndex(of: "\n").map { body.distance(from: $0, to: body.endIndex) } ?? (body.count + 1)
        var lastLineLength = lastNewline + 1
        for suffix in suffixes {
            if lastLineLength + suffix.count + 2 > PrintOptions.lineWidth {
                out += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + suffix.count
            } else {
                out += ", " + suffix
                lastLineLength += suffix.count + 2
            }
        }
        return out + ")"
    }
}
