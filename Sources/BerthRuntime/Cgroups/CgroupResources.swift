/// Resource limits of one cgroup, in the units of cgroup v1; v2 values are derived.
///
/// `nil` means "no limit" (and for `cpuShares`, the kernel default of 1024 / weight 100).
/// `update` applies the whole struct: a `nil` field resets that limit to unlimited.
public struct CgroupResources: Sendable, Hashable, Codable {
    public var memoryLimitBytes: Int64?
    public var cpuQuotaMicros: Int64?
    public var cpuPeriodMicros: Int64
    public var cpuShares: Int64?
    public var pidsLimit: Int64?

    public static let defaultCPUPeriodMicros: Int64 = 100_000
    /// Kubelet constants (`pkg/kubelet/cm/helpers_linux.go`).
    public static let minShares: Int64 = 2
    public static let maxShares: Int64 = 262_144
    public static let sharesPerCPU: Int64 = 1024
    public static let minQuotaMicros: Int64 = 1000

    public init(
        memoryLimitBytes: Int64? = nil,
        cpuQuotaMicros: Int64? = nil,
        cpuPeriodMicros: Int64 = CgroupResources.defaultCPUPeriodMicros,
        cpuShares: Int64? = nil,
        pidsLimit: Int64? = nil
    ) {
        self.memoryLimitBytes = memoryLimitBytes
        self.cpuQuotaMicros = cpuQuotaMicros
        self.cpuPeriodMicros = cpuPeriodMicros
        self.cpuShares = cpuShares
        self.pidsLimit = pidsLimit
    }

    /// The kubelet's translation of a container's resources (`ResourceConfigForPod`,
    /// `MilliCPUToShares`, `MilliCPUToQuota`):
    /// - shares from the CPU request; with no request but a limit, the request defaults to the
    ///   limit (as API defaulting does); with neither (BestEffort) shares are the minimum, 2.
    ///   `shares = clamp(milli * 1024 / 1000, 2, 262144)`.
    /// - quota from the CPU limit: `milli * period / 1000`, at least 1000 µs; no limit (or 0)
    ///   means no quota.
    /// - memory and pids limits are passed through; `nil` or a non-positive value means none.
    public static func fromKubernetes(
        cpuRequestMilli: Int64?,
        cpuLimitMilli: Int64?,
        memoryLimitBytes: Int64?,
        pidsLimit: Int64?,
        cpuPeriodMicros: Int64 = defaultCPUPeriodMicros
    ) -> CgroupResources {
        let limit = cpuLimitMilli.flatMap { $0 > 0 ? $0 : nil }
        let request = cpuRequestMilli ?? limit
        return CgroupResources(
            memoryLimitBytes: memoryLimitBytes.flatMap { $0 > 0 ? $0 : nil },
            cpuQuotaMicros: limit.map { quota(milliCPU: $0, periodMicros: cpuPeriodMicros) },
            cpuPeriodMicros: cpuPeriodMicros,
            cpuShares: shares(milliCPU: request ?? 0),
            pidsLimit: pidsLimit.flatMap { $0 > 0 ? $0 : nil }
        )
    }

    /// `MilliCPUToShares`.
    public static func shares(milliCPU: Int64) -> Int64 {
        guard milliCPU > 0 else { return minShares }
        let (product, overflow) = milliCPU.multipliedReportingOverflow(by: sharesPerCPU)
        if overflow { return maxShares }
        return min(max(product / 1000, minShares), maxShares)
    }

    /// `MilliCPUToQuota`.
    public static func quota(milliCPU: Int64, periodMicros: Int64) -> Int64 {
        let (product, overflow) = milliCPU.multipliedReportingOverflow(by: periodMicros)
        if overflow { return Int64.max / 1000 }
        return max(product / 1000, minQuotaMicros)
    }

    /// `CpuSharesToCpuWeight` (kubelet, runc): maps [2, 262144] onto [1, 10000].
    public static func weight(fromShares shares: Int64) -> Int64 {
        let clamped = min(max(shares, minShares), maxShares)
        return 1 + ((clamped - 2) * 9999) / 262_142
    }

    // MARK: cgroup v2 file values

    /// `cpu.weight`: from shares; 100 (the kernel default) when no shares are set.
    public var cpuWeight: Int64 { cpuShares.map(Self.weight(fromShares:)) ?? 100 }
    /// `cpu.max`: "quota period" or "max period".
    public var cpuMax: String { "\(cpuQuotaMicros.map(String.init) ?? "max") \(cpuPeriodMicros)" }
    /// `memory.max`: bytes or "max".
    public var memoryMax: String { memoryLimitBytes.map(String.init) ?? "max" }
    /// `pids.max`: a count or "max".
    public var pidsMax: String { pidsLimit.map(String.init) ?? "max" }
}

/// Limits read back from a cgroup's files, for tests and `describe`.
/// `nil` means unlimited, or that the file is absent.
public struct CgroupLimits: Sendable, Hashable, Codable {
    public var memoryLimitBytes: Int64?
    public var cpuQuotaMicros: Int64?
    public var cpuPeriodMicros: Int64?
    /// v1 `cpu.shares`.
    public var cpuShares: Int64?
    /// v2 `cpu.weight`.
    public var cpuWeight: Int64?
    public var pidsLimit: Int64?

    public init(
        memoryLimitBytes: Int64? = nil, cpuQuotaMicros: Int64? = nil, cpuPeriodMicros: Int64? = nil,
        cpuShares: Int64? = nil, cpuWeight: Int64? = nil, pidsLimit: Int64? = nil
    ) {
        self.memoryLimitBytes = memoryLimitBytes
        self.cpuQuotaMicros = cpuQuotaMicros
        self.cpuPeriodMicros = cpuPeriodMicros
        self.cpuShares = cpuShares
        self.cpuWeight = cpuWeight
        self.pidsLimit = pidsLimit
    }
}
