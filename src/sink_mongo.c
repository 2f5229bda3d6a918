#include "ecomctl/sink_mongo.h"

#include <mongoc/mongoc.h>
#include <stdio.h>

const char *ec_mongo_lib_versions(void)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "libmongoc %s, libbson %s", mongoc_get_version(),
		 bson_get_version());
	return buf;
}
