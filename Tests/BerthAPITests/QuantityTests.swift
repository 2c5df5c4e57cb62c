import Foundation
import Testing
@testable import BerthAPI

@Suite struct QuantityTests {
    struct Valid: Sendable, CustomStringConvertible {
        let text: String
        let value: Int64
        let milli: Int64
        var description: String { text }
    }

    @Test(arguments: [
        Valid(text: "100Mi", value: 104_857_600, milli: 104_857_600_000),
        Valid(text: "1Gi", value: 1_073_741_824, milli: 1_073_741_824_000),
        Valid(text: "1.5Gi", value: 1_610_612_736, milli: 1_610_612_736_000),
        Valid(text: "0.5", value: 1, milli: 500),
        Valid(text: "500m", value: 1, milli: 500),
        Valid(text: "1e3", value: 1000, milli: 1_000_000),
        Valid(text: "1E-3", value: 1, milli: 1),
        Valid(text: "+1", value: 1, milli: 1000),
        Valid(text: "10", value: 10, milli: 10_000),
        Valid(text: "0.1", value: 1, milli: 100),
        Valid(text: "100n", value: 1, milli: 1),
        Valid(text: "2k", value: 2000, milli: 2_000_000),
        Valid(text: "3M", value: 3_000_000, milli: 3_000_000_000),
        Valid(text: "1Ki", value: 1024, milli: 1_024_000),
        Valid(text: "1Ti", value: 1_099_511_627_776, milli: 1_099_511_627_776_000),
        Valid(text: "1Ei", value: 1_152_921_504_606_846_976, milli: Int64.max),
        Valid(text: "0", value: 0, milli: 0),
        Valid(text: "-1.5", value: -2, milli: -1500),
        Valid(text: ".5", value: 1, milli: 500),
        Valid(text: "250u", value: 1, milli: 1),
    ])
    func parsesValid(_ c: Valid) throws {
        let q = try Quantity(c.text)
        #expect(q.value == c.value)
        #expect(q.milliValue == c.milli)
        #expect(q.string == c.text)
    }

    @Test(arguments: [
        ("12Zi", QuantityError.Reason.format), ("abc", .format), ("1.2.3", .format), ("", .format),
        ("-", .format), ("Mi", .format), ("1i", .suffix), ("5kM", .suffix), ("1 Gi", .format), ("1e", .suffix),
    ])
    func rejectsInvalid(_ text: String, _ reason: QuantityError.Reason) {
        #expect(throws: QuantityError(input: text, reason: reason)) { try Quantity(text) }
    }

    @Test func comparesByValueNotText() throws {
        #expect(try Quantity("1Gi") == Quantity("1024Mi"))
        #expect(try Quantity("0.1") == Quantity("100m"))
        #expect(try Quantity("1k") == Quantity("1e3"))
        #expect(try Quantity("999m") < Quantity("1"))
        #expect(try Quantity("1G") < Quantity("1Gi"))
        #expect(try Quantity("-1") < Quantity("0"))
        #expect(try Quantity("-1").isNegative)
    }

    @Test func constructsFromIntegers() {
        #expect(Quantity(value: 3).string == "3")
        #expect(Quantity(milliValue: 250).string == "250m")
        #expect(Quantity(milliValue: 2000).string == "2")
        #expect(Quantity(milliValue: 250).milliValue == 250)
    }

    @Test func decodesFromNumbersAndEncodesAsString() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: q}
            spec:
              containers:
              - name: a
                image: busybox
                resources:
                  limits: {cpu: 1, memory: 0.5}
                  requests: {cpu: 0.25}
            """
        let pod = try decodePods(yaml: yaml, strict: true).pods[0]
        let resources = try #require(pod.spec.containers[0].resources)
        #expect(resources.limits?["cpu"]?.string == "1")
        #expect(resources.limits?["memory"]?.string == "0.5")
        #expect(resources.requests?["cpu"]?.milliValue == 250)
        let json = String(decoding: encodeJSON(resources), as: UTF8.self)
        #expect(json.contains("\"cpu\":\"0.25\""))
    }

    /// The hand-written digits → Decimal conversion against Decimal(string:), which it replaced.
    @Test(arguments: ["0", "1", "0.1", "1.5", "10.25", "007", "123456789012345678901234567890",
                      "0.000000000000000000000000000001", "99999999999999999999999999999999999999.5", "3.14159265358979"])
    func decimalDigitsMatchDecimalString(_ text: String) {
        #expect(Quantity.decimal(digits: text) == Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
    }
}
