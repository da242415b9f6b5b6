/*
 * regions.h — the parts of a message that are not the poster's own words
 * (SCREENER_REGION_*): @mentions with their `RT ` prefix, and links whose
 * host is a platform link wrapper (t.co ...). Found on the ORIGINAL bytes,
 * only for messages that have matches, and applied at the end of
 * collection: a match lying wholly inside a region gets the region's
 * SCREENER_MATCH_IN_* flag, and SCREENER_MATCH_SUPPRESSED when the profile
 * excludes that kind (docs/regions.md).
 *
 * Windows and streams (window.c) see a text in pieces. A region is at most
 * REGION_MAX_BYTES long and is decided by at most REGION_CONTEXT bytes before
 * the matches it contains, so a round carries REGION_CONTEXT bytes more than
 * its matchers need; a region that may still grow or start at the end of a
 * round's data is "open": the matches from its first byte on are held for
 * the next round, which sees it whole.
 */
#ifndef SCREENER_SCAN_REGIONS_H
#define SCREENER_SCAN_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "normalize/fold.h"
#include "scratch.h"

/* A mention's handle has 1..REGION_HANDLE_MAX characters (Weibo allows 30;
 * X/Twitter 15): a longer run is not a mention. */
#define REGION_HANDLE_MAX 30
/* ...and with its marker (`＠`) and any marks on its letters, at most this
 * many bytes: 30 characters of 4 bytes. */
#define REGION_HANDLE_BYTES (3 + 4 * REGION_HANDLE_MAX)
/* Spaces allowed between `RT` and the mention it prefixes. */
#define REGION_RT_SPACES 4
/* A wrapper link is cut at this many bytes (the url detector's limit:
 * detect.h DETECT_URL_MAX), its host at 253 (DNS). */
#define REGION_LINK_MAX 256
/* Longest region in bytes: a link; a mention is at most "RT" + 4 spaces +
 * REGION_HANDLE_BYTES = 129. */
#define REGION_MAX_BYTES REGION_LINK_MAX
/* Bytes a window round carries before a held match so that every region
 * around it, and the character before the region, are in the next round. */
#define REGION_CONTEXT (REGION_MAX_BYTES + 8)

/*
 * Flag the matches s->matches[0 .. n_matches) (sorted by start, as
 * collect_finish leaves them) that lie inside a region of text[0, len);
 * suppress those whose kind s->exclude_regions holds. at_end: text[len] is
 * the end of the message; otherwise regions that reach len are open and
 * *open_from gets the first byte of the earliest one (len if none).
 * Cost: O(len) in memchr-speed searches for '@' and '/' and one SSE2 pass
 * for '＠' (regions_wide_from: EF BC A0 whole), plus O(matches + regions);
 * nothing for a message without matches.
 */
void regions_mark(const fold_table *ft, screener_scratch *s, const uint8_t *text, size_t len,
                  int at_end, size_t *open_from);

/* The first '＠' (EF BC A0) of text[i, len), len if none: the vector search
 * the mention pass uses (where the CPU has SSE2), or with scalar the
 * byte-by-byte loop it must equal (for the differential test). */
size_t regions_wide_from(const uint8_t *text, size_t len, size_t i, int scalar);

#endif
