/*
 * progress.h -- the one-line progress display on stderr.
 *
 * Shown only when stderr is a terminal (--progress=auto, the default) or when
 * forced (--progress=always); at most five redraws a second; rows/s, MB/s
 * and, when the total is known, a percentage of bytes consumed. The caller
 * owns the struct (init/release).
 */
#ifndef ECOMCTL_PROGRESS_H
#define ECOMCTL_PROGRESS_H

#include <stdint.h>

enum ec_progress_mode { EC_PROGRESS_AUTO, EC_PROGRESS_ALWAYS, EC_PROGRESS_NEVER };
/* Set from --progress by the command line. */
extern enum ec_progress_mode ec_progress_mode;

struct ec_progress {
	int enabled;
	int drawn;
	double t0, last;
	const char *what;
};

/* What is shown after the counts, e.g. "read" or "generated". */
void ec_progress_init(struct ec_progress *p, const char *what);
/* bytes_total 0: unknown (no percentage). Cheap when not due to redraw. */
void ec_progress_update(struct ec_progress *p, uint64_t rows, uint64_t bytes, uint64_t bytes_total);
/* Clears the line if one was drawn. */
void ec_progress_release(struct ec_progress *p);

#endif
