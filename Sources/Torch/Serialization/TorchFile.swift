import CTorch
import Foundation

/// PyTorch's own file format (`torch.save` / `torch.load`): a zip archive holding `data.pkl`
/// and one record per tensor storage. What `TorchFile.save` writes, Python's `torch.load` reads
/// with its default `weights_only=True`; what Python's `torch.save` writes of tensors,
/// numbers, strings and containers, `TorchFile.load` reads.
public enum TorchFile {
    /// Writes `value` atomically: to a temporary file beside `path`, flushed to disk, then
    /// renamed, so a crash mid-save leaves the previous file intact. Temporary files that saves
    /// killed mid-way left in that folder are removed first.
    public static func save(_ value: StateValue, to path: String) throws {
        removeStaleTemporaries(beside: path)
        var pickle = PickleWriter()
        try pickle.write(value)
        pickle.finish()
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard let writer = ct_archive_writer_open(temporary) else {
            throw SerializationError(path: path, "cannot be written: \(String(cString: ct_last_error()))")
        }
        defer { ct_archive_writer_free(writer) }
        func record(_ name: String, _ bytes: [UInt8]) throws {
            guard ct_archive_writer_write(writer, name, bytes, bytes.count) == 0 else {
                unlink(temporary)
                throw SerializationError(path: path, "cannot be written: \(String(cString: ct_last_error()))")
            }
        }
        try record("data.pkl", pickle.bytes)
        try record(".format_version", Array("1".utf8))
        try record("byteorder", Array("little".utf8))
        for (key, storage) in pickle.storages.enumerated() { try record("data/\(key)", storage.rawBytes()) }
        guard ct_archive_writer_finish(writer) == 0 else {
            unlink(temporary)
            throw SerializationError(path: path, "cannot be written: \(String(cString: ct_last_error()))")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw SerializationError(path: path, "cannot be written: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the `<file>.tmp-<pid>-<n>` files in `path`'s folder whose process is gone.
    static func removeStaleTemporaries(beside path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names {
            guard let range = name.range(of: ".tmp-", options: .backwards),
                let pid = Int32(name[range.upperBound...].split(separator: "-").first ?? ""), pid > 0,
                kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            unlink(directory + "/" + name)
        }
    }

    /// Writes a state dict (a dictionary of tensors), as `torch.save(model.state_dict(), path)`.
    public static func save(_ stateDict: StateDict, to path: String) throws {
        try save(.stateDict(stateDict), to: path)
    }

    /// Reads a file written by `torch.save` (tensors land on the CPU).
    public static func load(_ path: String) throws -> StateValue {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SerializationError(path: path, "no such file")
        }
        guard let reader = ct_archive_reader_open(path) else {
            throw SerializationError(path: path, "not a PyTorch file (zip archive): \(String(cString: ct_last_error()))")
        }
        defer { ct_archive_reader_free(reader) }
        func record(_ name: String) throws -> [UInt8] {
            let size = ct_archive_reader_size(reader, name)
            guard size >= 0 else { throw SerializationError(path: path, "the archive has no record '\(name)'") }
            var bytes = [UInt8](repeating: 0, count: Int(size))
            guard ct_archive_reader_read(reader, name, &bytes, bytes.count) == 0 else {
                throw SerializationError(path: path, "record '\(name)' cannot be read: \(String(cString: ct_last_error()))")
            }
            return bytes
        }
        var pickle = PickleReader(try record("data.pkl"), path: path) { key, dtype, count in
            let bytes = try record("data/\(key)")
            guard bytes.count == count * dtype.elementSize else {
                throw SerializationError(path: path, "storage \(key) holds \(bytes.count) bytes, expected \(count) elements of \(dtype)")
            }
            return Tensor(rawBytes: Data(bytes), shape: [count], dtype: dtype)
        }
        return try pickle.read()
    }

    /// Reads a state dict saved by `torch.save(model.state_dict(), path)` (or `TorchFile.save`).
    public static func loadStateDict(_ path: String) throws -> StateDict {
        guard let stateDict = try load(path).stateDictValue else {
            throw SerializationError(path: path, "does not hold a dictionary of tensors")
        }
        return stateDict
    }
}
