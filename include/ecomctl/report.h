/*
 * report.h -- the model report (`ecomctl models report`): what a registered
 * model learned and how it does, as one JSON document (model-report.json)
 * and a self-contained HTML page (model-report.html) drawn from it.
 *
 * The document (schema_version 1):
 *   model, task, aliases, created_at        the version reported
 *   evaluated_on {kind, sessions, from, files}  "validation" (the metrics
 *                                           train kept) or "files"
 *   metrics {...}                           the model's metrics
 *   baselines {name: {...}}                 the same metrics of each rule
 *   importance [{feature, gain, total_gain, splits}]  by gain, highest first
 *   calibration [{predicted, observed, n}]  by deciles of p_purchase, or of
 *                                           p_category_1
 *   calibration_by_rank [{k, mean_p, observed, sessions, deciles}]  category
 *   curves {roc [{fpr, tpr}], pr [{recall, precision}]}, gains [{top,
 *   captured, lift}], confusion {threshold, tp, fp, fn, tn}     intent
 *   lineage {command_line, inputs, data, split, rounds, params, ...}
 *   trials [...]                            every grid trial
 *   drift {run_id, warn_above, psi [...]}   with --against: a score run's
 *                                           PSI for this model's task
 * Keys without data are null.
 *
 * Ownership: ec_model_report() returns a new tree and copies what it
 * reads; its arguments stay the caller's.
 */
#ifndef ECOMCTL_REPORT_H
#define ECOMCTL_REPORT_H

#include <stdio.h>

#include "ecomctl/common.h"

struct ec_json;

/*
 * The report of the version whose manifest is given (ref "intent@v3",
 * aliases "production" or ""). eval: an evaluation of the version on files
 * (the "intent" or "category" object of `evaluate --json`: {model,
 * metrics}), or NULL for the validation metrics in the manifest; files:
 * the evaluated files (n_files of them). run: a run manifest of `score`
 * (its counts.drift), or NULL; run_id names it.
 */
struct ec_json *ec_model_report(const struct ec_json *manifest, const char *ref,
				const char *aliases, const struct ec_json *eval, char *const *files,
				int n_files, const struct ec_json *run, const char *run_id);

/*
 * Writes the model report page of report (a document of the shape above,
 * as read from model-report.json) to f: one self-contained HTML5 page,
 * inline CSS and SVG, no script, nothing fetched. Sections carry stable
 * ids: summary, metrics, calibration, importance, lineage, trials; curves,
 * gains and confusion for task "intent"; candidates for "category"; drift
 * only when the document has one. A key that is missing or null makes its
 * section say "not available"; a missing number reads "–". Every string
 * from the document is HTML-escaped. report is borrowed; f is left open.
 * Returns 0, or EC_EIO with err set when writing to f fails.
 */
int ec_model_report_html(FILE *f, const struct ec_json *report, struct ec_err *err);

#endif
