#include "ecomctl/model.h"

#include <stdio.h>
#include <xgboost/c_api.h>

const char *ec_model_lib_version(void)
{
	static char buf[32];
	int major, minor, patch;
	XGBoostVersion(&major, &minor, &patch);
	snprintf(buf, sizeof(buf), "%d.%d.%d", major, minor, patch);
	return buf;
}
