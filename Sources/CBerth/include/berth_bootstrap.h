/*
 * The contract between the agent (Swift) and berth-shim (C).
 *
 * The agent posix_spawns `berth-shim <mode>` with:
 *   fd 0      /dev/null (run, pin, pause) or the caller's stdin (exec)
 *   fd 1, 2   /dev/null (run, pin, pause) or the caller's stdout/stderr (exec)
 *   fd 3      the bootstrap: a read-only file or pipe holding the records below
 *   fd 4      the report pipe (write end): the shim writes report lines to it
 * Every other fd is closed. The shim never waits on the agent: it may be gone.
 *
 * Bootstrap records: one per line, `key<TAB>value<TAB>value...<LF>`. Each value is
 * percent-encoded: '%' '\t' '\n' '\r' and bytes < 0x20 become %XX (two upper-case hex
 * digits); everything else is literal. Unknown keys are an error (step "bootstrap").
 *
 * | key          | values                               | modes      | meaning
 * |--------------|--------------------------------------|------------|-----------------------------------------
 * | version      | 1                                    | all        | first record
 * | id           | container or pod id                  | all        | used in messages only
 * | statedir     | dir                                  | run, pause | shim writes `pid` and `exit` files here
 * | log          | path                                 | run        | CRI log file (append, created 0640)
 * | netns/ipcns/utsns/pidns | path                      | run        | pinned namespace to join (pidns optional)
 * | netns/ipcns/utsns | path                            | pause      | optional: pinned namespace the pause process joins
 * | targetpid    | pid                                  | exec       | join all namespaces of this process
 * | cgroupprocs  | path of a cgroup.procs file          | run, exec  | child pid written here before it runs (repeat per v1 controller)
 * | oomfile      | path (memory.oom_control / memory.events) | run   | "oom_kill N" line read at start and exit
 * | rootfs       | dir                                  | run        | mount point of the container root
 * | overlay      | lowerdir upperdir workdir            | run        | overlayfs mounted on rootfs (no overlay: rootfs is bind-mounted on itself)
 * | mount        | source target fstype flags data      | run        | in order, after the root; target is inside the container;
 * |              |                                      |            | flags: comma list of bind,rbind,ro,nosuid,nodev,noexec,relatime,strictatime,
 * |              |                                      |            | private,rprivate,slave,rslave,file,dir (file/dir: what to create at target
 * |              |                                      |            | if missing; default dir); data: "" or fs options. `ro` with bind remounts.
 * | device       | path c|b major minor mode uid gid    | run        | mknod inside the container (fallback: bind the host node)
 * | symlink      | target linkpath                      | run        | e.g. /proc/self/fd -> /dev/fd
 * | maskpath     | path                                 | run        | /dev/null bound over a file, read-only tmpfs over a dir; missing is fine
 * | readonlypath | path                                 | run        | bind-mounted read-only on itself; missing is fine
 * | rootreadonly | 1                                    | run        | remount / read-only after all mounts
 * | hostname     | name                                 | pin        | sethostname in the new UTS namespace
 * | pindir       | dir                                  | pin        | bind /proc/self/ns/{net,ipc,uts} to dir/{net,ipc,uts}
 * | pindir       | dir                                  | pause      | optional: bind the new PID namespace to dir/pid
 * | cwd          | dir                                  | run, exec  | inside the container; created if missing (run)
 * | env          | NAME=value                           | run, exec  | repeat; the process gets exactly these
 * | arg          | value                                | run, exec  | repeat; arg[0] is looked up in the container's PATH env
 * | user         | uid gid                              | run, exec  |
 * | groups       | gid gid ...                          | run, exec  | supplementary groups (may be empty)
 * | caps         | capability number ...                | run, exec  | bounding set; also permitted/effective/inheritable for uid 0
 * | nonewprivs   | 1                                    | run, exec  | prctl(PR_SET_NO_NEW_PRIVS)
 * | seccomp      | deny syscall-name ...                | run, exec  | default allow; these return EPERM (names unknown to
 * |              |                                      |            | libseccomp on this arch are skipped)
 * | seccomp      | denyclonens                          | run, exec  | clone with CLONE_NEW* flags -> EPERM, clone3 -> ENOSYS
 * | rlimit       | name soft hard                       | run, exec  | e.g. nofile 1024 1024 (never above the current hard limit)
 * | oomscoreadj  | n                                    | run        |
 *
 * Report lines on fd 4 (shim -> agent), one each, then the shim closes fd 4:
 * | line                                   | when
 * |----------------------------------------|---------------------------------------------
 * | started <shim-pid> <container-pid>     | run/exec: the workload's execve succeeded
 * | started <shim-pid> <init-pid>          | pause: the pod's PID 1 runs (and is pinned if pindir)
 * | pinned                                 | pin: namespaces pinned under pindir
 * | error <step> <errno> <message>         | any step failed; message is percent-encoded; shim exits 1
 *
 * Files the shim writes in statedir (run and pause modes), each written to a temp name and renamed:
 *   pid   "<shim-pid> <container-pid> <startedAt>\n"   once the workload exec'd (pause: the
 *         init's pid, once it runs)
 *   exit  lines `key=value`: exitCode, signal, reason (Completed|Error|OOMKilled),
 *         startedAt, finishedAt (RFC 3339 with nanoseconds, UTC), message
 * In exec mode the shim waits for the process and exits with its status (128+signal).
 *
 * CRI log lines: "<RFC3339Nano UTC> stdout|stderr F|P <bytes>\n"; P marks a line split
 * because it was longer than BERTH_LOG_MAX_LINE bytes.
 *
 * Details as implemented by berth-shim (they add to the above, none changes it):
 * - Timestamps (pid file, exit file, log) are UTC with exactly nine fractional digits,
 *   e.g. 2026-11-27T07:21:00.123456789Z. The exit file's `message` is empty for now (it
 *   would be percent-encoded like a bootstrap value). A final log line without a newline
 *   at EOF is written as F.
 * - SIGUSR1 to a run-mode shim reopens the log file (rotation: rename it, then signal).
 * - `caps` absent: capabilities are left as they are; `caps` with no values drops them all.
 *   Listed capabilities the shim does not hold itself (CAP_SYS_RESOURCE on some hosts) are
 *   skipped. For a uid other than 0, permitted/effective/inheritable end up empty.
 * - `user` absent: uid, gid and groups unchanged; `user` without `groups`: no groups.
 * - `mount` targets resolve inside rootfs (openat2 RESOLVE_IN_ROOT: symlinks, absolute or
 *   relative, cannot leave it); a `..` component is rejected (error mount 22). A bind or
 *   rbind with neither `file` nor `dir` creates a missing target like its source.
 *   nosuid/nodev/noexec/ro on a bind are applied by a bind remount.
 * - Numbers are decimal, except a `device` mode with a leading 0, which is octal (0666).
 * - `pidns`: the container joins it (its init must be alive) instead of being PID 1 of a
 *   new PID namespace, which is what happens without the record. A pinned PID namespace
 *   whose init has exited can still be joined, but the fork into it fails (step fork, ENOMEM).
 * - pause mode (`shareProcessNamespace`): the shim joins netns/ipcns/utsns if given,
 *   unshares a PID namespace and forks its init (PID 1, named `pause` in comm and argv),
 *   then stays its parent like run mode: pins the namespace to pindir/pid, writes `pid`,
 *   reports `started`, forwards SIGTERM/SIGINT (SIGHUP as SIGTERM) to the init, reaps it and
 *   writes `exit`. The init reaps every process re-parented to it (SIGCHLD via
 *   sigwaitinfo) and exits 0 on SIGTERM or SIGINT sent from outside the pod (si_pid 0); the
 *   pod's own processes cannot end it. It runs in a private mount namespace whose root is
 *   an empty read-only tmpfs (mounted over statedir there; cwd "/"), with no capabilities,
 *   no_new_privs, and no fds but /dev/null on 0..2. It stays in the shim's cgroup.
 * - `oomscoreadj` below the inherited minimum needs CAP_SYS_RESOURCE; lacking it, the
 *   value is left as it is rather than failing the container.
 * - `seccomp` is loaded before capabilities are dropped when `nonewprivs` is absent (the
 *   kernel then wants CAP_SYS_ADMIN), last before execve when it is set; x86 and x32
 *   entry points are filtered too on x86_64.
 * - exec mode joins the ipc, uts, net, pid, cgroup and mnt namespaces of `targetpid`
 *   (after writing itself to `cgroupprocs`); `cwd` must exist; the shim exits with the
 *   process's status (128+signal), or 1 after an `error` line; it forwards SIGINT,
 *   SIGTERM and SIGHUP to the process.
 * - A child that dies before execve without writing an error (killed, e.g. by the OOM
 *   killer) is reported as started; its exit file tells what happened.
 * - Steps in `error` lines: usage bootstrap log setns unshare pipe fork cgroup sync stdio
 *   overlay mount device symlink pivot_root maskpath readonlypath rootreadonly mkdir cwd
 *   rlimit oomscoreadj user caps nonewprivs seccomp exec statefile pin hostname loopback
 *   wait pause. The message names the path or value and ends with strerror(errno) where one
 *   applies.
 */
#ifndef BERTH_BOOTSTRAP_H
#define BERTH_BOOTSTRAP_H

#define BERTH_BOOTSTRAP_VERSION 1
#define BERTH_BOOTSTRAP_FD 3
#define BERTH_REPORT_FD 4
#define BERTH_LOG_MAX_LINE 16384

#endif
