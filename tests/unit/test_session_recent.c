/* Unit tests of the sessionizer's record of recently closed ids
 * (src/session/session_recent.c), against a plain array that does the same
 * bookkeeping the slow way: every record with its time, forgotten in the
 * order the FIFO rule in session_int.h gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "seeded_rng.h"
#include "session/session_int.h"

#define N_HASH 3000 /* few enough that hashes come back, some colliding in the table */
#define OPS 200000

/* The oracle: per hash, its parts (0: none) and time; the FIFO of every
 * put, in order, with its time. */
struct oracle {
	uint32_t parts[N_HASH];
	int64_t until[N_HASH];
	struct {
		uint32_t h;
		int64_t until;
	} fifo[OPS];
	size_t head, len;
	size_t n;
};

static void o_expire(struct oracle *o, int64_t w)
{
	while (o->len > 0 && o->fifo[o->head].until < w) {
		uint32_t h = o->fifo[o->head].h;
		if (o->parts[h] && o->until[h] == o->fifo[o->head].until) {
			o->parts[h] = 0;
			o->n--;
		}
		o->head++;
		o->len--;
	}
}

/* Hashes that share their low bits, so that runs form and deletions shift. */
static uint64_t hash_of(uint32_t h)
{
	return ((uint64_t)h << 40) ^ (h % 7);
}

/* Puts live `life` plus up to `spread` time units; the watermark moves by
 * up to 3 at a time. */
static void against_oracle(int64_t life, uint32_t spread)
{
	static struct oracle o;
	struct session_recent r;
	int64_t w = 0;
	size_t taken = 0, expired_checks = 0;
	uint32_t last_put[32] = {0};

	memset(&o, 0, sizeof(o));
	sr_init(&r);
	rng_state = 42;
	for (size_t i = 0; i < OPS; i++) {
		uint32_t h = rng_below(N_HASH);
		unsigned op = rng_below(10);
		if (op >= 5 && op < 8 && rng_below(2))
			h = last_put[rng_below(32)]; /* maybe still pending */
		if (op < 5) {
			/* a key goes quiet: until = its last event + max_session, with
			 * some spread so that the FIFO is not in time order */
			uint32_t parts = 1 + rng_below(5);
			int64_t until = w + life + (int64_t)rng_below(spread);
			if (!o.parts[h])
				o.n++;
			o.parts[h] = parts;
			o.until[h] = until;
			o.fifo[o.head + o.len].h = h;
			o.fifo[o.head + o.len].until = until;
			o.len++;
			sr_put(&r, hash_of(h), parts, until);
			last_put[i % 32] = h;
		} else if (op < 8) {
			uint32_t want = o.parts[h];
			if (want) {
				o.parts[h] = 0;
				o.n--;
				taken++;
			}
			assert_int_equal(sr_take(&r, hash_of(h)), want);
		} else {
			w += rng_below(4);
			o_expire(&o, w);
			sr_expire(&r, w);
			expired_checks++;
		}
		if (i % 61 == 0) {
			/* the latest puts wait (SR_PENDING) until flushed */
			assert_true(r.pend_n <= SR_PENDING);
			sr_flush(&r);
			assert_int_equal(r.n, o.n);
		}
	}
	/* Every record still held is found with its parts. */
	for (uint32_t h = 0; h < N_HASH; h++)
		assert_int_equal(sr_take(&r, hash_of(h)), o.parts[h]);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.pend_n, 0);
	assert_true(taken > 1000 && expired_checks > 1000);
	sr_release(&r);
}

static void test_session_recent__matches_oracle(void **state)
{
	(void)state;
	against_oracle(100, 50);
}

/* Records that go before the latest puts are in the table (a max_session
 * shorter than the gap): pending puts are forgotten on time too. */
static void test_session_recent__matches_oracle_short_lives(void **state)
{
	(void)state;
	against_oracle(0, 6);
}

/* The table grows with what is held, and shrinks again once it is
 * forgotten: memory follows the records of the last max_session. */
static void test_session_recent__shrinks(void **state)
{
	(void)state;
	struct session_recent r;
	sr_init(&r);
	for (uint64_t h = 1; h <= 100000; h++)
		sr_put(&r, h * 0x9e3779b97f4a7c15ULL, 1, (int64_t)h);
	sr_flush(&r);
	assert_int_equal(r.n, 100000);
	assert_true(r.cap >= 200000);
	assert_int_equal(r.peak, 100000);
	sr_expire(&r, 99990); /* forgets until 1..99989 */
	assert_int_equal(r.n, 11);
	assert_true(r.cap <= 1024 * 2);
	assert_true(r.fcap <= 1024 * 2);
	assert_int_equal(sr_take(&r, 99990 * 0x9e3779b97f4a7c15ULL), 1);
	assert_int_equal(sr_take(&r, 99989 * 0x9e3779b97f4a7c15ULL), 0);
	sr_release(&r);
}

/* At the end of the input (every record due at once), all go together,
 * the pending puts too, and puts after it work as before. */
static void test_session_recent__forgets_all_at_the_end(void **state)
{
	(void)state;
	struct session_recent r;
	sr_init(&r);
	for (uint64_t h = 1; h <= 5000; h++)
		sr_put(&r, h * 0x9e3779b97f4a7c15ULL, 2, 1000 + (int64_t)(h % 7));
	sr_expire(&r, 1006); /* 1006 is not past 1006: some stay */
	assert_int_equal(sr_take(&r, 6 * 0x9e3779b97f4a7c15ULL), 2);
	sr_expire(&r, 1007);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.pend_n, 0);
	assert_int_equal(r.cap, 0);
	assert_int_equal(r.peak, 5000); /* the first expiry flushed the pending puts */
	for (uint64_t h = 1; h <= 5000; h += 499)
		assert_int_equal(sr_take(&r, h * 0x9e3779b97f4a7c15ULL), 0);
	sr_put(&r, 42, 3, 2000);
	assert_int_equal(sr_take(&r, 42), 3);
	sr_release(&r);
}

/* Puts N records with hashes from rng_state's seed, checking them all
 * after each doubling, then takes every one back. With `top`, 1 hash in 64
 * has its low 20 bits set but one: at every size, runs wrap from the
 * table's end to its start, and their records split between the two
 * halves as it doubles. */
static void grow_and_find(int top)
{
	enum { N = 300000 };
	static uint64_t keys[N];
	struct session_recent r;
	sr_init(&r);
	for (size_t i = 0; i < N; i++) {
		uint64_t h = (uint64_t)rng_below(1u << 30) << 34 ^ (uint64_t)rng_below(1u << 30)
								       << 4;
		if (top && i % 64 == 0) /* low 20 bits set, but one of bits 10 to 19 */
			h = (h | 0xfffff) & ~((uint64_t)1 << (10 + rng_below(10)));
		keys[i] = h ^ i; /* distinct */
		size_t cap = r.cap;
		sr_put(&r, keys[i], 1 + (uint32_t)(i % 5), INT64_MAX - 1);
		if (r.cap != cap && i > 1000) {
			/* it just doubled: all that came before is there (a later
			 * doubling would mend a record lost now) */
			sr_flush(&r);
			for (size_t j = 0; j < i; j++) {
				assert_int_equal(sr_take(&r, keys[j]), 1 + (uint32_t)(j % 5));
				sr_put(&r, keys[j], 1 + (uint32_t)(j % 5), INT64_MAX - 1);
			}
		}
	}
	sr_flush(&r);
	assert_true(r.cap >= (size_t)1 << 20); /* 24 MB: mapped, grown by mremap */
	assert_int_equal(sr_take(&r, 12345), 0);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(sr_take(&r, keys[i]), 1 + (uint32_t)(i % 5));
	assert_int_equal(r.n, 0);
	sr_release(&r);
}

/* The table doubles where it stands (grow(), through the sizes that are
 * mapped too): every record is still found, with its parts. */
static void test_session_recent__grows_in_place(void **state)
{
	(void)state;
	rng_state = 7;
	grow_and_find(0);
	grow_and_find(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session_recent__matches_oracle),
	    cmocka_unit_test(test_session_recent__matches_oracle_short_lives),
	    cmocka_unit_test(test_session_recent__shrinks),
	    cmocka_unit_test(test_session_recent__forgets_all_at_the_end),
	    cmocka_unit_test(test_session_recent__grows_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
