// The public header must compile alone as C++.
#include "screener.h"
int header_cxx_probe();
int header_cxx_probe()
{
    screener_compile_options o = {sizeof o, SCREENER_FOLD_ALL, 0};
    return static_cast<int>(o.fold_flags) + SCREENER_VERSION_NUMBER;
}
