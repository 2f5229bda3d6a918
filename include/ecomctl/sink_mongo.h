/*
 * sink_mongo.h -- the MongoDB sink (session logs, predictions, funnel
 * reports, runs); the only module that includes mongoc/mongoc.h.
 * (Writing, spooling and replay arrive with issue 6.)
 */
#ifndef ECOMCTL_SINK_MONGO_H
#define ECOMCTL_SINK_MONGO_H

/* "libmongoc 1.23.1, libbson 1.23.1" (static storage). */
const char *ec_mongo_lib_versions(void);

#endif
