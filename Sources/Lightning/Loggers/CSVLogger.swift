import Foundation
import Torch

/// Metrics to `<root>/<name>/version_<n>/metrics.csv` and hyper-parameters to `hparams.yaml`
/// (`CSVLogger`), the default logger, in Lightning's layout: one row per logging call (step
/// values, validation results and training epoch means each in their own rows), columns
/// `epoch`, `step`, then the metrics sorted by name.
public final class CSVLogger: Logger {
    public let logDir: String
    private var rows: [(step: Int, values: [String: Double])] = []
    private var columns: [String] = []

    /// A logger in the next free `version_<n>` folder under `root/name` (or `version` when given).
    public init(root: String, name: String = "lightning_logs", version: Int? = nil) {
        logDir = versionDirectory(root: root, name: name, version: version)
    }

    public func logMetrics(_ metrics: [(String, Double)], step: Int) throws {
        var values: [String: Double] = [:]
        for (k, v) in metrics {
            values[k] = v
            if k != "epoch" && !columns.contains(k) { columns.append(k) }
        }
        columns.sort()
        rows.append((step, values))
        try flush()
    }

    public func logHyperparams(_ params: [(String, StateValue)]) throws {
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        let yaml = params.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + (params.isEmpty ? "" : "\n")
        try yaml.write(toFile: logDir + "/hparams.yaml", atomically: true, encoding: .utf8)
    }

    public func finalize(status: String) throws { try flush() }

    /// Rewrites the file in Lightning's layout: `epoch,step`, then the metrics in sorted order
    /// (a new metric adds a column to every row).
    private func flush() throws {
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        func text(_ v: Double?) -> String {
            guard let v else { return "" }
            return v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
        }
        let header = (["epoch", "step"] + columns).joined(separator: ",")
        let lines = rows.map { row in
            ([text(row.values["epoch"]), String(row.step)] + columns.map { row.values[$0].map { String($0) } ?? "" })
                .joined(separator: ",")
        }
        try ([header] + lines).joined(separator: "\n").appending("\n")
            .write(toFile: logDir + "/metrics.csv", atomically: true, encoding: .utf8)
    }
}
