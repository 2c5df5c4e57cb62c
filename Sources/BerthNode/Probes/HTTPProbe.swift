/// The HTTP side of an httpGet probe, as the kubelet's prober sends and judges it, kept pure
/// so that it is table-tested: the request bytes, and the verdict on the response head.
public enum HTTPProbe {
    /// The kubelet's User-Agent: kube-probe/<major>.<minor> of the Kubernetes version served.
    public static let userAgent = "kube-probe/1.32"
    /// Enough for any sane status line and headers; a longer head is judged on what came.
    public static let headLimit = 16 << 10

    /// The URL as the kubelet prints it in events: `http://127.0.0.1:8080/healthz`.
    public static func url(_ request: HTTPProbeRequest) -> String {
        "http://\(hostPort(request.host, request.port))\(request.path)"
    }

    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// GET with Host, User-Agent and Accept unless httpHeaders set them (an empty Accept
    /// removes it, as in the kubelet), then httpHeaders, then `Connection: close`.
    public static func requestBytes(_ request: HTTPProbeRequest) -> [UInt8] {
        func given(_ name: String) -> [(name: String, value: String)] {
            request.headers.filter { $0.name.lowercased() == name.lowercased() }
        }
        var lines = ["GET \(request.path) HTTP/1.1"]
        lines.append("Host: " + (given("Host").first?.value ?? hostPort(request.host, request.port)))
        if given("User-Agent").isEmpty { lines.append("User-Agent: " + userAgent) }
        if given("Accept").isEmpty { lines.append("Accept: */*") }
        for header in request.headers {
            switch header.name.lowercased() {
            case "host", "connection": continue
            case "accept" where header.value.isEmpty: continue
            default: lines.append("\(header.name): \(header.value)")
            }
        }
        lines.append("Connection: close")
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// True once `head` holds the whole response head (or as much as will be read).
    public static func headComplete(_ head: [UInt8]) -> Bool {
        if head.count >= headLimit { return true }
        let crlf: [UInt8] = [13, 10, 13, 10]
        let lf: [UInt8] = [10, 10]
        return contains(head, crlf) || contains(head, lf)
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }

    /// The status code of a response head, nil if its first line is not an HTTP status line.
    public static func statusCode(_ head: [UInt8]) -> Int? {
        let firstLine = head.split(separator: 10, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        var line = String(decoding: firstLine, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/1."), fields[1].count == 3,
              let code = Int(fields[1]), (100...999).contains(code) else { return nil }
        return code
    }

    /// The verdict on a complete head (kubelet: success for 200 <= code < 400; the body is
    /// never part of the failure message).
    public static func outcome(head: [UInt8], url: String) -> ProbeOutcome {
        guard let code = statusCode(head) else {
            let firstLine = head.split(separator: 10, maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            return .failure(output: "Get \"\(url)\": net/http: HTTP/1.x transport connection broken: malformed HTTP response \"\(firstLine.trimmingSuffix("\r"))\"")
        }
        if (200..<400).contains(code) { return .success(output: "") }
        return .failure(output: "HTTP probe failed with statuscode: \(code)")
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
