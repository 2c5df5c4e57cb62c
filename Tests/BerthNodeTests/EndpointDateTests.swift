import Glibc
import Testing

@testable import BerthNode

/// The agent endpoint writes its own `Date` header (see AgentApplication).
@Test func httpDateIsIMFFixdate() {
    var rfcExample: time_t = 784_111_777
    #expect(HTTPDate.format(&rfcExample) == "Sun, 06 Nov 1994 08:49:37 GMT")
    var leapDay: time_t = 1_709_164_800
    #expect(HTTPDate.format(&leapDay) == "Thu, 29 Feb 2024 00:00:00 GMT")
    #expect(HTTPDate().now().hasSuffix(" GMT"))
}
