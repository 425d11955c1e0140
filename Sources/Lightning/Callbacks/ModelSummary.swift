import Foundation
import Torch

/// Prints a table of the model at the start of fitting (`ModelSummary`): each module down to
/// `maxDepth` with its type, parameter count and mode (and, when the module has an
/// `exampleInputArray`, the sizes of its input and output in a forward of it, "?" for modules not
/// called through `callAsFunction`), then trainable, non-trainable and total parameters and their
/// estimated size.
public final class ModelSummary: Callback {
    /// How deep into submodules the table goes (1: the model's direct children).
    public let maxDepth: Int

    public init(maxDepth: Int = 1) { self.maxDepth = maxDepth }

    public func onFitStart(_ trainer: Trainer, _ module: LightningModuleBase) throws {
        trainer.printer(summary(module))
    }

    /// Lightning's human-readable counts: 950, 1.2 K, 3.4 M.
    static func human(_ n: Int) -> String {
        switch n {
        case ..<1000: return "\(n)"
        case ..<1_000_000: return String(format: "%.1f K", Double(n) / 1e3)
        case ..<1_000_000_000: return String(format: "%.1f M", Double(n) / 1e6)
        default: return String(format: "%.1f B", Double(n) / 1e9)
        }
    }

    /// The table.
    public func summary(_ model: Module) -> String {
        let layers = model.namedModules().filter { name, _ in
            !name.isEmpty && name.split(separator: ".").count <= maxDepth
        }
        let modes = layers.map { $0.1.isTraining ? "train" : "eval" }
        let shapes = sizes(model)
        let rows = layers.enumerated().map { i, layer in
            [String(i), layer.0, String(describing: type(of: layer.1)), Self.human(layer.1.parameterCount()), modes[i]]
                + (shapes.map { known in known[ObjectIdentifier(layer.1)].map { ["\($0.input)", "\($0.output)"] } ?? ["?", "?"] } ?? [])
        }
        let header = ["", "Name", "Type", "Params", "Mode"] + (shapes == nil ? [] : ["In sizes", "Out sizes"])
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: " | ")
        }
        let head = line(header)
        let rule = String(repeating: "-", count: head.count)
        let total = model.parameterCount(), trainable = model.parameterCount(trainableOnly: true)
        let megabytes = Double(model.parameters().reduce(0) { $0 + $1.numel * $1.dtype.elementSize }) / 1e6
        func pad(_ s: String) -> String { s + String(repeating: " ", count: max(1, 10 - s.count)) }
        return ([head, rule] + rows.map(line) + [rule,
            pad(Self.human(trainable)) + "Trainable params", pad(Self.human(total - trainable)) + "Non-trainable params",
            pad(Self.human(total)) + "Total params", pad(String(format: "%.3f", megabytes)) + "Total estimated model params size (MB)",
        ]).joined(separator: "\n")
    }

    /// The shapes each module saw in an eval-mode forward of the model's `exampleInputArray`
    /// (on its device, without gradients), or nil when it has none.
    private func sizes(_ model: Module) -> [ObjectIdentifier: (input: [Int], output: [Int])]? {
        guard let lightning = model as? LightningModuleBase, let example = lightning.exampleInputArray else { return nil }
        let wasTraining = model.isTraining
        defer { _ = model.train(wasTraining) }
        _ = model.eval()
        return try? withTorchErrors {
            Module.recordingShapes { withNoGrad { _ = model(example.to(device: lightning.device)) } }
        }
    }
}
