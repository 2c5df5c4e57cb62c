/// The DNS settings of a pod: what /etc/resolv.conf says (CRI's `DNSConfig`).
public struct DNSConfig: Sendable, Hashable, Codable {
    public var nameservers: [String]
    public var searches: [String]
    /// "name" or "name:value", e.g. "ndots:5".
    public var options: [String]

    /// Kubelet limits (`pkg/kubelet/network/dns`): 3 nameservers, 32 search domains of
    /// at most 2048 characters together.
    public static let maxNameservers = 3
    public static let maxSearches = 32
    public static let maxSearchCharacters = 2048

    public init(nameservers: [String] = [], searches: [String] = [], options: [String] = []) {
        self.nameservers = nameservers
        self.searches = searches
        self.options = options
    }

    /// Kubernetes `ClusterFirst`: the cluster DNS service, the namespace's search path before
    /// the host's, `ndots:5`.
    public static func clusterFirst(
        namespace: String, clusterDomain: String = "cluster.local", clusterDNS: [String], hostSearches: [String] = []
    ) -> DNSConfig {
        let domain = clusterDomain.hasSuffix(".") ? String(clusterDomain.dropLast()) : clusterDomain
        return DNSConfig(
            nameservers: clusterDNS,
            searches: ["\(namespace).svc.\(domain)", "svc.\(domain)", domain] + hostSearches,
            options: ["ndots:5"])
    }

    /// Kubernetes `Default`: the host's resolv.conf, without loopback nameservers (127.0.0.0/8
    /// and ::1 point at a resolver that is not reachable from the pod's network namespace).
    public static func hostDefault(hostResolvConf: String) -> DNSConfig {
        var config = parse(hostResolvConf)
        config.nameservers.removeAll(where: isLoopback)
        return config
    }

    /// Parses resolv.conf text: `nameserver`, `search` (or `domain`), `options` lines;
    /// comments (# ;) and anything else are ignored. A later `search` replaces earlier ones,
    /// as in glibc.
    public static func parse(_ text: String) -> DNSConfig {
        var config = DNSConfig()
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let uncommented: Substring = rawLine.prefix { $0 != "#" && $0 != ";" }
            let fields: [String] = uncommented.split { $0 == " " || $0 == "\t" }.map(String.init)
            guard let keyword = fields.first else { continue }
            let values = Array(fields.dropFirst())
            switch keyword {
            case "nameserver": if let server = values.first { config.nameservers.append(server) }
            case "search", "domain": config.searches = values
            case "options": config.options += values
            default: continue
            }
        }
        return config
    }

    /// The kubelet's `appendDNSConfig` for a pod's `dnsConfig`: nameservers and searches
    /// appended without duplicates, options merged by name (the pod's value wins).
    public func merged(with pod: DNSConfig) -> DNSConfig {
        var result = self
        for server in pod.nameservers where !result.nameservers.contains(server) { result.nameservers.append(server) }
        for search in pod.searches where !result.searches.contains(search) { result.searches.append(search) }
        for option in pod.options {
            let name = option.split(separator: ":", maxSplits: 1).first.map(String.init) ?? option
            result.options.removeAll { ($0.split(separator: ":", maxSplits: 1).first.map(String.init) ?? $0) == name }
            result.options.append(option)
        }
        return result
    }

    /// Within the kubelet's limits: first 3 nameservers; searches de-duplicated, trailing
    /// dots removed, cut at 32 entries or 2048 characters.
    public var limited: DNSConfig {
        var result = self
        result.nameservers = Array(nameservers.prefix(Self.maxNameservers))
        var searches: [String] = []
        var characters = 0
        for raw in self.searches {
            let search = raw.hasSuffix(".") ? String(raw.dropLast()) : raw
            guard !search.isEmpty, !searches.contains(search) else { continue }
            let added = search.count + (searches.isEmpty ? 0 : 1)
            guard searches.count < Self.maxSearches, characters + added <= Self.maxSearchCharacters else { break }
            searches.append(search)
            characters += added
        }
        result.searches = searches
        return result
    }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address == "0:0:0:0:0:0:0:1"
    }
}

extension SandboxFiles {
    /// /etc/resolv.conf for `config` (after `limited`): `search`, `nameserver` lines,
    /// `options`; empty parts are left out.
    public static func resolvConf(_ config: DNSConfig) -> String {
        let config = config.limited
        var text = ""
        if !config.searches.isEmpty { text += "search " + config.searches.joined(separator: " ") + "\n" }
        for server in config.nameservers { text += "nameserver \(server)\n" }
        if !config.options.isEmpty { text += "options " + config.options.joined(separator: " ") + "\n" }
        return text
    }
}
