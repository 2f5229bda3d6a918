/* Funnel options: the names of units, orders, dimensions and time bins,
 * and the parsing of --steps, --by, --exclude and --attribution. See
 * funnel.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/event.h"
#include "ecomctl/funnel.h"

const char *const ec_funnel_unit_names[] = {"session", "user", NULL};
const char *const ec_funnel_order_names[] = {"ordered", "strict", "any", NULL};
#define NAME(id, name, title) name,
#define TITLE(id, name, title) title,
const char *const ec_funnel_by_names[] = {EC_FUNNEL_DIMS(NAME) NULL};
const char *const ec_funnel_by_titles[] = {EC_FUNNEL_DIMS(TITLE) NULL};
const int64_t ec_funnel_ttc_edges[EC_FUNNEL_TTC_BINS] = {
    0, 60, 300, 900, 1800, 3600, 3 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400};
const char *const ec_funnel_ttc_names[EC_FUNNEL_TTC_BINS] = {
    "<1m", "1-5m", "5-15m", "15-30m", "30-60m", "1-3h", "3-12h", "12-24h", "1-3d", "3-7d", "7d+"};
#undef NAME
#undef TITLE

void ec_funnel_opts_init(struct ec_funnel_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->steps[0] = EC_EV_VIEW;
	o->steps[1] = EC_EV_CART;
	o->steps[2] = EC_EV_PURCHASE;
	o->n_steps = 3;
	o->window = -1;
	o->category_level = 2;
	o->top = 20;
	o->max_session = 86400;
	o->attr_step = 1;
}

int ec_funnel_parse_steps(struct ec_funnel_opts *o, const char *list, struct ec_err *err)
{
	int n = 0;
	const char *p = list;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int t = ec_event_type_parse(p, len);
		if (t < 0)
			return ec_fail(err, EC_EUSAGE,
				       "--steps: '%.*s' is not an event type (view, cart, "
				       "remove_from_cart, purchase)",
				       (int)len, p);
		if (n == EC_FUNNEL_MAX_STEPS)
			return ec_fail(err, EC_EUSAGE, "--steps: at most %d steps",
				       EC_FUNNEL_MAX_STEPS);
		o->steps[n++] = (uint8_t)t;
		if (!e)
			break;
		p = e + 1;
	}
	o->n_steps = n;
	return 0;
}

int ec_funnel_parse_by(struct ec_funnel_opts *o, const char *list, struct ec_err *err)
{
	const char *p = list;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		int d = -1;
		for (int i = 0; ec_funnel_by_names[i]; i++)
			if (strlen(ec_funnel_by_names[i]) == len &&
			    memcmp(ec_funnel_by_names[i], p, len) == 0)
				d = i;
		if (d < 0)
			return ec_fail(err, EC_EUSAGE,
				       "--by: '%.*s' is not one of category, top, brand, price, "
				       "hour, weekday, day",
				       (int)len, p);
		int seen = 0;
		for (int i = 0; i < o->n_by; i++)
			seen |= o->by[i] == d;
		if (!seen)
			o->by[o->n_by++] = d;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

int ec_funnel_parse_exclude(struct ec_funnel_opts *o, const char *spec, struct ec_err *err)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	int type = ec_event_type_parse(spec, len);
	long from = 1, to = o->n_steps;
	if (type < 0)
		return ec_fail(err, EC_EUSAGE,
			       "--exclude: '%.*s' is not an event type (view, cart, "
			       "remove_from_cart, purchase)",
			       (int)len, spec);
	if (colon) {
		char *end;
		from = strtol(colon + 1, &end, 10);
		if (*end != '-' || (to = strtol(end + 1, &end, 10), *end))
			return ec_fail(err, EC_EUSAGE,
				       "--exclude: '%s': expected TYPE or TYPE:A-B (steps, e.g. "
				       "remove_from_cart:2-3)",
				       spec);
	}
	if (o->n_steps < 2 || from < 1 || to > o->n_steps || from >= to)
		return ec_fail(err, EC_EUSAGE,
			       "--exclude: '%s': the steps must be A < B within 1..%d", spec,
			       o->n_steps);
	for (long k = from; k < to; k++)
		if (o->steps[k] == type)
			return ec_fail(err, EC_EUSAGE,
				       "--exclude: '%s': %s is step %ld of the funnel, between the "
				       "steps excluded from",
				       spec, ec_event_type_name(type), k + 1);
	if (o->n_exclude == EC_FUNNEL_MAX_EXCLUDE)
		return ec_fail(err, EC_EUSAGE, "--exclude: at most %d exclusions",
			       EC_FUNNEL_MAX_EXCLUDE);
	o->exclude[o->n_exclude].type = (uint8_t)type;
	o->exclude[o->n_exclude].from = (uint8_t)from;
	o->exclude[o->n_exclude].to = (uint8_t)to;
	o->n_exclude++;
	return 0;
}

int ec_funnel_parse_attribution(struct ec_funnel_opts *o, const char *spec, struct ec_err *err)
{
	if (strcmp(spec, "first") == 0) {
		o->attr_step = 1;
		return 0;
	}
	if (strcmp(spec, "last") == 0) {
		o->attr_step = 0;
		return 0;
	}
	char *end = NULL;
	long k = 0;
	if (strncmp(spec, "step:", 5) == 0)
		k = strtol(spec + 5, &end, 10);
	if (k < 1 || !end || end == spec + 5 || *end)
		return ec_fail(err, EC_EUSAGE,
			       "--attribution: '%s': expected first, last or step:N (N a step, "
			       "1 to %d)",
			       spec, o->n_steps);
	if (k > o->n_steps)
		return ec_fail(err, EC_EUSAGE, "--attribution: '%s': the funnel has %d steps", spec,
			       o->n_steps);
	o->attr_step = (int)k;
	return 0;
}

const char *ec_funnel_attribution_name(const struct ec_funnel_opts *o, char buf[16])
{
	if (o->attr_step == 1)
		return "first";
	if (o->attr_step == 0)
		return "last";
	snprintf(buf, 16, "step:%d", o->attr_step);
	return buf;
}
