/* Advisory output locks. See lock.h. */
#include "ecomctl/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/outfile.h"

struct ec_lock {
	char *path;
	int fd;
	int slot; /* ec_tempfile_add(): an exit() removes the lock file too */
};

static char *lock_path_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 8;
	char *p = ec_xmalloc(n);
	snprintf(p, n, "%.*s.%s.lock", (int)dir_len, path, path + dir_len);
	return p;
}

/* Who holds it, from the file: "run <id> (pid <n>)", or "another run". */
static void holder(int fd, char *buf, size_t cap)
{
	char text[160];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	char id[80];
	long pid;
	text[n > 0 ? n : 0] = '\0';
	if (n > 0 && sscanf(text, "%79s %ld", id, &pid) == 2)
		snprintf(buf, cap, "run %s (pid %ld)", id, pid);
	else
		snprintf(buf, cap, "another run");
}

/* The lock file we hold is still the one at its path (its last holder may
 * have removed it between our open and our flock). */
static int still_linked(int fd, const char *path)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* One attempt: 1 when held (and the file armed for removal at exit), 0
 * when busy or gone, or an error. The creating hold of cleanup.h spans
 * from the open to the arming, so that an exit() in another thread (a
 * reader out of memory) never comes between a lock file created and its
 * registration; nothing in between allocates. */
static int try_once(const char *lp, int slot, int *fd_out, int *busy, struct ec_err *err)
{
	ec_tempfile_creating(1);
	int fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
	int e = errno, rc = 0;
	*busy = 0;
	*fd_out = -1;
	if (fd < 0) {
		rc = ec_fail(err, EC_ECANTCREAT, "%s: cannot create the lock: %s", lp, strerror(e));
	} else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		e = errno;
		if (e == EWOULDBLOCK) {
			*busy = 1;
			*fd_out = fd;
		} else {
			close(fd);
			rc = ec_fail(err, EC_EIO, "%s: cannot lock: %s", lp, strerror(e));
		}
	} else if (!still_linked(fd, lp)) {
		close(fd);
	} else {
		/* Armed once held, never before: the file of another run's lock
		 * must never be removed by our exit. */
		ec_tempfile_arm(slot);
		*fd_out = fd;
		rc = 1;
	}
	ec_tempfile_creating(0);
	return rc;
}

int ec_lock_output(struct ec_lock **out, const char *path, const char *run_id, double wait_s,
		   struct ec_err *err)
{
	struct stat st;
	*out = NULL;
	if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode)))
		return 0;
	const char *slash = strrchr(path, '/');
	if (slash && slash != path) {
		char *dir = ec_xstrndup(path, (size_t)(slash - path));
		int rc = ec_mkdirs(dir, err);
		free(dir);
		if (rc < 0)
			return rc;
	}
	char *lp = lock_path_of(path);
	/* Everything allocated before the lock file exists: an exit() (out of
	 * memory) once it does must find it registered. */
	struct ec_lock *l = ec_xcalloc(1, sizeof(*l));
	l->slot = ec_tempfile_reserve(lp);
	double t0 = ec_now();
	int fd = -1, busy = 0, rc;
	for (;;) {
		if ((rc = try_once(lp, l->slot, &fd, &busy, err)) < 0)
			break;
		if (rc == 1)
			break;
		if (busy) {
			if (ec_now() - t0 >= wait_s) {
				char who[128];
				holder(fd, who, sizeof(who));
				close(fd);
				rc =
				    ec_fail(err, EC_ETEMPFAIL,
					    "%s: in use by %s; try later, or wait with --wait-lock",
					    path, who);
				break;
			}
			close(fd);
			struct timespec ts = {0, 50 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	if (rc < 0) {
		ec_tempfile_forget(l->slot);
		free(l);
		free(lp);
		return rc;
	}
	char text[128];
	int n = snprintf(text, sizeof(text), "%s %ld\n", run_id, (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, text, (size_t)n, 0) != n) {
		/* Held all the same: only the name shown to other runs is lost. */
	}
	l->path = lp;
	l->fd = fd;
	*out = l;
	return 0;
}

void ec_lock_release(struct ec_lock *l)
{
	if (!l)
		return;
	ec_tempfile_forget(l->slot);
	unlink(l->path); /* while held: a waiter re-checks still_linked() */
	close(l->fd);
	free(l->path);
	free(l);
}
