import Foundation

/// What this host is, as the Node object reports it: read once at registration.
public struct NodeFacts: Sendable, Equatable {
    public var cpus: Int
    public var memoryBytes: Int64
    public var ephemeralStorageBytes: Int64
    public var kernelVersion: String
    public var osImage: String
    public var architecture: String
    public var machineID: String
    public var bootID: String
    public var hostname: String

    public init(cpus: Int, memoryBytes: Int64, ephemeralStorageBytes: Int64, kernelVersion: String, osImage: String,
                architecture: String, machineID: String, bootID: String, hostname: String) {
        self.cpus = cpus
        self.memoryBytes = memoryBytes
        self.ephemeralStorageBytes = ephemeralStorageBytes
        self.kernelVersion = kernelVersion
        self.osImage = osImage
        self.architecture = architecture
        self.machineID = machineID
        self.bootID = bootID
        self.hostname = hostname
    }

    /// Reads the host: CPUs this process may use, /proc/meminfo, the filesystem holding
    /// `dataDirectory`, uname, /etc/os-release, machine-id and boot_id.
    public static func probe(dataDirectory: String) -> NodeFacts {
        var names = utsname()
        uname(&names)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        var storage: Int64 = 0
        var stats = statvfs()
        if statvfs(dataDirectory, &stats) == 0 || statvfs("/", &stats) == 0 {
            storage = Int64(stats.f_blocks) * Int64(stats.f_frsize)
        }
        func read(_ path: String) -> String {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return NodeFacts(
            cpus: ProcessInfo.processInfo.activeProcessorCount,
            memoryBytes: memTotal(meminfo: read("/proc/meminfo")) ?? Int64(ProcessInfo.processInfo.physicalMemory),
            ephemeralStorageBytes: storage,
            kernelVersion: field(names.release),
            osImage: prettyName(osRelease: read("/etc/os-release")) ?? "Linux",
            architecture: goArchitecture(field(names.machine)),
            machineID: read("/etc/machine-id"),
            bootID: read("/proc/sys/kernel/random/boot_id"),
            hostname: ProcessInfo.processInfo.hostName)
    }

    /// `MemTotal:  16314368 kB` → bytes.
    static func memTotal(meminfo: String) -> Int64? {
        for line in meminfo.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let value = Int64(parts[1]) else { return nil }
            return parts.count >= 3 && parts[2] == "kB" ? value * 1024 : value
        }
        return nil
    }

    /// `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"` → `Debian GNU/Linux 12 (bookworm)`.
    static func prettyName(osRelease: String) -> String? {
        for line in osRelease.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            var value = line.dropFirst("PRETTY_NAME=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            return String(value)
        }
        return nil
    }

    /// uname's machine → Go's GOARCH, which Kubernetes uses (`x86_64` → `amd64`).
    static func goArchitecture(_ machine: String) -> String {
        switch machine {
        case "x86_64": return "amd64"
        case "aarch64", "arm64": return "arm64"
        case "i386", "i686": return "386"
        case let other where other.hasPrefix("armv"): return "arm"
        default: return machine
        }
    }
}
