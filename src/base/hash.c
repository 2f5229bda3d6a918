#include "ecomctl/hash.h"

#include <stdlib.h>
#include <string.h>

#include "ecomctl/common.h"

void ec_u64map_init(struct ec_u64map *m)
{
	memset(m, 0, sizeof(*m));
}

void ec_u64map_release(struct ec_u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static void u64map_resize(struct ec_u64map *m, size_t cap, int with_vals)
{
	uint64_t *keys = ec_xcalloc(cap, sizeof(*keys));
	uint32_t *vals = with_vals ? ec_xmalloc(cap * sizeof(*vals)) : NULL;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = ec_mix64(m->keys[i]) & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		if (vals)
			vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
}

uint32_t *ec_u64map_put(struct ec_u64map *m, uint64_t key, uint32_t init, int *added)
{
	if (added)
		*added = 0;
	if (key == 0) {
		if (!m->has_zero) {
			m->has_zero = 1;
			m->zero_val = init;
			m->n++;
			if (added)
				*added = 1;
		}
		return &m->zero_val;
	}
	if ((m->n + 1) * 2 > m->cap)
		u64map_resize(m, m->cap ? m->cap * 2 : 64, 1);
	size_t j = ec_mix64(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (m->keys[j] == key)
			return &m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->vals[j] = init;
	m->n++;
	if (added)
		*added = 1;
	return &m->vals[j];
}

int ec_u64map_add(struct ec_u64map *m, uint64_t key)
{
	if (key == 0) {
		if (m->has_zero)
			return 0;
		m->has_zero = 1;
		m->n++;
		return 1;
	}
	if ((m->n + 1) * 2 > m->cap)
		u64map_resize(m, m->cap ? m->cap * 2 : 64, 0);
	size_t j = ec_mix64(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (m->keys[j] == key)
			return 0;
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->n++;
	return 1;
}

size_t ec_u64map_add_many(struct ec_u64map *m, const uint64_t *keys, size_t n)
{
	enum { AHEAD = 8 };
	size_t added = 0, i = 0;
	if ((m->n + n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap : 64;
		while ((m->n + n + 1) * 2 > cap)
			cap *= 2;
		u64map_resize(m, cap, 0);
	}
	size_t mask = m->cap - 1;
	/* The table is far larger than the caches: ask for each key's slot a
	 * few keys ahead, so that the misses overlap instead of queueing. */
	for (; i < n && i < AHEAD; i++)
		__builtin_prefetch(&m->keys[ec_mix64(keys[i]) & mask]);
	for (i = 0; i < n; i++) {
		if (i + AHEAD < n)
			__builtin_prefetch(&m->keys[ec_mix64(keys[i + AHEAD]) & mask]);
		uint64_t key = keys[i];
		if (key == 0) {
			if (!m->has_zero) {
				m->has_zero = 1;
				m->n++;
				added++;
			}
			continue;
		}
		size_t j = ec_mix64(key) & mask;
		while (m->keys[j] && m->keys[j] != key)
			j = (j + 1) & mask;
		if (!m->keys[j]) {
			m->keys[j] = key;
			m->n++;
			added++;
		}
	}
	return added;
}

void ec_u64map_reserve(struct ec_u64map *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 64;
	while (cap < 2 * (n + 1))
		cap *= 2;
	if (cap > m->cap)
		u64map_resize(m, cap, m->vals != NULL || m->cap == 0);
}

uint32_t *ec_u64map_get(const struct ec_u64map *m, uint64_t key)
{
	if (key == 0)
		return m->has_zero ? (uint32_t *)&m->zero_val : NULL;
	if (!m->cap)
		return NULL;
	size_t j = ec_mix64(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (m->keys[j] == key)
			return &m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

void ec_u64set_init(struct ec_u64set *s)
{
	memset(s, 0, sizeof(*s));
}

void ec_u64set_release(struct ec_u64set *s)
{
	if (s->keys)
		ec_table_free(s->keys, s->cap, sizeof(uint64_t));
	memset(s, 0, sizeof(*s));
}

static int set_home(const void *slot, uint64_t *hash)
{
	uint64_t k = *(const uint64_t *)slot;
	*hash = ec_mix64(k);
	return k != 0;
}

/* Room for `more` new keys at no more than 3/4 load: the table doubles
 * where it stands (ec_table_double). */
static void set_room(struct ec_u64set *s, size_t more)
{
	size_t need = s->n + more;
	if (!s->cap) {
		size_t cap = 64;
		while (need > cap / 4 * 3)
			cap *= 2;
		s->keys = ec_table_alloc(cap, sizeof(uint64_t));
		s->cap = cap;
	}
	for (; need > s->cap / 4 * 3; s->cap *= 2)
		s->keys = ec_table_double(s->keys, s->cap, sizeof(uint64_t), set_home);
}

static int set_insert(struct ec_u64set *s, uint64_t key, size_t mask)
{
	if (key == 0) {
		if (s->has_zero)
			return 0;
		s->has_zero = 1;
		s->n++;
		return 1;
	}
	size_t j = ec_mix64(key) & mask;
	while (s->keys[j]) {
		if (s->keys[j] == key)
			return 0;
		j = (j + 1) & mask;
	}
	s->keys[j] = key;
	s->n++;
	return 1;
}

int ec_u64set_add(struct ec_u64set *s, uint64_t key)
{
	set_room(s, 1);
	return set_insert(s, key, s->cap - 1);
}

size_t ec_u64set_add_many(struct ec_u64set *s, const uint64_t *keys, size_t n)
{
	enum { AHEAD = 8 };
	size_t added = 0;
	set_room(s, n);
	size_t mask = s->cap - 1;
	for (size_t i = 0; i < n && i < AHEAD; i++)
		__builtin_prefetch(&s->keys[ec_mix64(keys[i]) & mask]);
	for (size_t i = 0; i < n; i++) {
		if (i + AHEAD < n)
			__builtin_prefetch(&s->keys[ec_mix64(keys[i + AHEAD]) & mask]);
		added += (size_t)set_insert(s, keys[i], mask);
	}
	return added;
}

int ec_u64set_has(const struct ec_u64set *s, uint64_t key)
{
	if (key == 0)
		return s->has_zero;
	if (!s->cap)
		return 0;
	size_t j = ec_mix64(key) & (s->cap - 1);
	while (s->keys[j]) {
		if (s->keys[j] == key)
			return 1;
		j = (j + 1) & (s->cap - 1);
	}
	return 0;
}

size_t ec_u64set_bytes(const struct ec_u64set *s)
{
	return s->cap * sizeof(uint64_t);
}

void ec_strtab_init(struct ec_strtab *t)
{
	memset(t, 0, sizeof(*t));
}

void ec_strtab_release(struct ec_strtab *t)
{
	free(t->slots);
	free(t->ent);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

static void strtab_grow(struct ec_strtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	uint32_t *slots = ec_xcalloc(cap, sizeof(*slots));
	for (size_t id = 0; id < t->n; id++) {
		size_t j = t->ent[id].hash & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = (uint32_t)id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

static int64_t strtab_lookup(const struct ec_strtab *t, const char *s, size_t n, uint64_t h,
			     size_t *slot)
{
	size_t j = h & (t->cap - 1);
	while (t->slots[j]) {
		uint32_t id = t->slots[j] - 1;
		const struct ec_strtab_entry *e = &t->ent[id];
		if (e->hash == h && e->len == n && memcmp(t->arena + e->off, s, n) == 0)
			return id;
		j = (j + 1) & (t->cap - 1);
	}
	*slot = j;
	return -1;
}

uint32_t ec_strtab_intern(struct ec_strtab *t, const char *s, size_t n, int *added)
{
	return ec_strtab_intern_hashed(t, s, n, ec_strtab_hash(s, n), added);
}

uint32_t ec_strtab_intern_hashed(struct ec_strtab *t, const char *s, size_t n, uint64_t h,
				 int *added)
{
	size_t slot;
	if (added)
		*added = 0;
	if ((t->n + 1) * 2 > t->cap)
		strtab_grow(t);
	int64_t id = strtab_lookup(t, s, n, h, &slot);
	if (id >= 0)
		return (uint32_t)id;
	EC_GROW(t->ent, t->ent_cap, t->n + 1);
	EC_GROW(t->arena, t->arena_cap, t->arena_len + n + 1);
	memcpy(t->arena + t->arena_len, s, n);
	t->arena[t->arena_len + n] = '\0';
	t->ent[t->n] = (struct ec_strtab_entry){h, t->arena_len, (uint32_t)n};
	t->arena_len += n + 1;
	t->slots[slot] = (uint32_t)t->n + 1;
	if (added)
		*added = 1;
	return (uint32_t)t->n++;
}

int64_t ec_strtab_find(const struct ec_strtab *t, const char *s, size_t n)
{
	size_t slot;
	if (!t->cap)
		return -1;
	return strtab_lookup(t, s, n, ec_strtab_hash(s, n), &slot);
}

const char *ec_strtab_str(const struct ec_strtab *t, uint32_t id)
{
	return t->arena + t->ent[id].off;
}

uint32_t ec_strtab_len(const struct ec_strtab *t, uint32_t id)
{
	return t->ent[id].len;
}

void ec_strdict_init(struct ec_strdict *d)
{
	static _Atomic uint32_t next_id = 1;
	ec_strtab_init(&d->t);
	d->id = next_id++;
	if (d->id == 0) /* 2^32 dictionaries later: skip 0, which means none */
		d->id = next_id++;
}

void ec_strdict_release(struct ec_strdict *d)
{
	ec_strtab_release(&d->t);
	d->id = 0;
}

uint32_t ec_strdict_local(struct ec_strdict *d, const char *s, size_t n, uint64_t h)
{
	if (d->t.n >= EC_STRDICT_MAX) {
		size_t slot;
		int64_t id = strtab_lookup(&d->t, s, n, h, &slot);
		return id >= 0 ? (uint32_t)id : EC_STRDICT_NONE;
	}
	return ec_strtab_intern_hashed(&d->t, s, n, h, NULL);
}

void ec_strmap_init(struct ec_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void ec_strmap_release(struct ec_strmap *m)
{
	for (unsigned i = 0; i < EC_STRMAP_DICTS; i++)
		free(m->d[i].ids);
	memset(m, 0, sizeof(*m));
}

/* The slot of dictionary `dict`, taking one over (round robin) when it is
 * new: forgetting a dictionary only costs lookups again. */
static struct ec_strmap_dict *strmap_slot(struct ec_strmap *m, uint32_t dict)
{
	for (unsigned i = 0; i < EC_STRMAP_DICTS; i++) {
		if (m->d[i].dict == dict) {
			m->last = i;
			return &m->d[i];
		}
	}
	struct ec_strmap_dict *e = &m->d[m->next];
	m->last = m->next;
	m->next = (m->next + 1) % EC_STRMAP_DICTS;
	for (size_t j = 0; j < e->cap; j++)
		e->ids[j] = EC_STRDICT_NONE;
	e->dict = dict;
	return e;
}

uint32_t ec_strtab_intern_mapped(struct ec_strtab *t, struct ec_strmap *m, const char *s, size_t n,
				 uint64_t h, uint32_t dict, uint32_t local)
{
	uint32_t id = ec_strtab_intern_hashed(t, s, n, h, NULL);
	if (!dict || local == EC_STRDICT_NONE)
		return id;
	struct ec_strmap_dict *e = strmap_slot(m, dict);
	if (local >= e->cap) {
		size_t cap = e->cap ? e->cap : 64;
		while (cap <= local)
			cap *= 2;
		e->ids = ec_xrealloc(e->ids, cap * sizeof(*e->ids));
		for (size_t j = e->cap; j < cap; j++)
			e->ids[j] = EC_STRDICT_NONE;
		e->cap = cap;
	}
	e->ids[local] = id;
	return id;
}
