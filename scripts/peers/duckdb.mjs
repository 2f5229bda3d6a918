#!/usr/bin/env node
// DuckDB peer of ecomctl's benchmark jobs (run by scripts/bench.sh).
//
//   node scripts/peers/duckdb.mjs JOB FILE OUT
//
// Runs JOB on FILE (REES46 CSV, or gzip when the name ends in .gz) with
// DuckDB on 2 threads and writes the result to OUT as CSV with a header
// (OUT `-`: stdout). Prints nothing else on stdout; errors go to stderr
// (exit 1; usage: exit 2). DUCKDB_THREADS overrides the thread count.
// An existing regular OUT is written as tmp_<name> and renamed over it;
// anything else (stdout, /dev/null, a symlink, a fifo) is written in place.
//
// Jobs:
//   count     event_type,events: rows by event type (view, cart,
//             remove_from_cart, purchase first, with 0 for a missing one;
//             then any other value), like `ecomctl inspect`'s event counts.
//   sessions  one row per (user_id, user_session), in no particular order:
//             session_id,user_id,start,end,duration_s,events,views,carts,
//             removes,purchases,products,categories,brands,cart_value,
//             revenue,first_purchase,converted
//             (products, categories = category_id, brands = non-empty brand:
//             distinct counts; cart_value, revenue: sums of cart / purchase
//             prices, %.2f; times in ISO 8601 as ecomctl writes them
//             (2019-10-01T00:00:00Z); first_purchase empty when
//             none). No gap or length splitting and duplicates are kept: the
//             like-for-like ecomctl run is
//             `ecomctl sessions --gap 1000d --max-session 1000d --keep-duplicates`
//             (whose extra top_category column is not computed here).
//   funnel    breakdown,step,units: the ordered funnel view -> cart ->
//             purchase over units = (user_id, user_session): units with a
//             view; of those, units with a cart at or after the unit's first
//             view (same second counts); of those, units with a purchase at
//             or after that first such cart. breakdown is `all`, then
//             `category=KEY` for the top-level category of the unit's first
//             view (first segment of category_code, or id:<category_id> when
//             the code is empty; views tied on the first second: the
//             smallest key), by view units descending, then key.
//   funnel-user
//             the funnel with one unit per user (all of a user's events,
//             across sessions): the like-for-like ecomctl run is
//             `ecomctl funnel --unit user --by top`.
//   sessions-gap, funnel-gap
//             the same with ecomctl's default units: each (user_id,
//             user_session) cut where its events are idle longer than 1800 s
//             (DUCKDB_GAP), the later parts named <value>/2, ... (window
//             functions: lag, then a running sum of the cuts). The
//             like-for-like ecomctl run is
//             `ecomctl sessions --max-session 1000d --keep-duplicates`.
//
// The CSV is read with explicit types (ids UBIGINT, price DOUBLE, event_time
// VARCHAR parsed with strptime '%Y-%m-%d %H:%M:%S UTC'), columns by position,
// strict: a malformed row fails the job (ecomctl would reject and count it).

import { lstatSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const usage =
	'usage: node duckdb.mjs count|sessions|funnel|sessions-gap|funnel-gap|funnel-user FILE OUT\n';

function sqlString(s) {
	return "'" + String(s).replaceAll("'", "''") + "'";
}

function readEvents(file) {
	return `read_csv(${sqlString(file)},
		header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
		compression = 'auto',
		columns = {
			'event_time': 'VARCHAR', 'event_type': 'VARCHAR',
			'product_id': 'UBIGINT', 'category_id': 'UBIGINT',
			'category_code': 'VARCHAR', 'brand': 'VARCHAR', 'price': 'DOUBLE',
			'user_id': 'UBIGINT', 'user_session': 'VARCHAR'
		})`;
}

const TS = "'%Y-%m-%d %H:%M:%S UTC'";
// Times in outputs, as ecomctl writes them (ISO 8601, UTC).
const ISO = "'%Y-%m-%dT%H:%M:%SZ'";

// The events of src with their time t and their unit: the user_session
// value, or with a gap (seconds) that value cut where the events of one
// (user_id, user_session) are idle longer than the gap, the later parts
// named <value>/2, <value>/3, ... as ecomctl names them.
function events(src, gap) {
	const timed = `SELECT *, strptime(event_time, ${TS}) AS t FROM ${src}`;
	if (gap === 'user')
		return `SELECT *, '' AS unit FROM (${timed})`;
	if (gap === undefined)
		return `SELECT *, user_session AS unit FROM (${timed})`;
	return `
		SELECT * EXCLUDE (brk, part),
		       user_session || CASE WHEN part > 1 THEN '/' || part ELSE '' END AS unit
		FROM (
			SELECT *, sum(brk) OVER (PARTITION BY user_id, user_session
			                         ORDER BY t, brk DESC ROWS UNBOUNDED PRECEDING) AS part
			FROM (
				SELECT *, CASE WHEN date_diff('second', lag(t) OVER (
				                   PARTITION BY user_id, user_session ORDER BY t), t) <= ${gap}
				          THEN 0 ELSE 1 END AS brk
				FROM (${timed})))`;
}

// Each job is a query whose result is copied to OUT.
const jobs = {
	count: (src) => `
		WITH c AS (
			SELECT event_type, count(*) AS events FROM ${src} GROUP BY event_type
		), k(event_type, ord) AS (
			VALUES ('view', 1), ('cart', 2), ('remove_from_cart', 3), ('purchase', 4)
		)
		SELECT coalesce(k.event_type, c.event_type) AS event_type,
		       coalesce(c.events, 0) AS events
		FROM k FULL JOIN c ON k.event_type = c.event_type
		ORDER BY coalesce(k.ord, 5), 1`,

	sessions: (src, gap) => `
		WITH e AS (${events(src, gap)})
		SELECT unit AS session_id, user_id,
		       strftime(min(t), ${ISO}) AS "start",
		       strftime(max(t), ${ISO}) AS "end",
		       date_diff('second', min(t), max(t)) AS duration_s,
		       count(*) AS events,
		       count(*) FILTER (WHERE event_type = 'view') AS views,
		       count(*) FILTER (WHERE event_type = 'cart') AS carts,
		       count(*) FILTER (WHERE event_type = 'remove_from_cart') AS removes,
		       count(*) FILTER (WHERE event_type = 'purchase') AS purchases,
		       count(DISTINCT product_id) AS products,
		       count(DISTINCT category_id) AS categories,
		       count(DISTINCT brand) FILTER (WHERE brand <> '') AS brands,
		       printf('%.2f', coalesce(sum(price) FILTER (WHERE event_type = 'cart'), 0))
		           AS cart_value,
		       printf('%.2f', coalesce(sum(price) FILTER (WHERE event_type = 'purchase'), 0))
		           AS revenue,
		       strftime(min(t) FILTER (WHERE event_type = 'purchase'), ${ISO})
		           AS first_purchase,
		       CAST(count(*) FILTER (WHERE event_type = 'purchase') > 0 AS INTEGER)
		           AS converted
		FROM e
		GROUP BY user_id, unit`,

	funnel: (src, gap) => `
		WITH e AS (
			SELECT user_id, unit, event_type, t,
			       CASE WHEN event_type = 'view' THEN
			           CASE WHEN coalesce(category_code, '') = ''
			                THEN 'id:' || category_id
			                ELSE split_part(category_code, '.', 1) END
			       END AS cat
			FROM (${events(src, gap)})
		), u AS (
			-- first view (time, then smallest key), cart times, last purchase
			SELECT min({'t': t, 'cat': cat}) FILTER (WHERE event_type = 'view') AS fv,
			       list(t) FILTER (WHERE event_type = 'cart') AS carts,
			       max(t) FILTER (WHERE event_type = 'purchase') AS lp
			FROM e
			GROUP BY user_id, unit
		), f AS (
			SELECT fv.cat AS cat,
			       list_min(list_filter(carts, x -> x >= fv.t)) AS fc,
			       lp
			FROM u
			WHERE fv IS NOT NULL
		), g AS (
			SELECT grouping(cat) = 1 AS overall, cat,
			       count(*) AS v,
			       count(fc) AS c,
			       count(*) FILTER (WHERE lp >= fc) AS p
			FROM f
			GROUP BY GROUPING SETS ((), (cat))
		)
		SELECT CASE WHEN overall THEN 'all' ELSE 'category=' || cat END AS breakdown,
		       s.step,
		       CASE s.o WHEN 1 THEN v WHEN 2 THEN c ELSE p END AS units
		FROM g, (VALUES ('view', 1), ('cart', 2), ('purchase', 3)) s(step, o)
		ORDER BY overall DESC, v DESC, cat, s.o`,
};

async function main(argv) {
	const [name, file, outArg] = argv;
	const job = String(name).replace(/-(gap|user)$/, '');
	if (argv.length !== 3 || !(job in jobs) || (name !== job && job === 'count') ||
		name === 'sessions-user') {
		process.stderr.write(usage);
		return 2;
	}
	let gap;
	if (name.endsWith('-user'))
		gap = 'user';
	else if (name !== job)
		gap = Number(process.env.DUCKDB_GAP || 1800);
	// DuckDB writes an existing OUT as tmp_<name> and renames it over OUT:
	// only let it do so for a plain regular file, never for stdout, a
	// symlink, a device (as root, /dev/null would be replaced) or a fifo.
	const out = outArg === '-' ? '/dev/stdout' : outArg;
	let st = null;
	try {
		st = lstatSync(out);
	} catch {
		// a new file
	}
	const inPlace = outArg === '-' || out.startsWith('/dev/') || out.startsWith('/proc/') ||
		(st !== null && !st.isFile());
	const threads = process.env.DUCKDB_THREADS || '2';
	const instance = await DuckDBInstance.create(':memory:', { threads });
	const con = await instance.connect();
	await con.run(`COPY (${jobs[job](readEvents(file), gap)}) TO ${sqlString(out)}
		(FORMAT csv, HEADER true, DELIMITER ','${inPlace ? ', USE_TMP_FILE false' : ''})`);
	con.closeSync();
	instance.closeSync();
	return 0;
}

main(process.argv.slice(2)).then(
	(code) => { process.exitCode = code; },
	(err) => {
		process.stderr.write(`duckdb.mjs: ${err && err.message ? err.message : err}\n`);
		process.exitCode = 1;
	});
