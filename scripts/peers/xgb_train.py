#!/usr/bin/python3
"""The peer of `ecomctl train` in scripts/bench.sh: XGBoost's own Python
binding (Debian python3-xgboost, the same libxgboost) trains on the intent
feature matrix that `ecomctl features --task intent` wrote, with the
parameters and the train/validation split of an ecomctl manifest, for the
same number of rounds, watching the validation rows each round as ecomctl
does.

usage: xgb_train.py FEATURES.csv MANIFEST.json ROUNDS

Prints one JSON object: load_seconds (CSV to arrays), train_seconds
(DMatrix + boosting), predict rows/s, and check values: PR-AUC of both
models on the validation rows and the largest difference between their
predictions up to ecomctl's best round (ecomctl's model.json read back by
the binding): 0 when both trained the same trees.
"""
import io
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb


def average_precision(y, p):
    order = np.argsort(-p, kind="stable")
    y = y[order]
    p = p[order]
    # ties: one threshold per distinct score
    last = np.r_[np.nonzero(np.diff(p))[0], len(p) - 1]
    tp = np.cumsum(y)[last]
    fp = (last + 1) - tp
    prec = tp / (tp + fp)
    rec = tp / max(y.sum(), 1)
    return float(np.sum(np.diff(np.r_[0.0, rec]) * prec))


def main():
    path, manifest_path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    man = json.load(open(manifest_path))
    names = man["features"]["names"]
    n_train = man["split"]["train_rows"]

    t0 = time.monotonic()
    with open(path) as f:
        head = f.readline().rstrip("\n").split(",")
        text = f.read()
    # empty fields are missing values: make them "nan" for loadtxt's C parser
    text = text.replace(",,", ",nan,").replace(",,", ",nan,").replace(",\n", ",nan\n")
    cols = [head.index("label")] + [head.index(n) for n in names]
    a = np.loadtxt(io.StringIO(text), delimiter=",", usecols=cols, dtype=np.float32)
    del text
    y, x = a[:, 0], np.ascontiguousarray(a[:, 1:])
    load = time.monotonic() - t0

    params = dict(man["params"])
    t0 = time.monotonic()
    dtr = xgb.DMatrix(x[:n_train], label=y[:n_train], missing=np.nan)
    dva = xgb.DMatrix(x[n_train:], label=y[n_train:], missing=np.nan)
    bst = xgb.train(params, dtr, num_boost_round=rounds, evals=[(dva, "valid")],
                    verbose_eval=False)
    train = time.monotonic() - t0

    # ecomctl keeps the trees up to its best validation round
    best = man["rounds"]["best"]
    t0 = time.monotonic()
    p_py = bst.predict(xgb.DMatrix(x, missing=np.nan), iteration_range=(0, best))
    predict = time.monotonic() - t0
    model = os.path.join(os.path.dirname(manifest_path), "model.json")
    p_ec = xgb.Booster(model_file=model).predict(dva)
    yv = y[n_train:]
    print(json.dumps({
        "rows": int(len(y)), "train_rows": int(n_train), "features": len(names),
        "rounds": rounds, "best_rounds": best, "load_seconds": load, "train_seconds": train,
        "predict_rows_per_s": len(y) / predict if predict > 0 else None,
        "pr_auc_python": average_precision(yv, p_py[n_train:]),
        "pr_auc_ecomctl": average_precision(yv, p_ec),
        "max_abs_diff": float(np.max(np.abs(p_py[n_train:] - p_ec))) if len(yv) else 0.0,
        "xgboost_version": xgb.__version__,
    }))


if __name__ == "__main__":
    main()
