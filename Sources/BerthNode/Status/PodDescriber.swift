import BerthAPI
import Foundation

/// The text of `describe pod`, laid out as kubectl's describer does.
public enum PodDescriber {
    public static func describe(_ pod: Pod) -> String {
        var out = ""
        func line(_ key: String, _ value: String, indent: Int = 0) {
            let pad = String(repeating: " ", count: indent)
            out += pad + (key + ":").padding(toLength: max(key.count + 2, 18 - indent), withPad: " ", startingAt: 0) + value + "\n"
        }
        line("Name", pod.metadata.name ?? "")
        line("Namespace", pod.metadata.namespace ?? "default")
        line("Start Time", pod.status?.startTime ?? "<unset>")
        line("Labels", labels(pod.metadata.labels))
        line("Annotations", labels(pod.metadata.annotations))
        line("Status", pod.status?.phase ?? "Pending")
        if let reason = pod.status?.reason { line("Reason", reason) }
        if let message = pod.status?.message { line("Message", message) }
        line("QoS Class", pod.status?.qosClass ?? "")
        let groups: [(String, [Container], [BerthAPI.ContainerStatus])] = [
            ("Init Containers", pod.spec.initContainers ?? [], pod.status?.initContainerStatuses ?? []),
            ("Containers", pod.spec.containers, pod.status?.containerStatuses ?? []),
        ]
        for (title, containers, statuses) in groups where !containers.isEmpty {
            out += title + ":\n"
            for container in containers {
                let status = statuses.first { $0.name == container.name }
                out += "  \(container.name):\n"
                line("Container ID", status?.containerID ?? "", indent: 4)
                line("Image", container.image ?? "", indent: 4)
                if let command = container.command { line("Command", command.joined(separator: " "), indent: 4) }
                if let args = container.args { line("Args", args.joined(separator: " "), indent: 4) }
                if let policy = container.restartPolicy { line("Restart Policy", policy, indent: 4) }
                describeState("State", status?.state, into: &out)
                if let last = status?.lastState, last.terminated != nil { describeState("Last State", last, into: &out) }
                line("Ready", status?.ready == true ? "True" : "False", indent: 4)
                line("Restart Count", "\(status?.restartCount ?? 0)", indent: 4)
                if let limits = container.resources?.limits, !limits.isEmpty {
                    out += "    Limits:\n"
                    for (key, value) in limits.sorted(by: { $0.key < $1.key }) { line(key, value.description, indent: 6) }
                }
            }
        }
        out += "Conditions:\n  Type                        Status\n"
        for condition in pod.status?.conditions ?? [] {
            out += "  " + condition.type.padding(toLength: 28, withPad: " ", startingAt: 0) + condition.status + "\n"
        }
        out += "Events:                      <none>\n"
        return out
    }

    static func describeState(_ title: String, _ state: ContainerState?, into out: inout String) {
        let pad = "    "
        if let running = state?.running {
            out += "\(pad)\(title):".padding(toLength: 22, withPad: " ", startingAt: 0) + "Running\n"
            out += "      Started:      \(running.startedAt ?? "")\n"
        } else if let terminated = state?.terminated {
            out += "\(pad)\(title):".padding(toLength: 22, withPad: " ", startingAt: 0) + "Terminated\n"
            out += "      Reason:       \(terminated.reason ?? "")\n"
            out += "      Exit Code:    \(terminated.exitCode)\n"
            out += "      Started:      \(terminated.startedAt ?? "")\n"
            out += "      Finished:     \(terminated.finishedAt ?? "")\n"
        } else {
            out += "\(pad)\(title):".padding(toLength: 22, withPad: " ", startingAt: 0) + "Waiting\n"
            out += "      Reason:       \(state?.waiting?.reason ?? "")\n"
        }
    }

    static func labels(_ map: [String: String]?) -> String {
        guard let map, !map.isEmpty else { return "<none>" }
        return map.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n                  ")
    }
}
