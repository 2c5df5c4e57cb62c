import Foundation
import Testing
@testable import BerthAPI

@Suite struct RFC3339Tests {
    @Test func formatsSecondsAndNanos() {
        let date = Date(timeIntervalSince1970: 1_714_564_800.25)
        #expect(RFC3339.format(date) == "2024-05-01T12:00:00Z")
        #expect(RFC3339.formatNano(date) == "2024-05-01T12:00:00.25Z")
        #expect(RFC3339.formatNano(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }

    @Test(arguments: [
        ("2024-05-01T12:00:00Z", 1_714_564_800.0),
        ("2024-05-01T12:00:00.5Z", 1_714_564_800.5),
        ("2024-05-01T14:00:00+02:00", 1_714_564_800.0),
        ("2024-05-01T07:30:00-04:30", 1_714_564_800.0),
    ])
    func parses(_ text: String, _ seconds: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 1e-6)
    }

    @Test(arguments: ["", "2024-05-01", "2024-05-01 12:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01T12:00:00", "2024-05-01T12:00:00.Z"])
    func rejects(_ text: String) {
        #expect(RFC3339.parse(text) == nil)
    }
}
