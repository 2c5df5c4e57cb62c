import Foundation
import Testing

@testable import BerthNode

/// The request an httpGet probe sends and the verdict on the response head.
@Suite struct HTTPProbeTests {
    func text(_ request: HTTPProbeRequest) -> String { String(decoding: HTTPProbe.requestBytes(request), as: UTF8.self) }

    @Test func theKubeletsRequest() {
        let request = HTTPProbeRequest(host: "127.0.0.1", port: 8080, path: "/healthz?full=1")
        #expect(text(request) == "GET /healthz?full=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: kube-probe/1.32\r\n"
            + "Accept: */*\r\nConnection: close\r\n\r\n")
        #expect(HTTPProbe.url(request) == "http://127.0.0.1:8080/healthz?full=1")
        let v6 = HTTPProbeRequest(host: "::1", port: 80, path: "/")
        #expect(HTTPProbe.url(v6) == "http://[::1]:80/")
        #expect(text(v6).contains("\r\nHost: [::1]:80\r\n"))
    }

    @Test func httpHeadersReplaceOrRemoveTheDefaults() {
        let request = HTTPProbeRequest(host: "127.0.0.1", port: 80, path: "/", headers: [
            ("Host", "example.com"), ("user-agent", "mine/1"), ("Accept", ""), ("X-Token", "a"), ("X-Token", "b"),
            ("Connection", "keep-alive"),
        ])
        #expect(text(request) == "GET / HTTP/1.1\r\nHost: example.com\r\nuser-agent: mine/1\r\nX-Token: a\r\nX-Token: b\r\n"
            + "Connection: close\r\n\r\n")
    }

    struct HeadCase: Sendable, CustomTestStringConvertible {
        var head: String
        var outcome: ProbeOutcome
        var testDescription: String { head.debugDescription }
    }

    static let url = "http://127.0.0.1:80/"

    @Test(arguments: [
        HeadCase(head: "HTTP/1.1 200 OK\r\n\r\n", outcome: .success(output: "")),
        HeadCase(head: "HTTP/1.0 204 No Content\r\nServer: x\r\n\r\n", outcome: .success(output: "")),
        HeadCase(head: "HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", outcome: .success(output: "")),
        HeadCase(head: "HTTP/1.1 399 Odd\r\n\r\n", outcome: .success(output: "")),
        HeadCase(head: "HTTP/1.1 400 Bad Request\r\n\r\n", outcome: .failure(output: "HTTP probe failed with statuscode: 400")),
        HeadCase(head: "HTTP/1.1 503\r\n\r\n", outcome: .failure(output: "HTTP probe failed with statuscode: 503")),
        HeadCase(head: "HTTP/1.1 101 Switching\r\n\r\n", outcome: .failure(output: "HTTP probe failed with statuscode: 101")),
        HeadCase(head: "SSH-2.0-OpenSSH_9.2\r\n", outcome: .failure(
            output: #"Get "http://127.0.0.1:80/": net/http: HTTP/1.x transport connection broken: malformed HTTP response "SSH-2.0-OpenSSH_9.2""#)),
        HeadCase(head: "HTTP/1.1 2000 Huge\r\n\r\n", outcome: .failure(
            output: #"Get "http://127.0.0.1:80/": net/http: HTTP/1.x transport connection broken: malformed HTTP response "HTTP/1.1 2000 Huge""#)),
    ])
    func verdicts(_ c: HeadCase) {
        #expect(HTTPProbe.outcome(head: Array(c.head.utf8), url: Self.url) == c.outcome)
    }

    @Test func theHeadIsCompleteAtItsBlankLineOrItsLimit() {
        #expect(!HTTPProbe.headComplete(Array("HTTP/1.1 200 OK\r\nServer: x\r\n".utf8)))
        #expect(HTTPProbe.headComplete(Array("HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody".utf8)))
        #expect(HTTPProbe.headComplete(Array("HTTP/1.0 200 OK\n\n".utf8)))
        #expect(HTTPProbe.headComplete([UInt8](repeating: 65, count: HTTPProbe.headLimit)))
    }

    @Test func goStyleErrors() {
        #expect(NetworkProbe.goError(ECONNREFUSED) == "connection refused")
        #expect(NetworkProbe.dialError(ECONNREFUSED) == "connect: connection refused")
        #expect(NetworkProbe.dialError(ETIMEDOUT) == "i/o timeout")
        #expect(NetworkProbe.milliseconds(.seconds(2)) == 2000)
        #expect(NetworkProbe.milliseconds(.milliseconds(1500)) == 1500)
    }
}
