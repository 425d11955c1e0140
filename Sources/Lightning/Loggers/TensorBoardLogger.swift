import Foundation
import Torch

/// Metrics, hyper-parameters, text, images and histograms as TensorBoard event files
/// (`TensorBoardLogger`), in `<root>/<name>/version_<n>/events.out.tfevents.*`: TFRecord framing
/// (length and data, each with a masked CRC-32C) around `Event` protocol messages, written by
/// hand here. `experiment` is the writer itself, with `SummaryWriter`'s methods in camelCase
/// (`addScalar`, `addImage`, `addImages`, `addHistogram`, `addText`).
public final class TensorBoardLogger: Logger {
    public let logDir: String
    private var file: FileHandle?
    private let path: String
    /// Whether logging hyper-parameters also declares the metric `hp_metric` (logged as -1 until
    /// the module logs it), so TensorBoard's HPARAMS tab has a column to compare runs by.
    public let defaultHpMetric: Bool

    /// A logger in the next free `version_<n>` folder under `root/name` (or `version` when given).
    public init(root: String, name: String = "lightning_logs", version: Int? = nil, defaultHpMetric: Bool = true) {
        logDir = versionDirectory(root: root, name: name, version: version)
        self.defaultHpMetric = defaultHpMetric
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        path = "\(logDir)/events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host).\(getpid()).0"
    }

    private func open() throws -> FileHandle {
        if let file { return file }
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw TrainerError.misconfiguration("TensorBoardLogger: cannot create \(path)")
        }
        file = handle
        var event = Proto()
        event.double(1, Date().timeIntervalSince1970)
        event.string(3, "brain.Event:2")
        try write(event.bytes, to: handle)
        return handle
    }

    private func write(_ record: [UInt8], to handle: FileHandle) throws {
        var length = Proto.littleEndian(UInt64(record.count))
        length += Proto.littleEndian(CRC32C.masked(length))
        try handle.write(contentsOf: length + record + Proto.littleEndian(CRC32C.masked(record)))
    }

    /// Writes one Event holding a Summary with the given values.
    private func writeSummary(_ values: [[UInt8]], step: Int) throws {
        var summary = Proto()
        for value in values { summary.message(1, value) }
        var event = Proto()
        event.double(1, Date().timeIntervalSince1970)
        event.varint(2, UInt64(bitPattern: Int64(step)))
        event.message(5, summary.bytes)
        try write(event.bytes, to: try open())
    }

    /// `SummaryMetadata` naming a plugin, with its content.
    private func pluginMetadata(_ plugin: String, content: [UInt8] = []) -> [UInt8] {
        var data = Proto()
        data.string(1, plugin)
        if !content.isEmpty { data.bytes(2, content) }
        var metadata = Proto()
        metadata.message(1, data.bytes)
        return metadata.bytes
    }

    public func logMetrics(_ metrics: [(String, Double)], step: Int) throws {
        let values = metrics.map { tag, value -> [UInt8] in
            var v = Proto()
            v.string(1, tag)
            v.float(2, Float(value))
            return v.bytes
        }
        try writeSummary(values, step: step)
    }

    /// Records hyper-parameters for TensorBoard's HPARAMS tab (an experiment naming the metrics,
    /// with `defaultHpMetric` `hp_metric` at -1, and a session start), as Lightning does.
    public func logHyperparams(_ params: [(String, StateValue)]) throws {
        if defaultHpMetric {
            var name = Proto()
            name.string(2, "hp_metric")
            var metric = Proto()
            metric.message(1, name.bytes)
            var experiment = Proto()
            experiment.message(5, metric.bytes)
            try writeHparams("experiment", field: 2, experiment.bytes)
        }
        var start = Proto()
        for (name, value) in params {
            var protoValue = Proto()
            switch value {
            case .bool(let b): protoValue.varint(4, b ? 1 : 0)
            case .string(let s): protoValue.string(3, s)
            default:
                if let d = value.doubleValue { protoValue.double(2, d) } else { protoValue.string(3, value.description) }
            }
            var entry = Proto()
            entry.string(1, name)
            entry.message(2, protoValue.bytes)
            start.message(1, entry.bytes)
        }
        start.double(5, Date().timeIntervalSince1970)
        try writeHparams("session_start_info", field: 3, start.bytes)
        if defaultHpMetric { try logMetrics([("hp_metric", -1)], step: 0) }
    }

    /// One message of the HPARAMS plug-in (`HParamsPluginData`, its `field`), under `_hparams_/<name>`.
    private func writeHparams(_ name: String, field: Int, _ message: [UInt8]) throws {
        var data = Proto()
        data.message(field, message)
        var v = Proto()
        v.string(1, "_hparams_/\(name)")
        v.message(9, pluginMetadata("hparams", content: data.bytes))
        try writeSummary([v.bytes], step: 0)
    }

    /// The writer (Lightning's `logger.experiment`, a `SummaryWriter`): this logger.
    public var experiment: TensorBoardLogger { self }

    /// One value under `tag` (`add_scalar`).
    public func addScalar(_ tag: String, _ value: Double, step: Int) throws { try logMetrics([(tag, value)], step: step) }

    /// A text under `tag` (`add_text`).
    public func addText(_ tag: String, _ text: String, step: Int) throws { try logText(tag, text, step: step) }

    /// An image `(C, H, W)` under `tag` (`add_image`): 1, 3 or 4 channels, floats in [0, 1] or bytes.
    public func addImage(_ tag: String, _ image: Tensor, step: Int) throws {
        let png = try PNGWriter.encode(image)
        var encoded = Proto()
        encoded.varint(1, UInt64(png.height))
        encoded.varint(2, UInt64(png.width))
        encoded.varint(3, UInt64(png.channels))
        encoded.bytes(4, png.bytes)
        var v = Proto()
        v.string(1, tag)
        v.message(4, encoded.bytes)
        try writeSummary([v.bytes], step: step)
    }

    /// Images `(B, C, H, W)` under `tag`, as one grid (`add_images`; see `makeGrid`).
    public func addImages(_ tag: String, _ images: Tensor, step: Int) throws {
        try addImage(tag, withTorchErrors { makeGrid(images, padding: 0) }, step: step)
    }

    /// The distribution of `values` under `tag` (`add_histogram`, TensorFlow's default
    /// exponential buckets, empty ones at either end left out).
    public func addHistogram(_ tag: String, _ values: Tensor, step: Int) throws {
        let data = values.detach().to(device: .cpu).to(dtype: .float64).reshape([-1]).scalars(as: Double.self).sorted()
        guard let low = data.first, let high = data.last else { return }
        let limits = Self.histogramLimits
        var counts = [Double](repeating: 0, count: limits.count)
        var bucket = 0
        for value in data {
            while bucket < limits.count - 1 && value > limits[bucket] { bucket += 1 }
            counts[bucket] += 1
        }
        let first = counts.firstIndex { $0 > 0 } ?? 0, last = counts.lastIndex { $0 > 0 } ?? 0
        var histogram = Proto()
        histogram.double(1, low)
        histogram.double(2, high)
        histogram.double(3, Double(data.count))
        histogram.double(4, data.reduce(0, +))
        histogram.double(5, data.reduce(0) { $0 + $1 * $1 })
        histogram.packedDoubles(6, Array(limits[first...last]))
        histogram.packedDoubles(7, Array(counts[first...last]))
        var v = Proto()
        v.string(1, tag)
        v.message(5, histogram.bytes)
        try writeSummary([v.bytes], step: step)
    }

    /// TensorFlow's default bucket limits: ±1e-12 growing by 10% to 1e20, and 0 (a bucket holds
    /// values up to its limit), the last one open.
    static let histogramLimits: [Double] = {
        var positive: [Double] = []
        var v = 1e-12
        while v < 1e20 {
            positive.append(v)
            v *= 1.1
        }
        return positive.reversed().map { -$0 } + [0] + positive + [Double.greatestFiniteMagnitude]
    }()

    /// Records a text under `tag` (TensorBoard's TEXT tab).
    public func logText(_ tag: String, _ text: String, step: Int) throws {
        var dim = Proto()
        dim.varint(1, 1)
        var shape = Proto()
        shape.message(2, dim.bytes)
        var tensor = Proto()
        tensor.varint(1, 7)
        tensor.message(2, shape.bytes)
        tensor.bytes(8, Array(text.utf8))
        var v = Proto()
        v.string(1, tag)
        v.message(8, tensor.bytes)
        v.message(9, pluginMetadata("text"))
        try writeSummary([v.bytes], step: step)
    }

    public func finalize(status: String) throws {
        try file?.synchronize()
    }

    deinit { try? file?.close() }
}

/// Protocol-buffer wire encoding, for the few messages the logger writes.
struct Proto {
    private(set) var bytes: [UInt8] = []

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }

    private mutating func rawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) { rawVarint(UInt64(field) << 3 | wireType) }

    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, 0)
        rawVarint(value)
    }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, 1)
        bytes += Self.littleEndian(value.bitPattern)
    }

    mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        bytes += Self.littleEndian(value.bitPattern)
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        rawVarint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    mutating func packedDoubles(_ field: Int, _ values: [Double]) { bytes(field, values.flatMap { Self.littleEndian($0.bitPattern) }) }

    mutating func message(_ field: Int, _ value: [UInt8]) { bytes(field, value) }
}

/// CRC-32C (Castagnoli), masked as TFRecord files store it.
enum CRC32C {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        return c
    }

    static func checksum(_ data: [UInt8]) -> UInt32 {
        ~data.reduce(~UInt32(0)) { table[Int(($0 ^ UInt32($1)) & 0xFF)] ^ ($0 >> 8) }
    }

    static func masked(_ data: [UInt8]) -> UInt32 {
        let crc = checksum(data)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
