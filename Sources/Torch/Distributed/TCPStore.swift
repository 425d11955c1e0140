import CTorch

/// The key-value store processes meet at (`torch.distributed.TCPStore`): rank 0 hosts it,
/// the others connect; process groups exchange their addresses through it.
public final class TCPStore: @unchecked Sendable {
    let handle: ct_store

    /// Hosts (`isServer`) or joins the store at `host:port`, waiting up to `timeout` seconds
    /// for all `worldSize` members.
    public init(host: String, port: Int, worldSize: Int, isServer: Bool, timeout: Double = 1800) throws {
        guard let handle = ct_store_tcp(host, Int32(port), Int32(worldSize), isServer, timeout) else {
            throw DistributedError.last("TCPStore(\(host):\(port))")
        }
        self.handle = handle
    }

    deinit { ct_store_free(handle) }

    /// Sets `key` to `value` for every member to read.
    public func set(_ key: String, _ value: [UInt8]) throws {
        try distributedCheck(value.withUnsafeBufferPointer { ct_store_set(handle, key, $0.baseAddress, $0.count) },
                             "TCPStore.set(\(key))")
    }

    /// The value of `key`, waiting up to `timeout` seconds for a member to set it.
    public func get(_ key: String, timeout: Double) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var size = buffer.withUnsafeMutableBufferPointer { ct_store_get(handle, key, $0.baseAddress, $0.count, timeout) }
        if size < 0 { throw DistributedError.last("TCPStore.get(\(key))") }
        if Int(size) > buffer.count {
            buffer = [UInt8](repeating: 0, count: Int(size))
            size = buffer.withUnsafeMutableBufferPointer { ct_store_get(handle, key, $0.baseAddress, $0.count, timeout) }
            if size < 0 { throw DistributedError.last("TCPStore.get(\(key))") }
        }
        return Array(buffer.prefix(Int(size)))
    }

    /// Whether `key` is set now.
    public func check(_ key: String) -> Bool { ct_store_check(handle, key) }
}
