/* The sessionizer's deadlines: a ring of those that come in order, a heap
 * of the rest (session_int.h, where the calls made for every event are). */
#include "session_int.h"

#include <stdlib.h>

#include "ecomctl/common.h"

void due_release(struct session_due *d)
{
	deadlines_release(&d->heap);
	free(d->ring);
	d->ring = NULL;
	d->head = d->len = d->cap = 0;
}

void due_grow(struct session_due *d)
{
	size_t cap = d->cap ? d->cap * 2 : 256;
	struct heap_ent *r = ec_xmalloc(cap * sizeof(*r));
	for (size_t i = 0; i < d->len; i++)
		r[i] = d->ring[(d->head + i) & (d->cap - 1)];
	free(d->ring);
	d->ring = r;
	d->head = 0;
	d->cap = cap;
}
