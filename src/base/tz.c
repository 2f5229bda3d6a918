/* Local time in an IANA zone. See tz.h. */
#define _DEFAULT_SOURCE /* struct tm's tm_gmtoff (glibc, BSD) */
#include "ecomctl/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct ec_tz {
	char *name;
	int utc;
	int64_t bucket; /* the quarter hour of the cached offset */
	int64_t offset;
};

/* A zone file of the installed tzdata: a relative path without "..", to
 * a file that starts with the TZif magic. */
static int zone_exists(const char *name)
{
	if (!*name || name[0] == '/' || strstr(name, "..") || strlen(name) > 200)
		return 0;
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	FILE *f = fopen(path, "rb");
	char magic[4] = {0};
	int ok = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	if (f)
		fclose(f);
	return ok;
}

int ec_tz_open(struct ec_tz **out, const char *name, struct ec_err *err)
{
	*out = NULL;
	int utc = strcmp(name, "UTC") == 0 || strcmp(name, "Etc/UTC") == 0;
	if (!utc && !zone_exists(name))
		return ec_fail(
		    err, EC_EUSAGE,
		    "--tz: '%s' is not a time zone of the installed tzdata (an IANA name "
		    "such as Europe/Berlin, America/New_York, or UTC)",
		    name);
	struct ec_tz *tz = ec_xcalloc(1, sizeof(*tz));
	tz->name = ec_xstrdup(name);
	tz->utc = utc;
	tz->bucket = INT64_MIN;
	if (!utc) {
		setenv("TZ", name, 1);
		tzset();
	}
	*out = tz;
	return 0;
}

void ec_tz_free(struct ec_tz *tz)
{
	if (!tz)
		return;
	free(tz->name);
	free(tz);
}

const char *ec_tz_name(const struct ec_tz *tz)
{
	return tz ? tz->name : "UTC";
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t ec_tz_offset(struct ec_tz *tz, int64_t t)
{
	if (!tz || tz->utc)
		return 0;
	int64_t q = floor_div(t, 900);
	if (q != tz->bucket) {
		time_t tt = (time_t)(q * 900);
		struct tm tm;
		tz->offset = localtime_r(&tt, &tm) ? tm.tm_gmtoff : 0;
		tz->bucket = q;
	}
	return tz->offset;
}

int64_t ec_tz_day(struct ec_tz *tz, int64_t t)
{
	return floor_div(t + ec_tz_offset(tz, t), 86400);
}

int64_t ec_tz_day_start(struct ec_tz *tz, int64_t d)
{
	int64_t t = d * 86400;
	t = d * 86400 - ec_tz_offset(tz, t);
	t = d * 86400 - ec_tz_offset(tz, t);
	/* a midnight that does not exist (skipped by a clock change): the day
	 * starts at the first instant that belongs to it */
	while (ec_tz_day(tz, t) < d)
		t += 900;
	while (ec_tz_day(tz, t - 1) >= d)
		t -= 900;
	return t;
}
