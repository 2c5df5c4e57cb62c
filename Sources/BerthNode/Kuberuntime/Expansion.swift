/// Kubernetes' `$(VAR)` expansion for env values, command and args: `$(NAME)` becomes the
/// variable's value when it is defined and stays as written otherwise; `$$` escapes a `$`.
public enum Expansion {
    public static func expand(_ input: String, _ lookup: (String) -> String?) -> String {
        var out = ""
        var index = input.startIndex
        while index < input.endIndex {
            let char = input[index]
            let next = input.index(after: index)
            guard char == "$", next < input.endIndex else {
                out.append(char)
                index = next
                continue
            }
            switch input[next] {
            case "$":
                out.append("$")
                index = input.index(after: next)
            case "(":
                let nameStart = input.index(after: next)
                if let close = input[nameStart...].firstIndex(of: ")") {
                    let name = String(input[nameStart..<close])
                    if let value = lookup(name) {
                        out += value
                    } else {
                        out += "$(" + name + ")"
                    }
                    index = input.index(after: close)
                } else {
                    // Unterminated: "$(" stays as written and the rest is still scanned.
                    out += "$("
                    index = nameStart
                }
            default:
                out.append("$")
                index = next
            }
        }
        return out
    }
}
