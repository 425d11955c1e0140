import Foundation

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON
/// header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
public enum Safetensors {
    /// The largest header accepted, as the reference implementation does (100 MB).
    static let maxHeaderSize = 100_000_000

    static let dtypeNames: [DType: String] = [
        .bool: "BOOL", .uint8: "U8", .int8: "I8", .int16: "I16", .int32: "I32", .int64: "I64",
        .float16: "F16", .bfloat16: "BF16", .float32: "F32", .float64: "F64",
    ]

    /// Reads every tensor of a file (on the CPU), and the header's `__metadata__`.
    public static func load(_ path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SerializationError(path: path, "no such file, or it cannot be read")
        }
        return try decode(data, path: path)
    }

    /// Reads every tensor of a file (on the CPU).
    public static func loadFile(_ path: String) throws -> [String: Tensor] { try load(path).tensors }

    /// Writes tensors (moved to the CPU, made contiguous) and optional metadata, atomically:
    /// the file appears complete or not at all.
    public static func save(_ tensors: [String: Tensor], to path: String, metadata: [String: String]? = nil) throws {
        let data = try encode(tensors, metadata: metadata, path: path)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SerializationError(path: path, "cannot be written: \(error.localizedDescription)")
        }
    }

    /// Writes a module's state dict (weights export, as `safetensors.torch.save_file(model.state_dict())`).
    public static func save(_ stateDict: StateDict, to path: String, metadata: [String: String]? = nil) throws {
        try save(Dictionary(uniqueKeysWithValues: stateDict.map { ($0.key, $0.value) }), to: path, metadata: metadata)
    }

    /// The bytes of a safetensors file holding `tensors`, names sorted as the reference writer does.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String]? = nil,
                              path: String = "<memory>") throws -> Data {
        var header: [String: Any] = [:]
        if let metadata { header["__metadata__"] = metadata }
        var chunks: [[UInt8]] = []
        var offset = 0
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            guard let dtypeName = dtypeNames[tensor.dtype] else {
                throw SerializationError(path: path, "tensor '\(name)' has dtype \(tensor.dtype), which safetensors cannot hold")
            }
            let bytes = tensor.to(device: .cpu).rawBytes()
            header[name] = ["dtype": dtypeName, "shape": tensor.shape, "data_offsets": [offset, offset + bytes.count]]
            chunks.append(bytes)
            offset += bytes.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var out = Data()
        out.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for chunk in chunks { out.append(contentsOf: chunk) }
        return out
    }

    /// Parses the bytes of a safetensors file, checking every bound before reading.
    public static func decode(_ data: Data, path: String = "<memory>") throws
        -> (tensors: [String: Tensor], metadata: [String: String])
    {
        func fail(_ reason: String) -> SerializationError { SerializationError(path: path, "not a valid safetensors file: \(reason)") }
        guard data.count >= 8 else { throw fail("\(data.count) bytes, shorter than the 8-byte header length") }
        let headerSize = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerSize <= UInt64(maxHeaderSize) else { throw fail("header length \(headerSize) is too large") }
        guard 8 + Int(headerSize) <= data.count else {
            throw fail("header length \(headerSize) runs past the end of the file (\(data.count) bytes)")
        }
        let headerBytes = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + 8 + Int(headerSize)))
        guard let header = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let bufferStart = data.startIndex + 8 + Int(headerSize)
        let bufferSize = data.count - 8 - Int(headerSize)
        var metadata: [String: String] = [:]
        var tensors: [String: Tensor] = [:]
        var ranges: [(Int, Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else { throw fail("__metadata__ is not a map of strings") }
                metadata = m
                continue
            }
            guard let info = value as? [String: Any],
                let dtypeName = info["dtype"] as? String,
                let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                offsets.count == 2, shape.count == (info["shape"] as? [Any])?.count
            else { throw fail("entry '\(name)' lacks a dtype, shape or data_offsets") }
            guard let dtype = dtypeNames.first(where: { $0.value == dtypeName })?.key else {
                throw fail("entry '\(name)' has unsupported dtype \(dtypeName)")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("entry '\(name)' has a negative dimension") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= bufferSize else {
                throw fail("entry '\(name)' has data_offsets [\(begin), \(end)] outside the \(bufferSize)-byte data")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (m, o) = acc.0.multipliedReportingOverflow(by: d)
                return (m, acc.1 || o)
            }
            guard !overflow, count.multipliedReportingOverflow(by: dtype.elementSize).partialValue == end - begin else {
                throw fail("entry '\(name)' has shape \(shape) of \(dtype) but \(end - begin) bytes")
            }
            ranges.append((begin, end))
            let bytes = data.subdata(in: (bufferStart + begin)..<(bufferStart + end))
            tensors[name] = Tensor(rawBytes: bytes, shape: shape, dtype: dtype)
        }
        ranges.sort { $0 < $1 }
        var position = 0
        for (begin, end) in ranges {
            guard begin == position else { throw fail("the data has overlapping or unused bytes at offset \(position)") }
            position = end
        }
        guard position == bufferSize else { throw fail("the data holds \(bufferSize) bytes but the entries cover \(position)") }
        return (tensors, metadata)
    }
}
