import Foundation
import Torch

extension Trainer {
    /// Lightning's model summary: each direct child with its type and parameter count, then totals.
    func modelSummary(_ model: Module) -> String {
        func human(_ n: Int) -> String {
            switch n {
            case ..<1000: return "\(n)"
            case ..<1_000_000: return String(format: "%.1f K", Double(n) / 1e3)
            case ..<1_000_000_000: return String(format: "%.1f M", Double(n) / 1e6)
            default: return String(format: "%.1f B", Double(n) / 1e9)
            }
        }
        let rows = model.namedChildren().enumerated().map { i, child in
            (String(i), child.0, String(describing: type(of: child.1)), human(child.1.parameterCount()))
        }
        let widths = [max(1, rows.map(\.0.count).max() ?? 0), max(4, rows.map(\.1.count).max() ?? 0),
                      max(4, rows.map(\.2.count).max() ?? 0), max(6, rows.map(\.3.count).max() ?? 0)]
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        let header = "  | \(pad("Name", widths[1])) | \(pad("Type", widths[2])) | Params"
        let rule = String(repeating: "-", count: header.count)
        let total = model.parameterCount(), trainable = model.parameterCount(trainableOnly: true)
        return ([header, rule] + rows.map { "\(pad($0.0, widths[0])) | \(pad($0.1, widths[1])) | \(pad($0.2, widths[2])) | \($0.3)" }
            + [rule, "\(pad(human(trainable), 10))Trainable params", "\(pad(human(total - trainable), 10))Non-trainable params",
               "\(pad(human(total), 10))Total params"]).joined(separator: "\n")
    }

    /// One line per finished epoch with the progress-bar metrics.
    func reportProgress(limit: Int) {
        guard enableProgressBar else { return }
        let metrics = progressBarMetrics.keys.sorted().map { String(format: "%@=%.4g", $0 as NSString, progressBarMetrics[$0]!.item()) }
        printer("Epoch \(currentEpoch): 100% \(limit)/\(limit)" + (metrics.isEmpty ? "" : " [" + metrics.joined(separator: ", ") + "]"))
    }
}
