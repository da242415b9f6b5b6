package screener

import (
	"errors"
	"math/rand"
	"strings"
	"sync"
	"testing"
)

// Hostile-caller probes: empty and nil inputs, invalid UTF-8 and NUL,
// every Handle method after Close, Close racing scans, and spans that
// slice the original bytes on seeded random multi-byte texts (Scan,
// ScanBytes, ScanBatch and Handle agree).
func TestProbeSpansAndMisuse(t *testing.T) {
	db, err := Compile(Text("p", "badword\n法轮功\nsex\tseverity=4\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewSource(11))
	fill := []string{"a", " ", "é", "法", "ｘ", "😀", "\u200b", "e\u0301", "\xff", "\xe6\xb3", "\x00", "\xed\xa0\x80", "\u3000"}
	terms := []string{"badword", "ＢＡＤＷＯＲＤ", "b a d w o r d", "法 輪 功", "法轮功", "s\u200bex", "SEX"}
	texts := make([]string, 400)
	for i := range texts {
		var sb strings.Builder
		for n := rng.Intn(5); n > 0; n-- {
			for f := rng.Intn(4); f > 0; f-- {
				sb.WriteString(fill[rng.Intn(len(fill))])
			}
			sb.WriteString(terms[rng.Intn(len(terms))])
			sb.WriteString(fill[rng.Intn(len(fill))])
		}
		texts[i] = sb.String()
	}
	texts = append(texts, "", "\x00", "\xff\xfe")
	raw, err := db.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	hdb, err := FromBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandle(hdb) // takes hdb over
	if err != nil {
		t.Fatal(err)
	}
	batch, err := db.ScanBatch(texts)
	if err != nil {
		t.Fatal(err)
	}
	hbatch, err := h.ScanBatch(texts)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, text := range texts {
		ms, _, err := db.Scan(text)
		if err != nil {
			t.Fatal(err)
		}
		mb, _, err := db.ScanBytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		mh, _, err := h.Scan(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, set := range [][]Match{ms, mb, mh, batch[i].Matches, hbatch[i].Matches} {
			if len(set) != len(ms) {
				t.Fatalf("%q: %d matches vs %d", text, len(set), len(ms))
			}
			for j, m := range set {
				if m.Start < 0 || m.End > len(text) || m.Start >= m.End || text[m.Start:m.End] != m.Text ||
					m.Start != ms[j].Start || m.End != ms[j].End {
					t.Fatalf("%q: match %+v does not slice the original (scan: %+v)", text, m, ms[j])
				}
				n++
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d matches: the generator does not exercise spans", n)
	}
	if r, err := db.ScanBatch(nil); err != nil || len(r) != 0 {
		t.Fatalf("ScanBatch(nil): %v %v", r, err)
	}
	if m, _, err := db.ScanBytes(nil); err != nil || len(m) != 0 {
		t.Fatalf("ScanBytes(nil): %v %v", m, err)
	}

	// Close racing scans: running calls finish, later ones get ErrClosed.
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if _, _, err := h.Scan(texts[i]); err != nil && !errors.Is(err, ErrClosed) {
					t.Errorf("scan racing Close: %v", err)
					return
				}
			}
		}()
	}
	h.Close()
	wg.Wait()
	_, _, e1 := h.Scan("badword")
	_, e2 := h.ScanBatch([]string{"badword"})
	_, e3 := h.MaskWith("badword", MaskOptions{})
	_, e4 := h.Version()
	e5 := h.Swap(db)
	e6 := h.Load("/nonexistent")
	e7 := h.Close()
	for i, err := range []error{e1, e2, e3, e4, e5, e6} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("call %d after Close: %v, want ErrClosed", i+1, err)
		}
	}
	if e7 != nil {
		t.Errorf("second Close: %v", e7)
	}
	t.Logf("%d spans checked", n)
}
