/* Signals and live temporary files. See cleanup.h. */
#include "ecomctl/cleanup.h"

#include <pthread.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_TEMPS 256

/* The handler reads these without a lock: a slot is published (pointer
 * stored) only once its string is complete, and cleared before it is freed. */
static char *volatile temps[MAX_TEMPS];
static volatile sig_atomic_t armed[MAX_TEMPS]; /* 0: reserved, not yet ours */
static pthread_mutex_t temps_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t creating_mu;
static pthread_once_t creating_once = PTHREAD_ONCE_INIT;

/* Recursive: an exit() from inside a creation (out of memory) takes it
 * again in the same thread. */
static void creating_init(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&creating_mu, &a);
	pthread_mutexattr_destroy(&a);
}
static volatile sig_atomic_t caught;
static int installed;

static void remove_temps(void)
{
	for (int i = 0; i < MAX_TEMPS; i++) {
		char *p = temps[i];
		if (p && armed[i])
			unlink(p);
	}
}

/* At exit: waits for a file being created to be armed (or not), removes
 * the armed ones, and keeps the lock: another thread still running while
 * the process exits can create nothing more that would be left behind. */
static void remove_temps_at_exit(void)
{
	pthread_once(&creating_once, creating_init);
	pthread_mutex_lock(&creating_mu);
	remove_temps();
}

void ec_tempfile_creating(int on)
{
	pthread_once(&creating_once, creating_init);
	if (on)
		pthread_mutex_lock(&creating_mu);
	else
		pthread_mutex_unlock(&creating_mu);
}

static void on_signal(int sig)
{
	if (!caught) {
		caught = sig;
		return;
	}
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* abort() from a library (libxgboost calls std::terminate when an
 * allocation fails): say so, remove the temporary files, die of it. */
static void on_abort(int sig)
{
	static const char msg[] = "ecomctl: error: aborted inside a library (out of memory?)\n";
	ssize_t w = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)w;
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

void ec_signals_install(void)
{
	if (installed)
		return;
	installed = 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* SA_RESTART: a read or write in progress goes on; the loops see the
	 * flag at their next row. */
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_abort;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGABRT, &sa, NULL);
	atexit(remove_temps_at_exit);
}

int ec_interrupted(void)
{
	return caught;
}

int ec_interrupt_check(struct ec_err *err)
{
	int sig = caught;
	if (!sig)
		return 0;
	const char *name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
	return ec_fail(err, EC_EINTR, "interrupted by %s", name);
}

void ec_interrupt_reset(void)
{
	caught = 0;
}

int ec_tempfile_add(const char *path)
{
	int slot = ec_tempfile_reserve(path);
	ec_tempfile_arm(slot);
	return slot;
}

int ec_tempfile_reserve(const char *path)
{
	char *copy = ec_xstrdup(path);
	pthread_mutex_lock(&temps_mu);
	for (int i = 0; i < MAX_TEMPS; i++) {
		if (!temps[i]) {
			armed[i] = 0;
			temps[i] = copy;
			pthread_mutex_unlock(&temps_mu);
			return i;
		}
	}
	pthread_mutex_unlock(&temps_mu);
	free(copy);
	return -1;
}

void ec_tempfile_arm(int slot)
{
	if (slot >= 0 && slot < MAX_TEMPS)
		armed[slot] = 1;
}

void ec_tempfile_forget(int slot)
{
	if (slot < 0 || slot >= MAX_TEMPS)
		return;
	pthread_mutex_lock(&temps_mu);
	char *p = temps[slot];
	temps[slot] = NULL;
	armed[slot] = 0;
	pthread_mutex_unlock(&temps_mu);
	free(p);
}

void ec_test_pause(const char *point)
{
	const char *spec = getenv("ECOMCTL_TEST_PAUSE");
	size_t n = strlen(point);
	if (!spec || strncmp(spec, point, n) != 0 || spec[n] != ':' || !spec[n + 1])
		return;
	const char *file = spec + n + 1;
	FILE *f = fopen(file, "w");
	if (!f)
		return;
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	struct timespec ts = {0, 20 * 1000 * 1000};
	for (int i = 0; i < 3000 && !caught && access(file, F_OK) == 0; i++)
		nanosleep(&ts, NULL);
}
