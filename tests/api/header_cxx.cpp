// The public header must compile alone as C++.
#include "screener.h"
int header_cxx_probe();
int header_cxx_probe()
{
    screener_compile_options o = {};
    o.struct_size = sizeof o;
    o.fold_flags = SCREENER_FOLD_ALL;
    return static_cast<int>(o.fold_flags) + SCREENER_VERSION_NUMBER;
}
