/*
 * cleanup.h -- signals, and the temporary files a dying process removes
 * (git's tempfile.c and sigchain, zstd's fileio.c on Ctrl-C).
 *
 * ec_signals_install() (called by main) catches SIGINT, SIGTERM and SIGHUP.
 * The first one is only recorded: the pipeline asks ec_interrupt_check() at
 * each row boundary, stops, removes its temporary files, writes its run
 * manifest with outcome "interrupted" and exits 128 + the signal. A second
 * signal ends the process at once: the handler removes every live temporary
 * file (unlink is async-signal-safe) and re-raises the signal with its
 * default action, so the exit status stays 128 + signal. An exit() anywhere
 * (out of memory) removes them too, from an atexit handler, and so does an
 * abort() inside a library (SIGABRT, with a one-line error).
 *
 * Ownership: ec_tempfile_add() copies the path; the slot is the caller's
 * until ec_tempfile_forget(), which it must call once the file is renamed
 * or removed.
 */
#ifndef ECOMCTL_CLEANUP_H
#define ECOMCTL_CLEANUP_H

#include "ecomctl/common.h"

/* Installs the handlers (once; later calls do nothing). */
void ec_signals_install(void);

/* The first signal caught (SIGINT, SIGTERM or SIGHUP), or 0. */
int ec_interrupted(void);

/* 0, or EC_EINTR with "interrupted by SIGTERM" in err once a signal was
 * caught: the stages' row loops return it as their error. */
int ec_interrupt_check(struct ec_err *err);

/* For tests: forget a caught signal. */
void ec_interrupt_reset(void);

/* Registers a temporary file (or a held lock file) to remove if the
 * process dies before the caller forgets it. Returns a slot (>= 0), or -1 when the table is full
 * (the file is then only removed by its owner). */
int ec_tempfile_add(const char *path);
/* ec_tempfile_add() in two steps, for a file that may turn out to be
 * another process's (a lock file): _reserve() copies the path (it may
 * exit on out of memory) and removes nothing; _arm(), which allocates
 * nothing, makes the file ours to remove once it is. Accepts -1. */
int ec_tempfile_reserve(const char *path);
void ec_tempfile_arm(int slot);

/* Held (1) around the creation of a reserved file until it is armed or
 * given up, released (0) after: an exit() in another thread meanwhile
 * waits, so it finds the file either armed or not ours. Nothing between
 * may allocate. (A second signal does not wait.) An exit() keeps it held:
 * no thread still running then can create a file that would stay. */
void ec_tempfile_creating(int on);

/* The file was renamed or removed: stop tracking it. Accepts -1. */
void ec_tempfile_forget(int slot);

/* A test hook, as ECOMCTL_TEST_MONGO_PAUSE_FILE is for the MongoDB sink:
 * with ECOMCTL_TEST_PAUSE=POINT:FILE in the environment, the run creates
 * FILE when it reaches POINT ("read": the 1000th event; "write": the first
 * batch of rows written; "commit": outputs synced, not yet renamed;
 * "register": models trained, not yet registered) and waits there until
 * FILE is removed, a signal comes, or 60 s pass. Without it: nothing. */
void ec_test_pause(const char *point);

#endif
