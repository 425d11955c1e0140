import Foundation
import Torch

/// Rows of numbers from a CSV file: every column but `targetColumn` is a float32 feature; the
/// target is int64 for classification (`classification: true`) or float32.
public struct CSVDataset: Dataset {
    public let features: Tensor
    public let targets: Tensor
    /// The header's column names, if the file has one.
    public let columns: [String]

    public init(path: String, targetColumn: Int = -1, hasHeader: Bool = true, classification: Bool = true) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DatasetFileError(path: path, reason: "no such file, or it is not UTF-8 text")
        }
        var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        columns = hasHeader && !lines.isEmpty ? lines.removeFirst().map { $0.trimmingCharacters(in: .whitespaces) } : []
        guard let width = lines.first?.count, width >= 2 else {
            throw DatasetFileError(path: path, reason: "needs at least one row of two or more columns")
        }
        let target = targetColumn < 0 ? width + targetColumn : targetColumn
        var x: [Float] = [], y: [Float] = []
        for (i, row) in lines.enumerated() {
            guard row.count == width else {
                throw DatasetFileError(path: path, reason: "row \(i + 1) has \(row.count) columns, expected \(width)")
            }
            for (j, cell) in row.enumerated() {
                guard let v = Float(cell.trimmingCharacters(in: .whitespaces)) else {
                    throw DatasetFileError(path: path, reason: "row \(i + 1), column \(j + 1): '\(cell)' is not a number")
                }
                if j == target { y.append(v) } else { x.append(v) }
            }
        }
        features = Tensor(x, shape: [lines.count, width - 1])
        targets = classification ? Tensor(y).long() : Tensor(y)
    }

    public var count: Int { targets.size(0) }

    public subscript(index: Int) -> (Tensor, Tensor) { (features[index], targets[index]) }
}
