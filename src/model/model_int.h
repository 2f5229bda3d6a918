/*
 * model_int.h -- what model.c takes from model_cache.c: the files of
 * XGBoost's external-memory matrices (validation; with --matrix external,
 * training too). Not a public header.
 *
 * The validation matrix of a spilled set is XGBoost's external-memory
 * matrix, its pages in files named <prefix>-<address>.row.page beside the
 * spill: a QuantileDMatrix would do, but XGBoost 1.7 predicts one by
 * turning every bin index back into a value with a search per feature
 * (GHistIndexMatrix::GetFvalue): 40x slower per round than from pages.
 * XGBoost removes the files when the matrix is freed; until then they are
 * registered temporary files, removed on a second signal or an exit().
 */
#ifndef ECOMCTL_MODEL_INT_H
#define ECOMCTL_MODEL_INT_H

struct ec_page_cache {
	char dir[4096], base[96];
	int slot[8], n;
};

/* Names a new cache in dir: its files start with c->base,
 * ".ecomctl-KIND-PID-N" (KIND: valid, or xtrain for the training pages of
 * --matrix external). */
void ec_page_cache_name(struct ec_page_cache *c, const char *dir, const char *kind);
/* Registers the files XGBoost made as temporary files. */
void ec_page_cache_track(struct ec_page_cache *c);
/* Removes what XGBoost left of them and forgets them. */
void ec_page_cache_forget(struct ec_page_cache *c);

#endif
