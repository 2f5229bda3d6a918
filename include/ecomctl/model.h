/*
 * model.h -- the XGBoost models (purchase intent, top-3 categories) through
 * XGBoost's C API; the only module that includes xgboost/c_api.h.
 * (Training, scoring and the registry arrive with issue 4.)
 */
#ifndef ECOMCTL_MODEL_H
#define ECOMCTL_MODEL_H

/* "1.7.4": the version of libxgboost linked in (static storage). */
const char *ec_model_lib_version(void);

#endif
