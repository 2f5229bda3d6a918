/*
 * tz.h -- local time in an IANA time zone (tzdata), for reports that group
 * by day, hour or weekday (`funnel --tz Europe/Berlin`).
 *
 * The zone's rules come from the system's tzdata (/usr/share/zoneinfo, or
 * $TZDIR) through the C library: ec_tz_open() sets the process's TZ, so
 * one zone is in use at a time (ecomctl runs one command per process, and
 * nothing else in it reads local time). Offsets are cached per quarter
 * hour, the finest step at which any zone changes its offset since 1970.
 */
#ifndef ECOMCTL_TZ_H
#define ECOMCTL_TZ_H

#include <stdint.h>

#include "ecomctl/common.h"

struct ec_tz;

/* name: an IANA zone name (Europe/Berlin), or "UTC". EC_EUSAGE when it is
 * not a zone of the installed tzdata (glibc would quietly use UTC). *out is
 * new; free with ec_tz_free(). */
int ec_tz_open(struct ec_tz **out, const char *name, struct ec_err *err);
void ec_tz_free(struct ec_tz *tz);

const char *ec_tz_name(const struct ec_tz *tz);

/* Seconds east of UTC at instant t (epoch seconds); tz NULL: UTC (0). */
int64_t ec_tz_offset(struct ec_tz *tz, int64_t t);

/* The local day (days since 1970-01-01 in the zone) of instant t. */
int64_t ec_tz_day(struct ec_tz *tz, int64_t t);

/* The instant local day d starts (its first second, as epoch seconds): 23
 * or 25 hours before the next one on the days clocks change. */
int64_t ec_tz_day_start(struct ec_tz *tz, int64_t d);

#endif
