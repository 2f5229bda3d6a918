#include "synth_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/hash.h"

/*
 * Category codes of the multi-category store: the most viewed ones first, in
 * the order of the real October export, then groups written
 * "prefix:leaf|leaf|..." that expand to "prefix.leaf". Duplicates are skipped.
 */
static const char *const multicat_codes[] = {
    "electronics.smartphone",
    "electronics.clocks",
    "computers.notebook",
    "electronics.audio.headphone",
    "appliances.kitchen.refrigerators",
    "appliances.environment.vacuum",
    "appliances.environment.air_heater",
    "electronics.video.tv",
    "auto.accessories.player",
    "apparel.shoes",
    "appliances.kitchen.washer",
    "apparel.shoes.keds",
    "electronics.telephone",
    "furniture.living_room.cabinet",
    "auto.accessories.alarm",
    "appliances.kitchen.meat_grinder",
    "furniture.living_room.sofa",
    "computers.desktop",
    "furniture.bedroom.bed",
    "accessories.bag",
    "appliances.kitchen.microwave",
    "appliances.environment.water_heater",
    "electronics.audio.subwoofer",
    "appliances.iron",
    "appliances.kitchen.blender",
    "sport.bicycle",
    "kids.carriage",
    "construction.tools.drill",
    "auto.accessories.videoregister",
    "electronics.tablet",
    "electronics.audio:headphone|subwoofer|acoustic|microphone|amplifier|dictaphone|"
    "radio|player|receiver|soundbar|karaoke",
    "electronics.audio.music_tools:piano|guitar|drums|synthesizer",
    "electronics.video:tv|projector|player|antenna|tv_box",
    "electronics.camera:photo|video|lens|tripod|flash|action",
    "electronics.accessories:case|charger|cable|screen_protector|powerbank|holder",
    "electronics.wearable:fitness_tracker|smartwatch",
    "electronics.gaming:console|gamepad|vr_headset",
    "electronics:smartphone|clocks|tablet|telephone|calculator|ebook",
    "appliances.kitchen:refrigerators|washer|microwave|oven|hob|hood|kettle|blender|mixer|"
    "meat_grinder|dishwasher|coffee_machine|coffee_grinder|toster|grill|juicer|"
    "steam_cooker|fryer|slow_cooker|bread_maker|food_processor|water_filter|"
    "yogurt_maker|ice_maker|wine_cooler",
    "appliances.environment:vacuum|air_heater|water_heater|air_conditioner|fan|"
    "air_purifier|humidifier|dehumidifier|climate_control",
    "appliances.personal:hair_cutter|scales|massager|epilator|hair_dryer|shaver|"
    "toothbrush|curling_iron",
    "appliances:iron|sewing_machine|ironing_board|steam_generator",
    "computers.components:videocards|hdd|ssd|cpu|motherboard|memory|power_supply|"
    "cooler|case|sound_card|network_adapter",
    "computers.peripherals:monitor|printer|mouse|keyboard|scanner|camera|speakers|"
    "headset|mousepad|joystick|ups",
    "computers.network:router|switch|modem|access_point",
    "computers:notebook|desktop|nettop|server",
    "furniture.living_room:cabinet|sofa|chair|table|shelving|tv_stand|armchair|rug",
    "furniture.bedroom:bed|wardrobe|pillow|blanket|mattress|dresser",
    "furniture.kitchen:table|chair|cabinet",
    "furniture.bathroom:bath|toilet|sink|shower|mirror",
    "furniture.office:desk|chair",
    "furniture.universal:light|mirror|shelf",
    "furniture.outdoor:table|chair|hammock",
    "apparel.shoes:keds|sandals|slipons|boots|moccasins|ballet_shoes|step_ins|"
    "espadrilles|sneakers|loafers",
    "apparel:shoes|shirt|trousers|jeans|dress|skirt|jacket|sock|underwear|glove|belt|"
    "scarf|costume|tshirt|sweater|coat|shorts|cap|pajamas|swimwear",
    "apparel.costume:sport|classic",
    "auto.accessories:player|alarm|videoregister|radar|compressor|parktronic|charger|"
    "winch|light|anti_freeze|clean|gps",
    "auto.parts:tire|wheel|battery|filter|oil|brake|wiper|spark_plug",
    "construction.tools:drill|saw|welding|pump|light|generator|painting|screw|heater|"
    "soldering|measuring|grinder|hammer|wrench|level|jigsaw|plane|compressor",
    "construction.components:faucet|tile|door|lock|paint|wallpaper",
    "construction.storage:box|rack",
    "kids:carriage|toys|skates|swing|bottles|dolls|puzzle|school|car_seat|crib|walkers|bath",
    "kids.fmcg:diapers|food|wipes",
    "kids.toys:lego|cars|plush|board_games|educational",
    "sport:bicycle|trainer|ski|snowboard|tennis|boxing|diving|fishing|golf|yoga|"
    "football|basketball|skateboard|scooter|sled|treadmill|tent",
    "accessories:bag|wallet|umbrella|cosmetic_bag|sunglasses|watch_strap|keychain|"
    "jewelry|belt|backpack|suitcase|hat",
    "medicine.tools:tonometer|thermometer|inhaler|glucometer",
    "medicine:vitamins|mask",
    "country_yard:cultivator|lawn_mower|weather_station|watering|trimmer|chainsaw|"
    "snow_blower|furniture|grill|pool|greenhouse|generator",
    "stationery:cartrige|paper|pen|notebook|stapler|shredder|calculator|laminator|globe",
    NULL};

/* The few codes the cosmetics shop has (on ~2% of its rows). */
static const char *const cosmetics_codes[] = {"appliances.environment.vacuum",
					      "stationery.cartrige",
					      "apparel.glove",
					      "furniture.living_room.cabinet",
					      "furniture.bathroom.bath",
					      "accessories.bag",
					      "appliances.personal.hair_cutter",
					      "appliances.environment.air_conditioner",
					      "accessories.cosmetic_bag",
					      "furniture.living_room.chair",
					      "appliances.personal.massager",
					      "sport.diving",
					      NULL};

/* Median price (in currency units) of the top-level groups of the multicat
 * store; a top level not listed gets 80. */
static const struct {
	const char *top;
	double price;
} top_prices[] = {{"electronics", 260},	 {"appliances", 140},
		  {"computers", 420},	 {"furniture", 160},
		  {"apparel", 55},	 {"auto", 75},
		  {"construction", 110}, {"kids", 45},
		  {"sport", 190},	 {"accessories", 35},
		  {"medicine", 25},	 {"country_yard", 170},
		  {"stationery", 12},	 {NULL, 0}};

static const char *const syl_on[] = {"b",  "c",	 "d",  "f",  "g",  "h",	 "k", "l",  "m",
				     "n",  "p",	 "r",  "s",  "t",  "v",	 "z", "br", "st",
				     "tr", "gr", "sh", "ch", "kr", "pl", "x", "j"};
static const char *const syl_vow[] = {"a", "e",	 "i",  "o",  "u",  "a",
				      "o", "ai", "ou", "ea", "io", "y"};
static const char *const syl_end[] = {"",  "",	"",  "n", "r",	"s", "x",
				      "l", "m", "k", "t", "ks", "on"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Expands the code table into a NUL-separated arena; returns the count. */
static uint32_t expand_codes(const char *const *table, struct ec_strtab *codes)
{
	char buf[128];
	for (const char *const *e = table; *e; e++) {
		const char *colon = strchr(*e, ':');
		if (!colon) {
			ec_strtab_intern(codes, *e, strlen(*e), NULL);
			continue;
		}
		size_t plen = (size_t)(colon - *e);
		const char *p = colon + 1;
		while (*p) {
			const char *bar = strchr(p, '|');
			size_t llen = bar ? (size_t)(bar - p) : strlen(p);
			int n =
			    snprintf(buf, sizeof(buf), "%.*s.%.*s", (int)plen, *e, (int)llen, p);
			ec_strtab_intern(codes, buf, (size_t)n, NULL);
			p += llen + (bar ? 1 : 0);
		}
	}
	return (uint32_t)codes->n;
}

static double top_price(const char *code)
{
	size_t n = strcspn(code, ".");
	for (int i = 0; top_prices[i].top; i++)
		if (strlen(top_prices[i].top) == n && memcmp(top_prices[i].top, code, n) == 0)
			return top_prices[i].price;
	return 80;
}

static uint8_t top_of(const char *code)
{
	size_t n = strcspn(code, ".");
	return (uint8_t)(ec_hash64(code, n, 7) % 251);
}

static double hash_unif(uint64_t h)
{
	return (double)(h >> 11) * 0x1p-53;
}

double ec_synth_hash_normal(uint64_t h)
{
	double u1 = ((double)(h >> 40) + 0.5) * 0x1p-24;
	double u2 = (double)(h & 0xffffffu) * 0x1p-24;
	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static void make_brands(struct ec_synth_model *m, uint32_t n, struct ec_rng *r)
{
	struct ec_strtab seen;
	char buf[32];

	ec_strtab_init(&seen);
	m->brands = ec_xcalloc(n, sizeof(*m->brands));
	m->brand_len = ec_xcalloc(n, 1);
	while (seen.n < n) {
		int syl = 2 + (ec_rng_unif(r) < 0.35);
		size_t len = 0;
		for (int i = 0; i < syl; i++) {
			const char *a = syl_on[ec_rng_below(r, N_OF(syl_on))];
			const char *b = syl_vow[ec_rng_below(r, N_OF(syl_vow))];
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", a, b);
		}
		const char *c = syl_end[ec_rng_below(r, N_OF(syl_end))];
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s", c);
		int added = 0;
		uint32_t id = ec_strtab_intern(&seen, buf, len, &added);
		if (added) {
			m->brands[id] = ec_xstrndup(buf, len);
			m->brand_len[id] = (uint8_t)len;
		}
	}
	m->n_brands = n;
	ec_strtab_release(&seen);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Category ids: a 7-digit prefix (a few per store) and 12 random digits. */
static uint64_t new_cat_id(const struct ec_synth_model *m, struct ec_rng *r)
{
	static const uint64_t multicat_pre[] = {2053013, 2053013, 2053013, 2053013,
						2062461, 2232732, 2110187, 2146660};
	static const uint64_t cosmetics_pre[] = {1487580, 1487580, 1487580, 1487580,
						 1602943, 2018287, 2151191, 1752742};
	const uint64_t *pre = m->profile == EC_SYNTH_COSMETICS ? cosmetics_pre : multicat_pre;
	return pre[ec_rng_below(r, 8)] * 1000000000000ULL + ec_rng_below(r, 1000000000000ULL);
}

struct cat_plan {
	const char *code;
	double weight;
};

/*
 * Builds the categories: coded ones with Zipf popularity over their rank,
 * codeless ones with their own Zipf, the two sharing the rows as the real
 * stores do (~68/32 multicat, ~2/98 cosmetics).
 */
/* n distinct category ids, in a shuffled order. */
static uint64_t *make_ids(const struct ec_synth_model *m, struct ec_rng *r, uint32_t n)
{
	uint64_t *ids = ec_xmalloc(n * sizeof(*ids));
	for (;;) {
		for (uint32_t i = 0; i < n; i++)
			ids[i] = new_cat_id(m, r);
		qsort(ids, n, sizeof(*ids), cmp_u64);
		uint32_t dup = 0;
		for (uint32_t i = 1; i < n; i++)
			dup |= ids[i] == ids[i - 1];
		if (!dup)
			break;
	}
	for (uint32_t i = n; i > 1; i--) {
		uint32_t j = (uint32_t)ec_rng_below(r, i);
		uint64_t t = ids[i - 1];
		ids[i - 1] = ids[j];
		ids[j] = t;
	}
	return ids;
}

/* Product-id blocks: multicat prefix*100000 (7-8 digits), cosmetics 5000000 + c*2000. */
static uint32_t *make_prefixes(int cosm, uint32_t n, struct ec_rng *r)
{
	uint32_t n_pre = cosm ? n : 990;
	uint32_t *pre = ec_xmalloc(n_pre * sizeof(*pre));
	for (uint32_t i = 0; i < n_pre; i++)
		pre[i] = cosm ? i : 10 + i;
	for (uint32_t i = n_pre; i > 1; i--) {
		uint32_t j = (uint32_t)ec_rng_below(r, i);
		uint32_t t = pre[i - 1];
		pre[i - 1] = pre[j];
		pre[j] = t;
	}
	return pre;
}

static double np_of(double n_prod_total, double weight, double sum_pw)
{
	return n_prod_total * pow(weight, 0.6) / sum_pw;
}

/* One category of the catalog: its id, code, price level, products and
 * brands. */
static void fill_cat(const struct ec_synth_model *m, struct ec_synth_cat *c, uint64_t id,
		     const struct cat_plan *plan, uint32_t pre, double np, uint32_t n_brands,
		     struct ec_rng *r)
{
	int cosm = m->profile == EC_SYNTH_COSMETICS;
	uint32_t max_prod = cosm ? 1999 : 99999;
	c->id = id;
	c->code = plan->code;
	int len =
	    snprintf(c->text, sizeof(c->text), "%llu,%s,", (unsigned long long)c->id, c->code);
	c->text_len = (uint8_t)len;
	c->hash = ec_mix64(m->seed * 0x9e3779b97f4a7c15ULL + c->id);
	if (c->code[0]) {
		c->top = top_of(c->code);
		c->log_price = log(cosm ? 9.0 : top_price(c->code)) + 0.5 * ec_rng_normal(r);
	} else {
		c->top = (uint8_t)(251 + ec_rng_below(r, 5));
		c->log_price =
		    cosm ? log(4.5) + 0.55 * ec_rng_normal(r) : log(15 + 250 * ec_rng_unif(r));
	}
	c->conv = 0.45 * ec_rng_normal(r);
	c->n_products = np < 8 ? 8 : np > max_prod ? max_prod : (uint32_t)np;
	c->zipf_span = m->prod_inv ? pow(c->n_products + 1.0, 1.0 - m->prod_s) - 1.0
				   : log(c->n_products + 1.0);
	c->pid_base = cosm ? 5000000ULL + 2000ULL * pre : 100000ULL * pre;
	c->pid_off = (uint32_t)ec_rng_below(r, c->n_products);
	/* Categories of one top level share a region of the brands. */
	c->brand_base = c->code[0] ? (uint32_t)(ec_mix64(c->top + m->seed) % n_brands) +
					 (uint32_t)ec_rng_below(r, cosm ? 20 : 150)
				   : (uint32_t)ec_rng_below(r, n_brands);
	c->n_brands = cosm ? 3 + c->n_products / 60 : 4 + c->n_products / 300;
	if (c->n_brands > (cosm ? 30u : 80u))
		c->n_brands = cosm ? 30 : 80;
	c->empty_brand = (cosm ? 0.42 : 0.14) * 2 * ec_rng_unif(r);
}

void ec_synth_catalog_build(struct ec_synth_model *m)
{
	int cosm = m->profile == EC_SYNTH_COSMETICS;
	struct ec_rng r;
	struct ec_strtab codes;
	uint32_t n_head = cosm ? 0 : 30;
	uint32_t n_nocode = cosm ? 520 : 380;
	double coded_share = cosm ? 0.02 : 0.68;
	double s_coded = cosm ? 1.0 : 1.3, s_nocode = cosm ? 0.85 : 1.0;

	ec_rng_seed(&r, m->seed ^ 0x6361746Cu);
	ec_strtab_init(&codes);
	uint32_t n_codes = expand_codes(cosm ? cosmetics_codes : multicat_codes, &codes);

	/* Rank order: the head as listed, the rest shuffled. */
	uint32_t *order = ec_xmalloc(n_codes * sizeof(*order));
	for (uint32_t i = 0; i < n_codes; i++)
		order[i] = i;
	for (uint32_t i = n_codes; i > n_head + 1; i--) {
		uint32_t j = n_head + (uint32_t)ec_rng_below(&r, i - n_head);
		uint32_t t = order[i - 1];
		order[i - 1] = order[j];
		order[j] = t;
	}
	size_t arena_len = 0;
	for (uint32_t i = 0; i < n_codes; i++)
		arena_len += ec_strtab_len(&codes, i) + 1;
	m->code_arena = ec_xmalloc(arena_len + 1);

	uint32_t cap = n_codes * 2 + n_nocode;
	struct cat_plan *plan = ec_xcalloc(cap, sizeof(*plan));
	uint32_t n = 0;
	double hc = 0, hn = 0;
	for (uint32_t i = 0; i < n_codes; i++)
		hc += pow(i + 1.0, -s_coded);
	for (uint32_t i = 0; i < n_nocode; i++)
		hn += pow(i + 1.0, -s_nocode);
	size_t off = 0;
	m->code_arena[off] = '\0';
	const char *empty = m->code_arena + off++;
	for (uint32_t i = 0; i < n_codes; i++) {
		uint32_t id = order[i];
		uint32_t len = ec_strtab_len(&codes, id);
		char *code = m->code_arena + off;
		memcpy(code, ec_strtab_str(&codes, id), len + 1);
		off += len + 1;
		double w = coded_share * pow(i + 1.0, -s_coded) / hc;
		/* Some codes sit under two category ids, as in the real tree. */
		if (!cosm && ec_rng_unif(&r) < 0.15) {
			plan[n++] = (struct cat_plan){code, w * 0.75};
			plan[n++] = (struct cat_plan){code, w * 0.25};
		} else {
			plan[n++] = (struct cat_plan){code, w};
		}
	}
	for (uint32_t i = 0; i < n_nocode; i++)
		plan[n++] =
		    (struct cat_plan){empty, (1 - coded_share) * pow(i + 1.0, -s_nocode) / hn};

	/* Popularity is by plan order; ids and product-id prefixes are shuffled. */
	m->n_cats = n;
	m->cats = ec_xcalloc(n, sizeof(*m->cats));
	m->cat_cdf = ec_xmalloc(n * sizeof(*m->cat_cdf));
	uint64_t *ids = make_ids(m, &r, n);
	uint32_t *pre = make_prefixes(cosm, n, &r);

	double total_w = 0, sum_pw = 0;
	for (uint32_t i = 0; i < n; i++)
		sum_pw += pow(plan[i].weight, 0.6);
	double n_prod_total = cosm ? 45000 : 170000;
	uint32_t n_brands = cosm ? 280 : 3000;
	make_brands(m, n_brands, &r);
	for (uint32_t i = 0; i < n; i++) {
		fill_cat(m, &m->cats[i], ids[i], &plan[i], pre[i],
			 np_of(n_prod_total, plan[i].weight, sum_pw), n_brands, &r);
		total_w += plan[i].weight;
		m->cat_cdf[i] = total_w;
	}
	for (uint32_t i = 0; i < n; i++)
		m->cat_cdf[i] /= total_w;
	m->cat_cdf[n - 1] = 1.0;
	free(pre);
	free(ids);
	free(plan);
	free(order);
	ec_strtab_release(&codes);
}

void ec_synth_catalog_release(struct ec_synth_model *m)
{
	for (uint32_t i = 0; i < m->n_brands; i++)
		free(m->brands[i]);
	free(m->brands);
	free(m->brand_len);
	free(m->cats);
	free(m->cat_cdf);
	free(m->code_arena);
}

uint32_t ec_synth_pick_cat(const struct ec_synth_model *m, double u)
{
	uint32_t lo = 0, hi = m->n_cats - 1;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (m->cat_cdf[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Zipf-like rank by inverting the continuous power law. */
uint64_t ec_synth_product_rank(const struct ec_synth_model *m, uint32_t cat, double u)
{
	const struct ec_synth_cat *c = &m->cats[cat];
	double x = m->prod_inv ? pow(1.0 + c->zipf_span * u, m->prod_inv) - 1.0
			       : exp(c->zipf_span * u) - 1.0;
	uint64_t k = x <= 0 ? 0 : (uint64_t)x;
	return k >= c->n_products ? c->n_products - 1 : k;
}

void ec_synth_product(const struct ec_synth_model *m, uint32_t cat, uint64_t rank,
		      struct ec_synth_item *out)
{
	const struct ec_synth_cat *c = &m->cats[cat];
	int cosm = m->profile == EC_SYNTH_COSMETICS;
	uint64_t h = ec_mix64(c->hash ^ ((rank + 1) * 0x9e3779b97f4a7c15ULL));
	uint64_t hb = ec_mix64(h + 1), hp = ec_mix64(h + 2);

	memset(out, 0, sizeof(*out));
	out->cat = cat;
	out->pid = c->pid_base + (rank * 104729u + c->pid_off) % c->n_products;
	if (hash_unif(hb) < c->empty_brand) {
		out->brand = UINT32_MAX;
	} else {
		double u = hash_unif(ec_mix64(hb));
		uint32_t j = (uint32_t)(c->n_brands * u * u * u);
		out->brand = (c->brand_base + j) % m->n_brands;
	}
	double sigma = cosm ? 0.75 : 0.55;
	double z = ec_synth_hash_normal(hp);
	double price = exp(c->log_price + sigma * z);
	int64_t cents = (int64_t)(price * 100 + 0.5);
	if ((h & 0xffff) < 98) /* ~0.15% of products are listed at 0 */
		cents = 0;
	int64_t cap = cosm ? 32778 : 257407;
	if (cents > cap)
		cents = cap;
	if (cents < 1 && cents != 0)
		cents = 1;
	out->cents = cents;
	out->price_z = sigma * z;
}

int64_t ec_synth_price_on(const struct ec_synth_model *m, const struct ec_synth_item *it,
			  int64_t day)
{
	uint64_t h = ec_mix64(it->pid * 0xd6e8feb86659fd93ULL ^ (uint64_t)day ^ m->seed);
	if ((h & 1023) >= 60 || it->cents == 0)
		return it->cents;
	int64_t pct = (int64_t)((h >> 10) % 11) - 5; /* -5%..+5% that day */
	int64_t c = it->cents + it->cents * pct / 100;
	return c < 1 ? 1 : c;
}
