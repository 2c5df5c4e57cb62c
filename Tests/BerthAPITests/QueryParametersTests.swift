import BerthAPI
import Testing

@Suite struct QueryParametersTests {
    @Test(arguments: [
        (nil, false), ("0", false), ("false", false), ("False", false), ("FALSE", false),
        ("1", true), ("true", true), ("True", true), ("t", true), ("yes", true), ("", true),
    ] as [(String?, Bool)])
    func boolReadsAsTheKubeAPIServer(_ value: String?, _ expected: Bool) {
        #expect(QueryParameters.bool(value) == expected)
    }
}
