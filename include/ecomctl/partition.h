/*
 * partition.h -- one process's share of the users: --partition K/N keeps
 * the events of the users whose id hashes to K of N (0 <= K < N), so that
 * N runs over the same input, one per K, write outputs that add up to the
 * run over all users (every session of a user lands in one partition).
 *
 * The hash is ec_mix64(user_id) % N (common.h: the 64-bit finalizer of
 * MurmurHash3, on the id as an unsigned integer), so another tool can
 * reproduce the split. With --partitions N, K comes from the environment:
 * JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), else
 * SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN (0 when unset).
 */
#ifndef ECOMCTL_PARTITION_H
#define ECOMCTL_PARTITION_H

#include <stdint.h>

#include "ecomctl/common.h"

#define EC_PARTITION_MAX 65536

/* n <= 1: every user. */
struct ec_partition {
	uint32_t k, n;
};

/* The option values, resolved by ec_partition_resolve(). */
struct ec_partition_opts {
	const char *spec; /* --partition K/N, or NULL */
	int64_t count;	  /* --partitions N (K from the environment), or 0 */
};

/* Sets *p from o and the environment. EC_EUSAGE on a bad K/N, on both
 * options, or on --partitions without JOB_COMPLETION_INDEX or
 * SLURM_ARRAY_TASK_ID (or with an index out of 0..N-1). */
int ec_partition_resolve(const struct ec_partition_opts *o, struct ec_partition *p,
			 struct ec_err *err);

static inline uint32_t ec_partition_of(uint64_t user_id, uint32_t n)
{
	return (uint32_t)(ec_mix64(user_id) % n);
}

/* Whether user_id is in p. */
static inline int ec_partition_has(const struct ec_partition *p, uint64_t user_id)
{
	return p->n <= 1 || ec_partition_of(user_id, p->n) == p->k;
}

/* "K/N" into buf (16 bytes), or NULL for every user. */
const char *ec_partition_name(const struct ec_partition *p, char buf[16]);

/* clang-format off */
#define EC_PARTITION_OPTS(po)                                                                  \
	{ "partition", 0, EC_OPT_STR, &(po).spec, "K/N",                                       \
	  "keep the users whose id hashes to K of N (0 <= K < N): N runs make the whole",      \
	  NULL, 0 },                                                                           \
	{ "partitions", 0, EC_OPT_INT, &(po).count, "N",                                       \
	  "as --partition K/N with K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID",        \
	  EC_OPT_RANGE(1, EC_PARTITION_MAX), 0 }
/* clang-format on */

#endif
