/*
 * lock.h -- advisory locks on outputs, so that two runs never write the
 * same file (DESIGN §7, §9): a cron run that overlaps the next, or a manual
 * rerun during the nightly one.
 *
 * The lock of "dir/name" is the file "dir/.name.lock", held with flock():
 * the kernel releases it when its holder exits in any way (kill -9
 * included), so a lock is never stale. While held, the file says who holds
 * it ("<run_id> <pid>\n"), which a refused run prints. The holder removes
 * the file when it lets go. Runs on different outputs never block each
 * other. Stdout, devices and fifos are not locked.
 *
 * A held lock file is registered with cleanup.h, so that an exit() (out of
 * memory) or a second signal removes it as well.
 *
 * Ownership: *out is new; ec_lock_release() frees it (and accepts NULL).
 */
#ifndef ECOMCTL_LOCK_H
#define ECOMCTL_LOCK_H

#include "ecomctl/common.h"

struct ec_lock;

/* Takes the lock of output path for run_id. When another run holds it:
 * waits up to wait_s seconds (0: not at all), then EC_ETEMPFAIL with
 * "<path>: in use by run <id> (pid <n>)". EC_ECANTCREAT when the lock file
 * cannot be made. *out is NULL for a path that is not locked (stdout, a
 * device, a fifo). */
int ec_lock_output(struct ec_lock **out, const char *path, const char *run_id, double wait_s,
		   struct ec_err *err);

/* Removes the lock file and lets go. */
void ec_lock_release(struct ec_lock *l);

#endif
