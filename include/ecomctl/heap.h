/*
 * heap.h -- the project's one binary min-heap, as a typed template: the
 * sessionizer's deadlines, the featurizer's sessions by start and by close,
 * and the generator's open sessions all use it. A macro rather than a
 * void * heap so that the comparison inlines and elements are moved by
 * assignment (these heaps are on hot paths: one operation per session).
 *
 *   EC_HEAP_DEFINE(deadlines, struct ent, ent_less)
 *
 * defines struct deadlines { struct ent *a; size_t n, cap; } and static
 * functions deadlines_push(h, e), deadlines_pop(h) (removes the top; h->n
 * must be > 0), deadlines_replace_top(h, e) (the top becomes e, sifted
 * down) and deadlines_release(h). The top is h->a[0]. less(x, y) takes two
 * const pointers and says whether x must come out before y.
 *
 * Ownership: the heap's array is its own; elements are copied in.
 */
#ifndef ECOMCTL_HEAP_H
#define ECOMCTL_HEAP_H

#include <stdlib.h>

#include "ecomctl/common.h"

#define EC_HEAP_DEFINE(name, type, less)                                                           \
	struct name {                                                                              \
		type *a;                                                                           \
		size_t n, cap;                                                                     \
	};                                                                                         \
	static inline void name##_sift_down(struct name *h, type x)                                \
	{                                                                                          \
		size_t i = 0, n = h->n;                                                            \
		for (;;) {                                                                         \
			size_t c = 2 * i + 1;                                                      \
			if (c >= n)                                                                \
				break;                                                             \
			if (c + 1 < n && less(&h->a[c + 1], &h->a[c]))                             \
				c++;                                                               \
			if (!less(&h->a[c], &x))                                                   \
				break;                                                             \
			h->a[i] = h->a[c];                                                         \
			i = c;                                                                     \
		}                                                                                  \
		h->a[i] = x;                                                                       \
	}                                                                                          \
	static inline void name##_push(struct name *h, type e)                                     \
	{                                                                                          \
		EC_GROW(h->a, h->cap, h->n + 1);                                                   \
		size_t i = h->n++;                                                                 \
		while (i > 0) {                                                                    \
			size_t p = (i - 1) / 2;                                                    \
			if (!less(&e, &h->a[p]))                                                   \
				break;                                                             \
			h->a[i] = h->a[p];                                                         \
			i = p;                                                                     \
		}                                                                                  \
		h->a[i] = e;                                                                       \
	}                                                                                          \
	static inline void name##_pop(struct name *h)                                              \
	{                                                                                          \
		type last = h->a[--h->n];                                                          \
		if (h->n > 0)                                                                      \
			name##_sift_down(h, last);                                                 \
	}                                                                                          \
	static inline void name##_replace_top(struct name *h, type e)                              \
	{                                                                                          \
		name##_sift_down(h, e);                                                            \
	}                                                                                          \
	static inline void name##_release(struct name *h)                                          \
	{                                                                                          \
		free(h->a);                                                                        \
		h->a = NULL;                                                                       \
		h->n = h->cap = 0;                                                                 \
	}

#endif
