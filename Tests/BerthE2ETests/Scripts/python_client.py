#!/usr/bin/python3
"""Drives a Berth API server with Debian's python3-kubernetes (the official Python client).

usage: python_client.py KUBECONFIG POD LOGGED_POD TIMEOUT_SECONDS

Lists nodes, the pods and the events in "default", reads LOGGED_POD's log (whole, then
followed), then watches pods from the list's resourceVersion and prints one line per event. It exits 0 once POD was seen ADDED, Running with every container
ready, and DELETED; 1 if the watch timed out first; 2 on any client error (such as an object
the client's models refuse to deserialise). Lines (flushed one by one, for the Swift test):

    NODE <name> <Ready status>
    LISTED <name> <phase>
    EVENTS <count>
    LOG <first line of the log, with its timestamp>
    FOLLOW <first line of the followed log>
    WATCHING <resourceVersion>
    EVENT <type> <name> <phase> <ready|not-ready>
    DONE | INCOMPLETE <what was seen>
"""
import sys

from kubernetes import client, config, watch


def ready(pod):
    statuses = pod.status.container_statuses or []
    return bool(statuses) and all(status.ready for status in statuses)


def main():
    kubeconfig, target, logged, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    config.load_kube_config(config_file=kubeconfig)
    v1 = client.CoreV1Api()
    for node in v1.list_node().items:
        conditions = {c.type: c.status for c in node.status.conditions or []}
        print("NODE", node.metadata.name, conditions.get("Ready"), flush=True)
    pods = v1.list_namespaced_pod("default")
    for pod in pods.items:
        print("LISTED", pod.metadata.name, pod.status.phase, flush=True)
    print("EVENTS", len(v1.list_namespaced_event("default").items), flush=True)
    # The client sends booleans as "True", which the server must read as true.
    log = v1.read_namespaced_pod_log(logged, "default", timestamps=True)
    print("LOG", log.splitlines()[0] if log else "", flush=True)
    followed = v1.read_namespaced_pod_log(logged, "default", follow=True, _preload_content=False)
    first = next(followed.stream(4096), b"").decode("utf-8")
    followed.release_conn()
    print("FOLLOW", first.splitlines()[0] if first else "", flush=True)
    print("WATCHING", pods.metadata.resource_version, flush=True)

    seen = set()
    stream = watch.Watch()
    for event in stream.stream(v1.list_namespaced_pod, "default",
                               resource_version=pods.metadata.resource_version, timeout_seconds=timeout):
        pod = event["object"]
        kind = event["type"]
        print("EVENT", kind, pod.metadata.name, pod.status.phase, "ready" if ready(pod) else "not-ready", flush=True)
        if pod.metadata.name != target:
            continue
        if kind == "ADDED":
            seen.add("added")
        elif kind == "MODIFIED" and pod.status.phase == "Running" and ready(pod):
            seen.add("running")
        elif kind == "DELETED":
            seen.add("deleted")
            stream.stop()
    complete = seen == {"added", "running", "deleted"}
    print("DONE" if complete else "INCOMPLETE", " ".join(sorted(seen)), flush=True)
    return 0 if complete else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # the test wants the reason on its output, not a bare exit code
        print("ERROR", type(error).__name__, error, flush=True)
        sys.exit(2)
