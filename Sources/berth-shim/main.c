/*
 * berth-shim run|pin|exec|pause: the bootstrap on fd 3, report lines on fd 4
 * (see berth_bootstrap.h for the whole contract).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "shim.h"

static int check_records(const char *mode, const struct bootstrap *bs, struct berth_error *err) {
    const char *missing = NULL;
    if (!strcmp(mode, "run")) {
        if (!bs->statedir) missing = "statedir";
        else if (!bs->log) missing = "log";
        else if (!bs->rootfs) missing = "rootfs";
        else if (bs->args.n == 0) missing = "arg";
    } else if (!strcmp(mode, "exec")) {
        if (!bs->targetpid) missing = "targetpid";
        else if (bs->args.n == 0) missing = "arg";
    } else if (!strcmp(mode, "pin")) {
        if (!bs->pindir) missing = "pindir";
    } else if (!strcmp(mode, "pause")) {
        if (!bs->statedir) missing = "statedir";
    }
    if (missing) return berth_fail(err, "bootstrap", EINVAL, "%s mode needs a %s record", mode, missing);
    return 0;
}

int main(int argc, char **argv) {
    struct berth_error err = {0};
    /* The agent may go away: never die of its pipe or terminal. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);

    /* 0..2 must be open, or the pipes made later could take their numbers. */
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd) {
            berth_fail(&err, "stdio", errno, "open /dev/null as fd %d", fd);
            report_error(&err);
            return 1;
        }
    }

    const char *mode = argc == 2 ? argv[1] : "";
    if (strcmp(mode, "run") && strcmp(mode, "pin") && strcmp(mode, "exec") && strcmp(mode, "pause")) {
        berth_fail(&err, "usage", EINVAL, "usage: berth-shim run|pin|exec|pause (bootstrap on fd %d)",
                   BERTH_BOOTSTRAP_FD);
        fprintf(stderr, "%s\n", err.message);
        report_error(&err);
        return 1;
    }

    struct bootstrap bs;
    if (bootstrap_read(BERTH_BOOTSTRAP_FD, &bs, &err) < 0 || check_records(mode, &bs, &err) < 0) {
        report_error(&err);
        return 1;
    }
    close(BERTH_BOOTSTRAP_FD);

    if (!strcmp(mode, "pin")) {
        if (run_pin(&bs, &err) < 0) {
            report_error(&err);
            return 1;
        }
        report_line("pinned");
        return 0;
    }
    if (!strcmp(mode, "pause")) {
        if (run_pause(&bs, argv, &err) < 0) {
            report_error(&err);
            return 1;
        }
        return 0;
    }
    if (!strcmp(mode, "exec")) {
        int code = 1;
        if (run_exec(&bs, &code, &err) < 0) {
            /* after "started" fd 4 is closed: the caller's stderr is all that is left */
            if (fcntl(BERTH_REPORT_FD, F_GETFD) < 0)
                fprintf(stderr, "berth-shim: %s: %s\n", err.step, err.message);
            report_error(&err);
            return 1;
        }
        return code;
    }
    if (run_container(&bs, &err) < 0) {
        report_error(&err);
        return 1;
    }
    return 0;
}
