/* The public header must compile alone as strict C99. */
#include "screener.h"
int header_c99_probe(void);
int header_c99_probe(void) { return SCREENER_VERSION_NUMBER > 0; }
