/* --partition K/N and --partitions N. See partition.h. */
#include "ecomctl/partition.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* A non-negative decimal integer, all of s; -1 otherwise. */
static long long whole(const char *s)
{
	char *end;
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	return errno || *end ? -1 : v;
}

/* K from the environment for --partitions N. */
static int env_index(uint32_t n, uint32_t *k, struct ec_err *err)
{
	const char *name = "JOB_COMPLETION_INDEX";
	const char *v = getenv(name);
	long long idx, base = 0;
	if (!v) {
		name = "SLURM_ARRAY_TASK_ID";
		v = getenv(name);
		const char *min = getenv("SLURM_ARRAY_TASK_MIN");
		if (v && min && (base = whole(min)) < 0)
			return ec_fail(err, EC_EUSAGE, "SLURM_ARRAY_TASK_MIN: '%s' is not an index",
				       min);
	}
	if (!v)
		return ec_fail(err, EC_EUSAGE,
			       "--partitions %u: neither JOB_COMPLETION_INDEX nor "
			       "SLURM_ARRAY_TASK_ID is set (use --partition K/N)",
			       n);
	if ((idx = whole(v)) < 0 || idx - base < 0 || idx - base >= n)
		return ec_fail(err, EC_EUSAGE, "--partitions %u: %s '%s' is not an index 0..%u%s",
			       n, name, v, n - 1, base ? " after SLURM_ARRAY_TASK_MIN" : "");
	*k = (uint32_t)(idx - base);
	return 0;
}

int ec_partition_resolve(const struct ec_partition_opts *o, struct ec_partition *p,
			 struct ec_err *err)
{
	p->k = 0;
	p->n = 0;
	if (o->spec && o->count)
		return ec_fail(err, EC_EUSAGE, "--partition and --partitions: use one");
	if (o->count) {
		p->n = (uint32_t)o->count;
		return env_index(p->n, &p->k, err);
	}
	if (!o->spec)
		return 0;
	long long k, n;
	char ks[24], ns[24], extra;
	if (sscanf(o->spec, "%23[^/]/%23[^/]%c", ks, ns, &extra) != 2 || (k = whole(ks)) < 0 ||
	    (n = whole(ns)) < 1 || n > EC_PARTITION_MAX || k >= n)
		return ec_fail(err, EC_EUSAGE,
			       "--partition: '%s': expected K/N with 0 <= K < N <= %d, e.g. 0/4",
			       o->spec, EC_PARTITION_MAX);
	p->k = (uint32_t)k;
	p->n = (uint32_t)n;
	return 0;
}

const char *ec_partition_name(const struct ec_partition *p, char buf[16])
{
	if (p->n <= 1)
		return NULL;
	snprintf(buf, 16, "%u/%u", p->k, p->n);
	return buf;
}
