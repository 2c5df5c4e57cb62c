/// A parsed image reference (the docker/distribution grammar, simplified):
/// `[domain/]path[/path...][:tag][@algorithm:hex]`.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// Registry host (and port) if given, e.g. "docker.io", "localhost:5000".
    public var domain: String?
    /// Path components after the domain, e.g. ["library", "busybox"].
    public var path: [String]
    public var tag: String?
    public var digest: String?

    /// The last path component: the image's short name, e.g. "busybox".
    public var name: String { path.last ?? "" }

    /// Fully qualified repository as Kubernetes shows it: "docker.io/library/busybox".
    public var repository: String {
        let host = domain ?? "docker.io"
        let components = (host == "docker.io" && path.count == 1) ? ["library"] + path : path
        return ([host] + components).joined(separator: "/")
    }

    /// `repository:tag` (tag defaults to "latest" unless a digest is given), `@digest` appended.
    public var normalized: String {
        var text = repository
        if let tag { text += ":" + tag } else if digest == nil { text += ":latest" }
        if let digest { text += "@" + digest }
        return text
    }

    public var description: String { normalized }

    /// Parses `reference`; the error says which part is wrong.
    public static func parse(_ reference: String) throws(ImageError) -> ImageReference {
        func invalid(_ reason: String) -> ImageError { .invalidReference(reference: reference, reason: reason) }
        guard !reference.isEmpty else { throw invalid("empty reference") }
        guard reference.utf8.count <= 512 else { throw invalid("longer than 512 characters") }

        var remainder = Substring(reference)
        var digest: String?
        if let at = remainder.firstIndex(of: "@") {
            let value = String(remainder[remainder.index(after: at)...])
            guard isDigest(value) else { throw invalid("digest \(value.debugDescription) is not algorithm:hex") }
            digest = value
            remainder = remainder[..<at]
        }
        var tag: String?
        let lastSlash = remainder.lastIndex(of: "/")
        let nameStart = lastSlash.map { remainder.index(after: $0) } ?? remainder.startIndex
        if let colon = remainder[nameStart...].firstIndex(of: ":") {
            let value = String(remainder[remainder.index(after: colon)...])
            guard isTag(value) else { throw invalid("tag \(value.debugDescription) is not valid") }
            tag = value
            remainder = remainder[..<colon]
        }
        var components = remainder.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var domain: String?
        if components.count > 1, let first = components.first,
            first.contains(".") || first.contains(":") || first == "localhost"
        {
            guard isDomain(first) else { throw invalid("registry \(first.debugDescription) is not a host[:port]") }
            domain = first
            components.removeFirst()
        }
        guard components.joined(separator: "/").utf8.count <= 255 else { throw invalid("name longer than 255 characters") }
        for component in components where !isPathComponent(component) {
            throw invalid("name component \(component.debugDescription) must be lowercase letters, digits and separators")
        }
        return ImageReference(domain: domain, path: components, tag: tag, digest: digest)
    }

    // MARK: grammar

    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    /// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`
    static func isPathComponent(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        var index = 0
        while index < bytes.count {
            if isLowerAlnum(bytes[index]) { index += 1; continue }
            var separator: [UInt8] = []
            while index < bytes.count, !isLowerAlnum(bytes[index]) { separator.append(bytes[index]); index += 1 }
            let text = String(decoding: separator, as: UTF8.self)
            guard text == "." || text == "_" || text == "__" || (!text.isEmpty && text.allSatisfy { $0 == "-" }) else {
                return false
            }
        }
        return true
    }

    /// `[\w][\w.-]{0,127}`
    static func isTag(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        func word(_ c: UInt8) -> Bool { isLowerAlnum(c) || (c >= 65 && c <= 90) || c == UInt8(ascii: "_") }
        guard let first = bytes.first, word(first), bytes.count <= 128 else { return false }
        return bytes.allSatisfy { word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// `algorithm:hex` with at least 32 hex digits (sha256: exactly 64).
    static func isDigest(_ text: String) -> Bool {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.count >= 32 else { return false }
        guard parts[0].utf8.allSatisfy({ isLowerAlnum($0) || "+._-".utf8.contains($0) }) else { return false }
        guard parts[1].allSatisfy(\.isHexDigit) else { return false }
        return parts[0] != "sha256" || parts[1].utf8.count == 64
    }

    /// host (letters, digits, '-', '.'), optional ":port".
    static func isDomain(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let host = parts.first, !host.isEmpty else { return false }
        let allowed = host.utf8.allSatisfy { c in
            isLowerAlnum(c) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        }
        guard allowed else { return false }
        if parts.count == 2 { return !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber) && parts[1].count <= 5 }
        return true
    }
}
