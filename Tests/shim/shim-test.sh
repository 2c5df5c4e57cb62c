#!/usr/bin/env bash
# Self-test of berth-shim against the real kernel (root). Writes bootstrap files by hand,
# runs pin, run and exec modes on the busybox rootfs, and checks reports, state files, the
# CRI log, capabilities, no_new_privs, seccomp, an OOM kill, errors, and that nothing is left.
#
#   Tests/shim/shim-test.sh [path/to/berth-shim]     (default: build with gcc into the temp dir)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
ROOTFS=$REPO/rootfs/busybox
[ "$(id -u)" = 0 ] || { echo "shim-test: needs root"; exit 1; }
[ -x "$ROOTFS/bin/busybox" ] || { echo "shim-test: no $ROOTFS (make rootfs)"; exit 1; }

T=$(mktemp -d /tmp/berth-shimtest.XXXXXX)
MEMPARENT=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" { print $3 }' /proc/self/cgroup)
MEMCG=$MEMPARENT/berth-shimtest-$$
SHIM_PIDS=()

teardown() {
    local p f
    # Containers first, by the PIDs their shims recorded: each shim then reaps its container
    # and exits. Killing a shim first would orphan its container (PID 1 here does not reap).
    for f in "$T"/*/state/pid; do
        [ -f "$f" ] && read -r _ p _ <"$f" && kill -9 "$p" 2>/dev/null || true
    done
    for p in "${SHIM_PIDS[@]}"; do
        wait_for 5 shim_done "$p" || kill -9 "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    SHIM_PIDS=()
    for ns in net ipc uts; do
        mountpoint -q "$T/pins/$ns" 2>/dev/null && umount -l "$T/pins/$ns"
    done
    for d in "$MEMCG"/*/ "$MEMCG"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null || true
    done
    rm -rf "$T"
}
trap 'rc=$?; teardown; [ $rc = 0 ] || echo "shim-test: FAILED (exit $rc)"; exit $rc' EXIT

# shim_done <pid>: exited (gone, or a zombie waiting for our `wait`)
shim_done() { [ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }
# wait_for <seconds> <command...>: poll with a deadline
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do ((SECONDS < deadline)) || return 1; sleep 0.05; done
}
# rec key value...: one bootstrap record, values percent-encoded
enc() { local v=${1//%/%25}; v=${v//$'\t'/%09}; v=${v//$'\n'/%0A}; printf '%s' "${v//$'\r'/%0D}"; }
rec() {
    local out=$1 v; shift
    for v in "$@"; do out+=$'\t'$(enc "$v"); done
    printf '%s\n' "$out"
}
field() { sed -n "s/^$1=//p" "$2"; }   # field <key> <exit file>

SHIM=${1:-}
if [ -z "$SHIM" ]; then
    SHIM=$T/berth-shim
    gcc -D_GNU_SOURCE -std=gnu11 -O2 -Wall -Wextra -Werror -I "$REPO/Sources/CBerth/include" \
        "$REPO"/Sources/berth-shim/*.c "$REPO"/Sources/CBerth/*.c -lseccomp -lcap -o "$SHIM"
fi

# shim <mode> <bootstrap> <report> [extra redirections via the caller's fds]
shim() { timeout -s KILL 60 "$SHIM" "$1" 3<"$2" 4>"$3"; }

CAPS=(0 1 3 4 5 6 7 8 10 13 18 27 29 31)
DENY=(mount umount2 unshare setns reboot kexec_load kexec_file_load bpf keyctl add_key
      request_key init_module finit_module delete_module swapon swapoff acct pivot_root
      open_by_handle_at perf_event_open userfaultfd ptrace)

# container <name> <user> <nonewprivs 0|1> <args...>: a run-mode bootstrap on stdout
container() {
    local name=$1 user=$2 nnp=$3; shift 3
    local c=$T/$name
    mkdir -p "$c/rootfs" "$c/upper" "$c/work" "$c/state"
    rec version 1
    rec id "$name"
    rec statedir "$c/state"
    rec log "$c/state/ctr.log"
    rec netns "$T/pins/net"; rec ipcns "$T/pins/ipc"; rec utsns "$T/pins/uts"
    rec rootfs "$c/rootfs"
    rec overlay "$ROOTFS" "$c/upper" "$c/work"
    rec mount proc /proc proc nosuid,noexec,nodev ""
    rec mount tmpfs /dev tmpfs nosuid,strictatime mode=755,size=65536k
    rec mount devpts /dev/pts devpts nosuid,noexec newinstance,ptmxmode=0666,mode=0620
    rec mount shm /dev/shm tmpfs nosuid,noexec,nodev mode=1777,size=65536k
    rec mount mqueue /dev/mqueue mqueue nosuid,noexec,nodev ""
    rec mount sysfs /sys sysfs nosuid,noexec,nodev,ro ""
    rec mount "$T/hosts" /etc/hosts bind bind,ro,file ""
    rec mount "$T/data" /data bind rbind,ro,nosuid,rprivate ""
    for d in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
        read -r dn ma mi <<<"$d"
        rec device "/dev/$dn" c "$ma" "$mi" 0666 0 0
    done
    rec symlink /proc/self/fd /dev/fd
    rec symlink /dev/pts/ptmx /dev/ptmx
    for p in /proc/kcore /proc/keys /proc/timer_list /sys/firmware /proc/acpi /proc/nonexistent; do
        rec maskpath "$p"
    done
    for p in /proc/sys /proc/sysrq-trigger /proc/bus /proc/fs /proc/irq; do rec readonlypath "$p"; done
    rec rootreadonly 1
    rec cwd /work/dir
    rec env PATH=/usr/sbin:/usr/bin:/sbin:/bin
    rec env MSG=$'a%b\tc'
    for a in "$@"; do rec arg "$a"; done
    rec user "$user" "$user"
    rec groups
    rec caps "${CAPS[@]}"
    [ "$nnp" = 1 ] && rec nonewprivs 1
    rec seccomp deny "${DENY[@]}"
    rec seccomp denyclonens
    rec rlimit nofile 1024 1024
    rec rlimit nproc 4096 unlimited
    rec oomscoreadj 100
}

# a static probe for `seccomp denyclonens`, bound into the container
cat >"$T/clonecheck.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    long r = syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0);
    if (r == 0) _exit(0);
    printf("clone-newuts=%s\n", r < 0 && errno == EPERM ? "EPERM" : "allowed");
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    r = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (r == 0) _exit(0);
    printf("clone-plain=%s\n", r > 0 ? "ok" : "failed");
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    r = syscall(435 /* clone3 */, NULL, 0);
    printf("clone3=%s\n", r < 0 && errno == ENOSYS ? "ENOSYS" : "other");
    return 0;
}
EOF
gcc -static -O1 -o "$T/clonecheck" "$T/clonecheck.c"

echo "127.0.0.1 localhost" >"$T/hosts"
mkdir -p "$T/data" && echo data >"$T/data/file"

# ---- pin mode ----
{ rec version 1; rec id pod1; rec hostname pod1; rec pindir "$T/pins"; } >"$T/pin.bs"
shim pin "$T/pin.bs" "$T/pin.report" || fail "pin mode exited $?"
[ "$(cat "$T/pin.report")" = pinned ] || fail "pin report: $(cat "$T/pin.report")"
for ns in net ipc uts; do
    [ "$(stat -f -c %T "$T/pins/$ns")" = nsfs ] || fail "$T/pins/$ns is not a pinned namespace"
done
[ "$(readlink /proc/self/ns/net)" != "$(nsenter --net="$T/pins/net" readlink /proc/self/ns/net)" ] ||
    fail "pinned netns is the host's"
ok "pin: net, ipc, uts pinned, report 'pinned'"

# ---- run mode: the main container ----
SCRIPT='echo hi; echo err >&2; echo pid=$$; hostname; cat /sys/class/net/lo/flags;
grep -E "CapEff|CapBnd|NoNewPrivs|Seccomp|SigIgn|SigBlk" /proc/self/status;
mount -t tmpfs x /mnt || echo mount-denied;
unshare -n true || echo unshare-denied;
echo "nofile=$(ulimit -n)"; echo "cwd=$(pwd)"; echo "oom=$(cat /proc/self/oom_score_adj)";
echo "msg=$MSG"; touch /etc/hosts 2>/dev/null || echo hosts-ro; touch /newfile 2>/dev/null || echo root-ro;
touch /dev/shm/x && echo shm-rw; cat /data/file; echo "timer_list=$(wc -c </proc/timer_list)"; grep -E " /proc/(acpi|sys) " /proc/mounts;
ls -l /dev/null; echo "$(cat /proc/self/cgroup | grep memory)";
/clonecheck; head -c 40000 /dev/zero | tr "\0" x; printf "tail-no-newline"'
{ container c1 0 1 sh -c "$SCRIPT"; rec mount "$T/clonecheck" /clonecheck bind bind,ro ""; } >"$T/c1.bs"
# inherited ignored signals (and the shim's own SIGHUP/SIGPIPE) must not reach the workload
(trap '' PIPE XFSZ; shim run "$T/c1.bs" "$T/c1.report") || fail "run mode exited $?: $(cat "$T/c1.report")"
read -r word spid cpid rest <"$T/c1.report" || true
[ "$word" = started ] && [ -z "$rest" ] || fail "run report: $(cat "$T/c1.report")"
read -r p1 p2 ts <"$T/c1/state/pid"
[ "$p1 $p2" = "$spid $cpid" ] || fail "pid file $p1 $p2 vs report $spid $cpid"
[[ $ts =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$ ]] || fail "startedAt $ts"
E=$T/c1/state/exit
[ "$(field exitCode "$E")" = 0 ] && [ "$(field reason "$E")" = Completed ] &&
    [ "$(field signal "$E")" = 0 ] || fail "exit file: $(cat "$E")"
[[ $(field finishedAt "$E") > $(field startedAt "$E") ]] || fail "finishedAt <= startedAt"
ok "run: report 'started $spid $cpid', pid file, exit file exitCode=0 reason=Completed"

LOG=$T/c1/state/ctr.log
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z'
grep -Evq "^$TS (stdout|stderr) [FP] " "$LOG" && fail "malformed CRI log lines: $(grep -Ev "^$TS (stdout|stderr) [FP] " "$LOG" | head -3)"
has() { grep -Eq "^$TS $1 $2 $3\$" "$LOG" || fail "log lacks '$1 $2 $3': $(cut -c1-200 "$LOG")"; }
has stdout F hi
has stderr F err
has stdout F pid=1
has stdout F pod1
has stdout F 0x9
has stdout F 'CapEff:	00000000a80425fb'
has stdout F 'CapBnd:	00000000a80425fb'
has stdout F 'NoNewPrivs:	1'
has stdout F 'Seccomp:	2'
has stdout F 'SigIgn:	0000000000000000'
has stdout F 'SigBlk:	0000000000000000'
has stderr F 'mount: permission denied \(are you root\?\)' # busybox's words for EPERM
has stdout F mount-denied
has stdout F unshare-denied
has stdout F clone-newuts=EPERM
has stdout F clone-plain=ok
has stdout F clone3=ENOSYS
has stdout F nofile=1024
has stdout F cwd=/work/dir
has stdout F oom=100
has stdout F "msg=a%b	c"
has stdout F hosts-ro
has stdout F root-ro
has stdout F shm-rw
has stdout F data
has stdout F timer_list=0
has stdout F 'tmpfs /proc/acpi tmpfs ro,.*'
has stdout F 'proc /proc/sys proc ro,nosuid,nodev,noexec,.*'
has stdout F 'crw-rw-rw-    1 root     root        1,   3 .*/dev/null'
has stdout F '[0-9]+:memory:/'
# 40000 x's and a tail without newline: P 16384, P 16384, F 7232+tail
long=$(grep -E " stdout [FP] x" "$LOG" | awk '{ print $3 length($4) }' | tr '\n' ' ')
[ "$long" = "P16384 P16384 F7247 " ] || fail "long line split: $long"
ok "log: CRI format, stdout/stderr, P split at 16384, final partial line F"
ok "container: PID 1, hostname, lo up, CapEff/CapBnd a80425fb, NoNewPrivs 1, Seccomp 2, no signal ignored or blocked"
ok "container: mount/unshare/clone(CLONE_NEWUTS) EPERM, clone3 ENOSYS, plain clone ok, rlimit, cwd created, oom_score_adj, env decoded"
ok "container: ro /etc/hosts bind, ro root, rw /dev/shm, rbind /data, masked /proc/timer_list and /proc/acpi, ro /proc/sys, devices, cgroupns"

# ---- OOM: 32M limit, 100M allocation, seccomp loaded without no_new_privs ----
mkdir "$MEMCG" "$MEMCG/oom" "$MEMCG/ctr"
echo 32M >"$MEMCG/oom/memory.limit_in_bytes"
{
    container c2 0 0 sh -c 'grep -E "NoNewPrivs|Seccomp" /proc/self/status;
        x=$(head -c 104857600 /dev/zero | tr "\0" a); echo ${#x}'
    rec cgroupprocs "$MEMCG/oom/cgroup.procs"
    rec oomfile "$MEMCG/oom/memory.oom_control"
} >"$T/c2.bs"
shim run "$T/c2.bs" "$T/c2.report" || fail "oom run exited $?: $(cat "$T/c2.report")"
grep -q '^started ' "$T/c2.report" || fail "oom report: $(cat "$T/c2.report")"
E=$T/c2/state/exit
[ "$(field reason "$E")" = OOMKilled ] && [ "$(field exitCode "$E")" = 137 ] &&
    [ "$(field signal "$E")" = 9 ] || fail "oom exit file: $(cat "$E")"
grep -q 'NoNewPrivs:	0' "$T/c2/state/ctr.log" && grep -q 'Seccomp:	2' "$T/c2/state/ctr.log" ||
    fail "seccomp without no_new_privs: $(cat "$T/c2/state/ctr.log")"
ok "oom: exitCode=137 signal=9 reason=OOMKilled; seccomp loaded without no_new_privs"

# ---- a long-running container, exec into it, log reopen, stop with SIGKILL ----
{
    container c3 0 1 sh -c 'while :; do echo tick; sleep 0.1; done'
    rec cgroupprocs "$MEMCG/ctr/cgroup.procs"
} >"$T/c3.bs"
"$SHIM" run 3<"$T/c3.bs" 4>"$T/c3.report" &
SHIM_PIDS+=($!)
RUNSHIM=$!
wait_for 10 test -s "$T/c3/state/pid" || fail "c3 did not start: $(cat "$T/c3.report")"
read -r _ C3 _ <"$T/c3/state/pid"
grep -qx "$C3" "$MEMCG/ctr/cgroup.procs" || fail "container $C3 not in its cgroup"

# log rotation: rename, SIGUSR1, new lines go to a new file
mv "$T/c3/state/ctr.log" "$T/c3/state/ctr.log.1"
kill -USR1 "$RUNSHIM"
wait_for 5 grep -q tick "$T/c3/state/ctr.log" 2>/dev/null || fail "log not reopened on SIGUSR1"
ok "run: cgroup placement, SIGUSR1 reopens the log"

{
    rec version 1; rec id c3-exec; rec targetpid "$C3"
    rec cgroupprocs "$MEMCG/ctr/cgroup.procs"
    rec cwd /tmp
    rec env PATH=/bin; rec env WHO=exec
    rec arg sh; rec arg -c
    rec arg 'echo "who=$WHO uid=$(id -u) cwd=$(pwd) host=$(hostname)"; grep -E "CapEff|NoNewPrivs" /proc/self/status;
             tr "\0" " " </proc/1/cmdline; echo; cat /proc/self/cgroup | grep memory; exit 7'
    rec user 65534 65534; rec groups 65534
    rec caps "${CAPS[@]}"; rec nonewprivs 1
    rec seccomp deny "${DENY[@]}"
} >"$T/exec.bs"
set +e
timeout -s KILL 30 "$SHIM" exec 3<"$T/exec.bs" 4>"$T/exec.report" >"$T/exec.out" 2>&1 </dev/null
code=$?
set -e
[ "$code" = 7 ] || fail "exec exit code $code: $(cat "$T/exec.out" "$T/exec.report")"
grep -q '^started [0-9]* [0-9]*$' "$T/exec.report" || fail "exec report: $(cat "$T/exec.report")"
grep -q '^who=exec uid=65534 cwd=/tmp host=pod1$' "$T/exec.out" &&
    grep -q 'CapEff:	0000000000000000' "$T/exec.out" && grep -q 'NoNewPrivs:	1' "$T/exec.out" &&
    grep -q '^sh -c while' "$T/exec.out" && grep -Eq '^[0-9]+:memory:/$' "$T/exec.out" ||
    fail "exec output: $(cat "$T/exec.out")"
ok "exec: exit code 7, uid 65534 with no caps, container's PID/UTS/mount/cgroup namespaces"

# signal forwarding: SIGTERM to the exec shim reaches the process (143)
sed -e '/^arg/d' "$T/exec.bs" >"$T/exec2.bs"
{ rec arg sleep; rec arg 30; } >>"$T/exec2.bs"
"$SHIM" exec 3<"$T/exec2.bs" 4>"$T/exec2.report" </dev/null >/dev/null 2>&1 &
EXECSHIM=$!
SHIM_PIDS+=($EXECSHIM)
wait_for 10 grep -q started "$T/exec2.report" || fail "exec2 not started"
kill -TERM "$EXECSHIM"
set +e; wait "$EXECSHIM"; code=$?; set -e
[ "$code" = 143 ] || fail "exec shim after SIGTERM: exit $code"
ok "exec: SIGTERM forwarded, exit 143"

kill -KILL "$C3"
set +e; wait "$RUNSHIM"; code=$?; set -e
[ "$code" = 0 ] || fail "c3 shim exited $code"
E=$T/c3/state/exit
[ "$(field exitCode "$E")" = 137 ] && [ "$(field signal "$E")" = 9 ] && [ "$(field reason "$E")" = Error ] ||
    fail "c3 exit file: $(cat "$E")"
ok "run: SIGKILL -> exitCode=137 signal=9 reason=Error"

# ---- errors ----
container c4 0 1 nosuchcmd >"$T/c4.bs"
set +e; shim run "$T/c4.bs" "$T/c4.report"; code=$?; set -e
[ "$code" = 1 ] || fail "missing command: shim exited $code"
grep -q '^error exec 2 exec nosuchcmd: No such file or directory$' "$T/c4.report" ||
    fail "missing command report: $(cat "$T/c4.report")"
[ "$(ls -A "$T/c4/state")" = ctr.log ] || fail "state files after a create error: $(ls -A "$T/c4/state")"
ok "error: nonexistent command -> 'error exec 2 ...', exit 1, no pid/exit file"

{ rec version 1; rec bogus x; } >"$T/bad.bs"
set +e; shim run "$T/bad.bs" "$T/bad.report"; code=$?; set -e
[ "$code" = 1 ] && grep -q '^error bootstrap 22 unknown record bogus (line 2)$' "$T/bad.report" ||
    fail "bad bootstrap: $code $(cat "$T/bad.report")"
{ container c5 0 1 true; rec mount tmpfs /../../escape tmpfs "" ""; } >"$T/c5.bs"
set +e; shim run "$T/c5.bs" "$T/c5.report"; code=$?; set -e
[ "$code" = 1 ] && grep -q '^error mount 22 path /../../escape' "$T/c5.report" ||
    fail "escaping target: $code $(cat "$T/c5.report")"
ok "error: unknown record -> 'error bootstrap 22', '..' in a mount target rejected"

# ---- symlink escape stays inside the rootfs ----
mkdir -p "$T/c6/upper/evil"
ln -s ../../../../../../../../tmp "$T/c6/upper/evil/up"
ln -s /etc "$T/c6/upper/evil/abs"
container c6 0 1 sh -c 'ls /evil/up/marker /evil/abs/marker' >"$T/c6.bs"
{ rec mount tmpfs /evil/up/marker tmpfs "" ""; rec mount tmpfs /evil/abs/marker tmpfs "" ""; } >>"$T/c6.bs"
shim run "$T/c6.bs" "$T/c6.report" || fail "c6: $(cat "$T/c6.report")"
[ ! -e /tmp/marker ] && [ ! -e /etc/marker ] || fail "a mount target escaped the rootfs"
[ -d "$T/c6/upper/tmp/marker" ] && [ -d "$T/c6/upper/etc/marker" ] || fail "symlinked targets not created in the rootfs"
ok "mount targets through symlinks (relative and absolute) stay inside the rootfs"

# ---- nothing left ----
teardown_pins() {
    for ns in net ipc uts; do umount "$T/pins/$ns" && rm -f "$T/pins/$ns"; done
}
teardown_pins
for d in "$MEMCG"/*/ "$MEMCG"; do [ -d "$d" ] && rmdir "$d"; done
grep -F "$T" /proc/self/mountinfo && fail "mounts left under $T"
[ ! -d "$MEMCG" ] || fail "cgroup $MEMCG left"
for p in "${SHIM_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && fail "shim $p still running"; done
for f in "$T"/*/state/pid; do
    read -r _ p _ <"$f"
    [ -e "/proc/$p" ] && fail "container process $p left (state: $(cut -d' ' -f3 /proc/$p/stat))"
done
[ -z "$(jobs -p)" ] || fail "background jobs left: $(jobs -p)"
ok "nothing left: no mounts under $T, pins unmounted, cgroups removed, processes reaped"
echo "shim-test: all passed"
