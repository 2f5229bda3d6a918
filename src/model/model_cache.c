/* The files of XGBoost's external-memory matrices (validation; training too
 * with --matrix external): named beside
 * the spill, registered as temporary files while they live. See
 * model_int.h. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ecomctl/cleanup.h"
#include "model_int.h"

void ec_page_cache_name(struct ec_page_cache *c, const char *dir, const char *kind)
{
	static unsigned counter;
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	snprintf(c->base, sizeof(c->base), ".ecomctl-%s-%ld-%u", kind, (long)getpid(), counter++);
	c->n = 0;
}

/* Registers the cache's files (track) or removes what XGBoost left of them. */
static void cache_scan(struct ec_page_cache *c, int track)
{
	DIR *d = c->base[0] ? opendir(c->dir) : NULL;
	struct dirent *e;
	char path[4500];
	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, c->base, strlen(c->base)) == 0) {
			snprintf(path, sizeof(path), "%s/%s", c->dir, e->d_name);
			if (!track)
				unlink(path);
			else if (c->n < 8)
				c->slot[c->n++] = ec_tempfile_add(path);
		}
	if (d)
		closedir(d);
}

void ec_page_cache_track(struct ec_page_cache *c)
{
	cache_scan(c, 1);
}

void ec_page_cache_forget(struct ec_page_cache *c)
{
	cache_scan(c, 0);
	for (int i = 0; i < c->n; i++)
		ec_tempfile_forget(c->slot[i]);
	c->n = 0;
}
