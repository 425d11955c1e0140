import Foundation
import Torch

/// Next-token prediction over a text: sample `i` is (tokens `i..<i+blockSize`, the same shifted
/// by one). Tokens are characters (the sorted set of the text's characters) or UTF-8 bytes.
public struct TextDataset: Dataset {
    /// How text becomes tokens.
    public enum Tokens: Sendable { case characters, bytes }

    public let tokens: Tensor
    public let blockSize: Int
    /// The characters of each token id (character tokens only).
    public let vocabulary: [Character]

    /// What is wrong with the arguments (a `DataLoader` throws it at its first batch).
    public let misconfiguration: String?

    public init(text: String, blockSize: Int, tokens kind: Tokens = .characters) {
        misconfiguration = blockSize > 0 ? nil : "TextDataset: blockSize must be positive, got \(blockSize)"
        switch kind {
        case .characters:
            vocabulary = Array(Set(text)).sorted()
            let ids = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, Int64($0)) })
            tokens = Tensor(text.map { ids[$0]! })
        case .bytes:
            vocabulary = []
            tokens = Tensor(text.utf8.map { Int64($0) })
        }
        self.blockSize = blockSize
    }

    /// Reads a UTF-8 text file.
    public init(path: String, blockSize: Int, tokens kind: Tokens = .characters) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DatasetFileError(path: path, reason: "no such file, or it is not UTF-8 text")
        }
        self.init(text: text, blockSize: blockSize, tokens: kind)
    }

    /// The number of distinct tokens.
    public var vocabularySize: Int { vocabulary.isEmpty ? 256 : vocabulary.count }

    public var count: Int { max(0, tokens.size(0) - max(blockSize, 0)) }

    public subscript(index: Int) -> (Tensor, Tensor) {
        (tokens[index..<(index + blockSize)], tokens[(index + 1)..<(index + blockSize + 1)])
    }

    /// The text of token ids (character tokens) or bytes.
    public func decode(_ ids: [Int64]) -> String {
        vocabulary.isEmpty ? String(decoding: ids.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
            : String(ids.map { vocabulary[Int($0)] })
    }
}
