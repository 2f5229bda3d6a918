/*
 * hash.h -- the two hash tables the pipeline needs: 64-bit keys to 32-bit
 * values (users, products, categories, row hashes), and interned strings
 * (session ids, brands, category codes) to dense 32-bit ids.
 *
 * Both are open addressing with linear probing, grown at 50% load, and keep
 * their own copies of keys. Ownership: caller's storage (_init/_release);
 * pointers returned by lookups are borrowed until the next insertion.
 */
#ifndef ECOMCTL_HASH_H
#define ECOMCTL_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

struct ec_u64map {
	uint64_t *keys;
	uint32_t *vals;
	size_t cap, n; /* cap is a power of two; key 0 lives outside the table */
	int has_zero;
	uint32_t zero_val;
};

void ec_u64map_init(struct ec_u64map *m);
void ec_u64map_release(struct ec_u64map *m);
/* Returns a pointer to the value of key, inserting it with value `init` (and
 * setting *added) when absent. Borrowed until the next insertion. */
uint32_t *ec_u64map_put(struct ec_u64map *m, uint64_t key, uint32_t init, int *added);
/* The value of key, or NULL. */
uint32_t *ec_u64map_get(const struct ec_u64map *m, uint64_t key);
/* ec_u64map_get() for the common case, inline: the value when key sits in
 * its home slot, else NULL (it may still be further on: ask the map). */
static inline uint32_t *ec_u64map_home(const struct ec_u64map *m, uint64_t key)
{
	if (m->cap == 0 || key == 0)
		return NULL;
	size_t j = ec_mix64(key) & (m->cap - 1);
	return m->keys[j] == key ? &m->vals[j] : NULL;
}

/* A hint: starts loading the slot where key lives or would go, so that a
 * put or get a few keys later finds it in the cache. */
static inline void ec_u64map_prefetch(const struct ec_u64map *m, uint64_t key)
{
	if (m->cap == 0)
		return;
	size_t j = ec_mix64(key) & (m->cap - 1);
	__builtin_prefetch(&m->keys[j]);
	__builtin_prefetch(&m->vals[j]);
}
/* Set use: adds key (no value is stored; do not mix with _put on the same
 * map). Returns 1 when it was new, 0 when present. */
int ec_u64map_add(struct ec_u64map *m, uint64_t key);
/* Set use, n keys at once (faster on big tables: the slots are prefetched).
 * Returns how many were new. */
size_t ec_u64map_add_many(struct ec_u64map *m, const uint64_t *keys, size_t n);
/* Makes room for n keys without growing. */
void ec_u64map_reserve(struct ec_u64map *m, size_t n);

/*
 * A compact set of 64-bit keys: the keys alone in one array (8 bytes a
 * slot, no values, no pointers), open addressing with linear probing, grown
 * by doubling at 3/4 load, so 10.7 to 21 bytes a key; while it grows the old
 * and the new array coexist (3x the old for a moment). Arrays of 4 MB and
 * more are mapped on their own and asked for huge pages (Linux), so that
 * filling them costs few page faults. Used by inspect for distinct counts:
 * keys that are 64-bit hashes of strings make a count wrong only when two
 * distinct strings share a hash, odds about n^2 / 2^65 for n distinct strings
 * (3 * 10^-6 at 10 M, 10^-3 at 200 M). Ownership: caller's storage
 * (_init/_release).
 */
struct ec_u64set {
	uint64_t *keys; /* cap slots, 0 when empty */
	size_t cap, n;	/* cap is 0 or a power of two; n counts key 0 too */
	int has_zero;	/* key 0 lives outside the table */
};

void ec_u64set_init(struct ec_u64set *s);
void ec_u64set_release(struct ec_u64set *s);
/* Adds key; returns 1 when it was new, 0 when present. */
int ec_u64set_add(struct ec_u64set *s, uint64_t key);
/* Adds n keys at once, prefetching their slots a few keys ahead (the misses
 * on a big table overlap instead of queueing). Returns how many were new. */
size_t ec_u64set_add_many(struct ec_u64set *s, const uint64_t *keys, size_t n);
/* Whether key is in the set. */
int ec_u64set_has(const struct ec_u64set *s, uint64_t key);
/* Bytes the set holds now. */
size_t ec_u64set_bytes(const struct ec_u64set *s);

struct ec_strtab {
	uint32_t *slots; /* id + 1, 0 when empty */
	size_t cap;	 /* power of two */
	struct ec_strtab_entry {
		uint64_t hash;
		uint64_t off;
		uint32_t len;
	} * ent;
	size_t n, ent_cap;
	char *arena; /* the strings, each followed by a NUL */
	size_t arena_len, arena_cap;
};

void ec_strtab_init(struct ec_strtab *t);
void ec_strtab_release(struct ec_strtab *t);
/* The id of the string (ids are 0, 1, 2... in order of first sight),
 * interning a copy when new (then *added is set, if added is not NULL). */
uint32_t ec_strtab_intern(struct ec_strtab *t, const char *s, size_t n, int *added);
/* The same with h = ec_strtab_hash(s, n), computed beforehand (on another
 * thread, say). */
uint32_t ec_strtab_intern_hashed(struct ec_strtab *t, const char *s, size_t n, uint64_t h,
				 int *added);
static inline uint64_t ec_strtab_hash(const char *s, size_t n)
{
	return ec_hash64(s, n, 0);
}
/* The id of the string, or -1 when absent. */
int64_t ec_strtab_find(const struct ec_strtab *t, const char *s, size_t n);
/* The NUL-terminated string of an id; borrowed until the next intern. */
const char *ec_strtab_str(const struct ec_strtab *t, uint32_t id);
uint32_t ec_strtab_len(const struct ec_strtab *t, uint32_t id);

/*
 * Interning off the consumer's thread. A parse worker interns each code and
 * brand into a dictionary of its own (ec_strdict: every string compared
 * whole, in the worker's cache) and tags the event with the dictionary's
 * process-wide id and the string's local id. The consumer maps (dictionary,
 * local id) to its own table's id through an ec_strmap, filled the first
 * time a pair comes by from that event's own text: a hit costs an array
 * read, and the ids come out exactly as ec_strtab_intern() gives them, in
 * order of first sight by the consumer.
 */
#define EC_STRDICT_NONE UINT32_MAX /* no local id (dictionary full) */
#define EC_STRDICT_MAX (1u << 16)  /* strings one dictionary interns at most */
#define EC_STRMAP_DICTS 8	   /* dictionaries an ec_strmap follows at once */

struct ec_strdict {
	struct ec_strtab t;
	uint32_t id; /* unique in the process, never 0 */
};

void ec_strdict_init(struct ec_strdict *d);
void ec_strdict_release(struct ec_strdict *d);
/* The local id of s (hash h = ec_strtab_hash(s, n)), or EC_STRDICT_NONE once
 * the dictionary holds EC_STRDICT_MAX strings and s is not one of them. */
uint32_t ec_strdict_local(struct ec_strdict *d, const char *s, size_t n, uint64_t h);

struct ec_strmap {
	struct ec_strmap_dict {
		uint32_t dict;
		uint32_t *ids; /* by local id; EC_STRDICT_NONE: not seen yet */
		size_t cap;
	} d[EC_STRMAP_DICTS];
	unsigned last, next; /* the slot used last; the slot to take over next */
};

void ec_strmap_init(struct ec_strmap *m);
void ec_strmap_release(struct ec_strmap *m);
/* The slow path of ec_strtab_intern_local(). */
uint32_t ec_strtab_intern_mapped(struct ec_strtab *t, struct ec_strmap *m, const char *s, size_t n,
				 uint64_t h, uint32_t dict, uint32_t local);

/* The id in t of s (hash h), which dictionary `dict` (0: none) calls
 * `local`: ec_strtab_intern_hashed(t, s, n, h, NULL), mostly without
 * looking at s. */
static inline uint32_t ec_strtab_intern_local(struct ec_strtab *t, struct ec_strmap *m,
					      const char *s, size_t n, uint64_t h, uint32_t dict,
					      uint32_t local)
{
	const struct ec_strmap_dict *e = &m->d[m->last];
	if (dict && e->dict == dict && local < e->cap && e->ids[local] != EC_STRDICT_NONE)
		return e->ids[local];
	return ec_strtab_intern_mapped(t, m, s, n, h, dict, local);
}

#endif
