/* Option values: durations, times, and the range every numeric option
 * declares in its table entry (see opts.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ecomctl/event.h"
#include "ecomctl/opts.h"

int ec_parse_duration(const char *s, int64_t *out)
{
	int64_t total = 0;
	const char *p = s;
	int any = 0;

	if (!*s)
		return -1;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		int64_t v = 0;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			if (v > 100000000000LL)
				return -1;
		}
		int64_t unit;
		switch (*p) {
		case 's':
			unit = 1;
			p++;
			break;
		case 'm':
			unit = 60;
			p++;
			break;
		case 'h':
			unit = 3600;
			p++;
			break;
		case 'd':
			unit = 86400;
			p++;
			break;
		case '\0':
			if (any)
				return -1; /* "1h30" is ambiguous */
			unit = 1;
			break;
		default:
			return -1;
		}
		total += v * unit;
		any = 1;
	}
	*out = total;
	return 0;
}

void ec_format_duration(int64_t secs, char *buf)
{
	char *p = buf;
	if (secs == 0) {
		strcpy(buf, "0s");
		return;
	}
	if (secs < 0) {
		*p++ = '-';
		secs = -secs;
	}
	static const struct {
		int64_t n;
		char c;
	} units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	for (int i = 0; i < 4; i++) {
		if (secs >= units[i].n) {
			p += sprintf(p, "%lld%c", (long long)(secs / units[i].n), units[i].c);
			secs %= units[i].n;
		}
	}
	*p = '\0';
}

int ec_parse_time_arg(const char *s, int64_t *out)
{
	char buf[32];
	size_t n = strlen(s);
	if (n == 10) {
		snprintf(buf, sizeof(buf), "%s 00:00:00 UTC", s);
	} else if (n == 19 && s[10] == ' ') {
		snprintf(buf, sizeof(buf), "%s UTC", s);
	} else if (n == 20 && s[10] == 'T' && s[19] == 'Z') {
		snprintf(buf, sizeof(buf), "%.10s %.8s UTC", s, s + 11);
	} else if (n == 23) {
		snprintf(buf, sizeof(buf), "%s", s);
	} else {
		return -1;
	}
	return ec_time_parse(buf, strlen(buf), out);
}

/* One bound as the option's kind writes it: "30m" for durations, an
 * integer for counts, the shortest exact decimal for other numbers. */
static void format_bound(const struct ec_opt *o, double v, char *buf, size_t cap)
{
	if (o->kind == EC_OPT_DURATION && v >= 0 && v < 1e15)
		ec_format_duration((int64_t)v, buf);
	else if (o->kind != EC_OPT_DOUBLE && fabs(v) < 9e18)
		snprintf(buf, cap, "%lld", (long long)v);
	else
		snprintf(buf, cap, "%.15g", v);
}

void ec_opt_range_text(const struct ec_opt *o, char *buf, size_t cap)
{
	const struct ec_range *r = ec_opt_range(o);
	char lo[40], hi[40];
	format_bound(o, r->min, lo, sizeof(lo));
	format_bound(o, r->max, hi, sizeof(hi));
	snprintf(buf, cap, "%c%s, %s%c", (r->open & EC_RANGE_OPEN_MIN) ? '(' : '[', lo, hi,
		 (r->open & EC_RANGE_OPEN_MAX) ? ')' : ']');
}

int ec_opt_range_check(const struct ec_opt *o, double v, char *msg, size_t cap)
{
	const struct ec_range *r = ec_opt_range(o);
	int low = (r->open & EC_RANGE_OPEN_MIN) ? !(v > r->min) : !(v >= r->min);
	int high = (r->open & EC_RANGE_OPEN_MAX) ? !(v < r->max) : !(v <= r->max);
	char sv[40], range[96];
	if (!low && !high)
		return 0;
	format_bound(o, v, sv, sizeof(sv));
	ec_opt_range_text(o, range, sizeof(range));
	snprintf(msg, cap, "%s is out of range %s", sv, range);
	return -1;
}
