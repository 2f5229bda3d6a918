#include "ecomctl/progress.h"

#include <stdio.h>
#include <unistd.h>

#include "ecomctl/common.h"

enum ec_progress_mode ec_progress_mode = EC_PROGRESS_AUTO;

void ec_progress_init(struct ec_progress *p, const char *what)
{
	p->enabled =
	    ec_progress_mode == EC_PROGRESS_ALWAYS ||
	    (ec_progress_mode == EC_PROGRESS_AUTO && ec_verbosity > 0 && isatty(STDERR_FILENO));
	p->drawn = 0;
	p->t0 = p->last = ec_now();
	p->what = what;
}

void ec_progress_update(struct ec_progress *p, uint64_t rows, uint64_t bytes, uint64_t bytes_total)
{
	if (!p->enabled)
		return;
	double now = ec_now();
	if (now - p->last < 0.2)
		return;
	p->last = now;
	double dt = now - p->t0 > 1e-9 ? now - p->t0 : 1e-9;
	char pct[16] = "";
	if (bytes_total > 0)
		snprintf(pct, sizeof(pct), " %5.1f%%", 100.0 * (double)bytes / (double)bytes_total);
	fprintf(stderr, "\r%s %.2fM rows, %.2fM rows/s, %.0f MB/s%s   ", p->what, rows / 1e6,
		rows / dt / 1e6, bytes / dt / 1e6, pct);
	fflush(stderr);
	p->drawn = 1;
}

void ec_progress_release(struct ec_progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = 0;
}
