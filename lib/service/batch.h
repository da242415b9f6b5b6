/*
 * batch.h — the batch scan with the database version its results carry
 * (screener_scan_batch: 0; a handle's scan: the handle's version of it).
 */
#ifndef SCREENER_SERVICE_BATCH_H
#define SCREENER_SERVICE_BATCH_H

#include <stdint.h>

#include "screener.h"

/* screener_scan_batch() with every result's db_version set to version
 * (written with the results, so that a pass result an earlier call left in
 * a slot can stay there: batch.c). */
int service_scan_batch(const screener_db *db, screener_scratch *s, const screener_message *msgs,
                       size_t n, uint64_t version, const screener_result **results_out);

#endif
