/*
 * status.c — status names and version functions (action names: names.c).
 */
#include "screener.h"

SCREENER_API unsigned screener_version(void)
{
    return SCREENER_VERSION_NUMBER;
}

SCREENER_API const char *screener_version_string(void)
{
    return SCREENER_VERSION_STRING;
}

SCREENER_API const char *screener_strerror(int status)
{
    switch (status) {
    case SCREENER_OK: return "success";
    case SCREENER_E_INVALID_ARGUMENT: return "invalid argument";
    case SCREENER_E_NOMEM: return "out of memory";
    case SCREENER_E_IO: return "input/output error";
    case SCREENER_E_DICT_SYNTAX: return "dictionary syntax error";
    case SCREENER_E_DICT_TERM: return "invalid dictionary term";
    case SCREENER_E_DICT_CONFLICT: return "conflicting duplicate dictionary entry";
    case SCREENER_E_DICT_EMPTY: return "dictionary has no deny entries";
    case SCREENER_E_UNSUPPORTED: return "unsupported feature";
    case SCREENER_E_HYPERSCAN: return "Hyperscan error";
    case SCREENER_E_ICU: return "ICU error";
    case SCREENER_E_DB_FORMAT: return "not a screener database or truncated";
    case SCREENER_E_DB_CHECKSUM: return "database checksum mismatch";
    case SCREENER_E_DB_VERSION: return "database version mismatch";
    case SCREENER_E_DB_PLATFORM: return "database built for another platform";
    case SCREENER_E_SCRATCH_IN_USE: return "scratch already in use";
    case SCREENER_E_TOO_LARGE: return "input too large";
    case SCREENER_E_LIMIT: return "limit exceeded";
    case SCREENER_E_DB_SIGNATURE: return "database signature missing or not trusted";
    }
    return "unknown status";
}
