/// An extra /etc/hosts entry (`spec.hostAliases`).
public struct HostAlias: Sendable, Hashable, Codable {
    public var ip: String
    public var hostnames: [String]

    public init(ip: String, hostnames: [String]) {
        self.ip = ip
        self.hostnames = hostnames
    }
}

/// What a pod's /etc/hosts is made from.
public struct HostsFileInput: Sendable, Hashable {
    /// Pod IPs (none while the network is not set up, or with host networking).
    public var podIPs: [String]
    public var hostname: String
    /// `spec.subdomain`: with it the pod gets `<hostname>.<subdomain>.<namespace>.svc.<domain>`.
    public var subdomain: String?
    public var namespace: String
    public var clusterDomain: String
    public var hostAliases: [HostAlias]

    public init(
        podIPs: [String] = [], hostname: String, subdomain: String? = nil, namespace: String = "default",
        clusterDomain: String = "cluster.local", hostAliases: [HostAlias] = []
    ) {
        self.podIPs = podIPs
        self.hostname = hostname
        self.subdomain = subdomain
        self.namespace = namespace
        self.clusterDomain = clusterDomain
        self.hostAliases = hostAliases
    }

    /// `<hostname>.<subdomain>.<namespace>.svc.<clusterDomain>` when a subdomain is set.
    public var fullyQualifiedName: String? {
        guard let subdomain, !subdomain.isEmpty else { return nil }
        let domain = clusterDomain.hasSuffix(".") ? String(clusterDomain.dropLast()) : clusterDomain
        return "\(hostname).\(subdomain).\(namespace).svc.\(domain)"
    }
}

/// Pure generators of the files a sandbox bind-mounts into its containers.
public enum SandboxFiles {
    /// The kubelet's managed /etc/hosts (`managedHostsFileContent`): loopback and IPv6
    /// multicast names, one line per pod IP (`ip<TAB>fqdn<TAB>hostname` with a subdomain,
    /// `ip<TAB>hostname` without), then the host aliases under their own comment.
    public static func hosts(_ input: HostsFileInput) -> String {
        var text = """
            # Kubernetes-managed hosts file.
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            fe00::0\tip6-mcastprefix
            fe00::1\tip6-allnodes
            fe00::2\tip6-allrouters

            """
        for ip in input.podIPs where !ip.isEmpty {
            if let fqdn = input.fullyQualifiedName {
                text += "\(ip)\t\(fqdn)\t\(input.hostname)\n"
            } else {
                text += "\(ip)\t\(input.hostname)\n"
            }
        }
        let aliases = input.hostAliases.filter { !$0.hostnames.isEmpty }
        if !aliases.isEmpty {
            text += "\n# Entries added by HostAliases.\n"
            for alias in aliases {
                text += alias.ip + "\t" + alias.hostnames.joined(separator: "\t") + "\n"
            }
        }
        return text
    }

    /// /etc/hostname: the name and a newline.
    public static func hostname(_ name: String) -> String {
        name + "\n"
    }
}
