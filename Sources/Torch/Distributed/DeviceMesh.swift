/// Processes laid out in named dimensions (`torch.distributed.device_mesh.DeviceMesh`): the
/// global ranks fill `dimensions` in row-major order (`[("data", 2), ("tensor", 2)]` puts ranks
/// 0 and 1 in one tensor-parallel pair and 0 and 2 in one data-parallel pair), and along each
/// dimension the processes that differ only in that coordinate form a process group, met at
/// `store` under a prefix of its own. Each process creates only its own groups.
public final class DeviceMesh: @unchecked Sendable {
    /// The dimensions' names and sizes, outermost first.
    public let dimensions: [(name: String, size: Int)]
    /// This process's global rank.
    public let rank: Int
    /// This process's coordinate along each dimension (its rank in that dimension's group).
    public let coordinates: [Int]
    private let groups: [String: ProcessGroup]

    /// The mesh as global rank `rank` sees it, its groups meeting at `store` under `prefix`
    /// (every process of the job makes the same mesh).
    public init(store: TCPStore, rank: Int, dimensions: [(name: String, size: Int)], backend: ProcessGroupBackend = .gloo,
                timeout: Double = 1800, hostname: String? = nil, prefix: String = "device_mesh") throws {
        let total = dimensions.reduce(1) { $0 * $1.size }
        guard dimensions.allSatisfy({ $0.size >= 1 }), (0..<total).contains(rank), Set(dimensions.map(\.name)).count == dimensions.count else {
            throw DistributedError("DeviceMesh: rank \(rank) does not fit the mesh \(dimensions) of \(total) processes (sizes must be positive, names distinct)")
        }
        var coordinates: [Int] = []
        var rest = rank
        for (_, size) in dimensions.reversed() {
            coordinates.insert(rest % size, at: 0)
            rest /= size
        }
        func linear(_ point: [Int]) -> Int { zip(point, dimensions).reduce(0) { $0 * $1.1.size + $1.0 } }
        var groups: [String: ProcessGroup] = [:]
        for (d, (name, size)) in dimensions.enumerated() {
            var first = coordinates
            first[d] = 0
            groups[name] = try ProcessGroup(backend: backend, store: store, prefix: "\(prefix)/\(name)/\(linear(first))/",
                                            rank: coordinates[d], size: size, hostname: hostname, timeout: timeout)
        }
        (self.dimensions, self.rank, self.coordinates, self.groups) = (dimensions, rank, coordinates, groups)
    }

    /// A mesh over the processes of `group` (its ranks as the global ranks), meeting at its store
    /// with its backend, network device and timeout (`init_device_mesh` after `init_process_group`).
    public convenience init(group: ProcessGroup, dimensions: [(name: String, size: Int)], prefix: String = "device_mesh") throws {
        let total = dimensions.reduce(1) { $0 * $1.size }
        guard total == group.size else {
            throw DistributedError("DeviceMesh: the mesh \(dimensions) has \(total) processes, but the group has \(group.size)")
        }
        try self.init(store: group.store, rank: group.rank, dimensions: dimensions, backend: group.backend, timeout: group.timeout,
                      hostname: group.hostname, prefix: prefix)
    }

    /// This process's group along the dimension `name` (`mesh["tensor_parallel"]`, as PyTorch
    /// indexes a mesh by dimension name): its rank there is this process's coordinate, its size
    /// the dimension's.
    public subscript(name: String) -> ProcessGroup {
        get throws {
            guard let group = groups[name] else { throw DistributedError("DeviceMesh has no dimension \"\(name)\"; it has \(dimensions.map(\.name))") }
            return group
        }
    }
}
