package screener

import (
	"errors"
	"strings"
	"testing"
)

// The Fold constants are compile-time constants; the library owns the list.
// Every family of the linked library must have a constant with its flag,
// and every constant a family, so a family added in C fails here until the
// binding has it.
func TestFoldConstantsMatchTheLibraryTable(t *testing.T) {
	constants := map[string]Fold{
		"compat": FoldCompat, "case": FoldCase, "traditional": FoldTraditional,
		"accents": FoldAccents, "noise": FoldNoise, "homoglyph": FoldHomoglyph,
		"repeats": FoldRepeats, "leet": FoldLeet,
	}
	var all Fold
	for _, f := range FoldFamilies() {
		c, ok := constants[f.Name]
		if !ok {
			t.Errorf("library family %q (%#x) has no Go constant", f.Name, f.Flag)
		} else if c != f.Flag {
			t.Errorf("%s: Go constant %#x, library %#x", f.Name, c, f.Flag)
		}
		if f.Description == "" {
			t.Errorf("%s: no description", f.Name)
		}
		delete(constants, f.Name)
		all |= f.Flag
	}
	for name := range constants {
		t.Errorf("Go constant for %q, unknown to the library", name)
	}
	if all != FoldAll {
		t.Errorf("library families %#x, FoldAll %#x", all, FoldAll)
	}
}

func TestParseFold(t *testing.T) {
	cases := map[string]Fold{
		"repeats": FoldRepeats, "case,compat": FoldCase | FoldCompat,
		"all": FoldAll, "none": FoldNone,
	}
	for list, want := range cases {
		got, err := ParseFold(list)
		if err != nil || got != want {
			t.Errorf("ParseFold(%q) = %#x, %v; want %#x", list, got, err, want)
		}
	}
	_, err := ParseFold("case,bogus")
	var se *Error
	if !errors.As(err, &se) || !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(se.Message, "`bogus`") || !strings.Contains(se.Message, "repeats") {
		t.Errorf("ParseFold(bogus): %v", err)
	}
}

func TestParsedFoldCompiles(t *testing.T) {
	f, err := ParseFold("repeats,case")
	if err != nil {
		t.Fatal(err)
	}
	db, err := CompileWith(Options{Fold: f}, Text("t", "fuck\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.FoldFlags() != FoldRepeats|FoldCase {
		t.Errorf("fold flags %#x", db.FoldFlags())
	}
	ms, _ := scan(t, db, "FUUUUCK")
	if len(ms) != 1 {
		t.Errorf("FUUUUCK: %+v", ms)
	}
}

func TestDetectorsAndActionsComeFromTheLibrary(t *testing.T) {
	names := Detectors()
	if len(names) < 5 || names[0] != "cn_mobile" {
		t.Fatalf("detectors %v", names)
	}
	for _, name := range names {
		db, err := Compile(Text("p", "@category privacy\n@detect "+name+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		db.Close()
	}
	for a, want := range []string{"pass", "review", "mask", "block"} {
		if Action(a).String() != want {
			t.Errorf("Action(%d) = %q, want %q", a, Action(a), want)
		}
	}
}
