import CTorch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Finds the line of the caller's code where an operation failed: the innermost frame of the
/// failure's call stack that lies outside this package's own sources and has line information,
/// resolved with `llvm-symbolizer` (on the `PATH`, as Swift toolchains install it). Only a
/// failure pays for it; without the tool or without debug information the answer is nil. The
/// tool is started with `posix_spawn` and read with a time limit, not with Foundation's
/// `Process`: a failure may come from an exhausted memory limit, where starting a thread hangs.
enum SourceLocator {
    /// This package's `Sources` folder: frames there are the library's, not the caller's.
    static let packageSources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/"

    /// `file:line` of the innermost caller frame among `frames` (return addresses, innermost first).
    static func callerLine(_ frames: [UInt]) -> String? {
        guard !frames.isEmpty, let symbolizer = executable("llvm-symbolizer") else { return nil }
        var modules: [String: [(frame: Int, offset: UInt)]] = [:]
        for (index, address) in frames.enumerated() where address > 1 {
            var path: UnsafePointer<CChar>?
            var base: UInt = 0
            guard ct_address_module(UnsafeRawPointer(bitPattern: address - 1), &path, &base), let path else { continue }
            modules[String(cString: path), default: []].append((index, address - 1 - base))
        }
        var lines: [Int: String] = [:]
        for (module, entries) in modules {
            let arguments = ["--obj=\(module)", "--functions=none", "--no-inlines"] + entries.map { "0x" + String($0.offset, radix: 16) }
            guard let text = output(of: symbolizer, arguments) else { return nil }
            let locations = text.split(separator: "\n", omittingEmptySubsequences: true)
            for (entry, location) in zip(entries, locations) { lines[entry.frame] = String(location) }
        }
        for index in frames.indices {
            guard let location = lines[index], !location.hasPrefix("??"), !location.hasPrefix(packageSources),
                  !location.hasPrefix("<compiler-generated>"), location.hasPrefix("/") else { continue }
            let parts = location.split(separator: ":")
            guard parts.count >= 2, Int(parts[1]) ?? 0 > 0 else { continue }
            return "\(parts[0]):\(parts[1])"
        }
        return nil
    }

    /// What `executable` writes to its standard output, read for at most five seconds.
    private static func output(of executable: String, _ arguments: [String]) -> String? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0
        close(fds[1])
        defer { close(fds[0]) }
        guard spawned else { return nil }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            var ready = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) >= 0 else { break }
            if ready.revents == 0 { continue }
            let count = read(fds[0], &buffer, buffer.count)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return String(decoding: data, as: UTF8.self)
    }

    /// The path of `name` on the `PATH`.
    private static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
