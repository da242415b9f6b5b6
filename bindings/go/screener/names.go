package screener

/*
#include <stdlib.h>
#include <screener.h>
*/
import "C"

import "unsafe"

// The library owns the names of fold families, detectors and actions; the
// binding reads them once, at package initialisation, instead of keeping
// copies.

// FoldFamily is one fold family as the linked library describes it.
type FoldFamily struct {
	Name        string // as --fold and ParseFold take it: "compat", "case", ...
	Flag        Fold   // its FoldCompat, FoldCase, ... bit
	Description string // one line
}

var (
	foldFamilies = loadFoldFamilies()
	detectors    = loadDetectors()
	actionNames  = loadActionNames()
)

func loadFoldFamilies() []FoldFamily {
	var fams []FoldFamily
	for i := C.unsigned(0); ; i++ {
		var flag C.uint32_t
		name := C.screener_fold_family_name(i, &flag)
		if name == nil {
			return fams
		}
		fams = append(fams, FoldFamily{C.GoString(name), Fold(flag),
			C.GoString(C.screener_fold_family_description(i))})
	}
}

func loadDetectors() []string {
	var names []string
	for i := C.unsigned(0); ; i++ {
		name := C.screener_detector_name(i)
		if name == nil {
			return names
		}
		names = append(names, C.GoString(name))
	}
}

func loadActionNames() []string {
	names := make([]string, C.SCREENER_ACTION_BLOCK+1)
	for i := range names {
		names[i] = C.GoString(C.screener_action_name(C.int(i)))
	}
	return names
}

// FoldFamilies returns the fold families of the linked library, in bit
// order. The slice is a copy.
func FoldFamilies() []FoldFamily { return append([]FoldFamily(nil), foldFamilies...) }

// Detectors returns the names of the library's built-in detectors, as
// written after @detect in a dictionary. The slice is a copy.
func Detectors() []string { return append([]string(nil), detectors...) }

// ParseFold parses a comma-separated list of fold family names such as
// "case,compat" ("all" for every family, "none" alone for exact matching),
// the way the CLI's --fold does, for Options.Fold. An unknown name is an
// *Error with status ErrInvalidArgument naming it.
func ParseFold(list string) (Fold, error) {
	cs := C.CString(list)
	defer C.free(unsafe.Pointer(cs))
	var flags C.uint32_t
	var cerr *C.screener_error
	if rc := C.screener_fold_flags_parse(cs, &flags, &cerr); rc != 0 {
		return 0, takeError(rc, cerr)
	}
	f := Fold(flags)
	if f == FoldNone {
		return FoldNone, nil
	}
	return f &^ foldExplicit, nil
}

// String returns the lowercase name ("pass", "review", "mask", "block"),
// "drop" for Drop, or "unknown".
func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	if a == Drop {
		return "drop"
	}
	return "unknown"
}
