package screener

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

func TestHandle(t *testing.T) {
	db1, err := Compile(Text("abuse", "fuck\n"))
	if err != nil {
		t.Fatal(err)
	}
	fp1 := db1.Fingerprint()
	hh, err := NewHandle(db1)
	if err != nil {
		t.Fatal(err)
	}
	defer hh.Close()
	if _, _, err := db1.Scan("x"); !errors.Is(err, ErrClosed) {
		t.Errorf("db given to NewHandle still usable: %v", err)
	}
	if v, err := hh.Version(); v != 1 || err != nil {
		t.Errorf("Version = %d, %v", v, err)
	}
	ms, v, err := hh.Scan("oh ＦＵＣＫ shit")
	if err != nil || len(ms) != 1 || ms[0].Term != "fuck" || ms[0].Category != "abuse" ||
		ms[0].Text != "ＦＵＣＫ" || v.DBVersion != 1 || v.Fingerprint != fp1 ||
		!reflect.DeepEqual(v.Categories, []string{"abuse"}) {
		t.Fatalf("Scan = %+v %+v %v", ms, v, err)
	}

	// Compile a new dictionary into the handle.
	if err := hh.Compile(Text("other", "shit\n")); err != nil {
		t.Fatal(err)
	}
	ms, v, _ = hh.Scan("oh ＦＵＣＫ shit")
	if len(ms) != 1 || ms[0].Term != "shit" || ms[0].Category != "other" || v.DBVersion != 2 || v.Fingerprint == fp1 {
		t.Fatalf("after Compile: %+v %+v", ms, v)
	}

	// MaskWith uses the current database (now "shit", not "fuck").
	if got, err := hh.MaskWith("oh ＦＵＣＫ shit", MaskOptions{All: true}); err != nil || got != "oh ＦＵＣＫ ****" {
		t.Errorf("MaskWith = %q, %v", got, err)
	}
	if _, err := hh.MaskWith("x", MaskOptions{Char: -1}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("MaskWith(bad char) = %v", err)
	}

	// Failed reloads keep the current database.
	err = hh.Compile(Text("bad.txt", "ok\nx\tseverity=7\n"))
	var e *Error
	if !errors.As(err, &e) || e.File != "bad.txt" || e.Line != 2 {
		t.Errorf("bad Compile: %v", err)
	}
	if err := hh.Load(filepath.Join(t.TempDir(), "missing.scdb")); !errors.Is(err, ErrIO) {
		t.Errorf("Load(missing): %v", err)
	}
	if v, _ := hh.Version(); v != 2 {
		t.Errorf("version after failed reloads = %d", v)
	}

	// Load a saved database; Swap in a compiled one.
	db3, _ := Compile(Text("third", "法轮功\n"))
	path := filepath.Join(t.TempDir(), "x.scdb")
	if err := db3.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := hh.Load(path); err != nil {
		t.Fatal(err)
	}
	if _, v, _ := hh.Scan("法 輪 功"); v.DBVersion != 3 || v.Categories[0] != "third" {
		t.Errorf("after Load: %+v", v)
	}
	if err := hh.Swap(db3); err != nil {
		t.Fatal(err)
	}
	if _, err := db3.Bytes(); !errors.Is(err, ErrClosed) {
		t.Errorf("db given to Swap still usable")
	}
	if err := hh.Swap(db3); !errors.Is(err, ErrClosed) {
		t.Errorf("Swap(closed db): %v", err)
	}
	if v, _ := hh.Version(); v != 4 {
		t.Errorf("version after Swap = %d", v)
	}

	// Batch equals single.
	msgs := append([]string{}, batchMessages...)
	rs, err := hh.ScanBatch(msgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range msgs {
		ms, v, _ := hh.Scan(m)
		if !reflect.DeepEqual(ms, rs[i].Matches) || !reflect.DeepEqual(v, rs[i].Verdict) {
			t.Errorf("handle batch %d: %+v vs %+v %+v", i, rs[i], ms, v)
		}
	}

	hh.Close()
	if _, _, err := hh.Scan("x"); !errors.Is(err, ErrClosed) {
		t.Errorf("Scan after Close: %v", err)
	}
	if _, err := hh.ScanBatch([]string{"x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("ScanBatch after Close: %v", err)
	}
	if err := hh.Compile(Text("a", "b\n")); !errors.Is(err, ErrClosed) {
		t.Errorf("Compile after Close: %v", err)
	}
	if _, err := hh.MaskWith("x", MaskOptions{}); !errors.Is(err, ErrClosed) {
		t.Errorf("MaskWith after Close: %v", err)
	}
	if _, err := hh.Version(); !errors.Is(err, ErrClosed) {
		t.Errorf("Version after Close: %v", err)
	}
}

// Scans on many goroutines while another reloads: every result must come
// from exactly one database (its terms agree with its fingerprint).
func TestHandleReloadWhileScanning(t *testing.T) {
	dictA, dictB := Text("a", "fuck\n"), Text("b", "shit\n")
	dbA, _ := Compile(dictA)
	dbB, _ := Compile(dictB)
	fpA, fpB := dbA.Fingerprint(), dbB.Fingerprint()
	dir := t.TempDir()
	pathA, pathB := filepath.Join(dir, "a.scdb"), filepath.Join(dir, "b.scdb")
	if err := dbA.Save(pathA); err != nil {
		t.Fatal(err)
	}
	if err := dbB.Save(pathB); err != nil {
		t.Fatal(err)
	}
	hh, err := NewHandle(dbA)
	if err != nil {
		t.Fatal(err)
	}
	defer hh.Close()
	want := map[string]string{fpA: "fuck", fpB: "shit"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var rs []Result
				var err error
				if i%2 == 0 {
					var r Result
					r.Matches, r.Verdict, err = hh.Scan("fuck shit")
					rs = []Result{r}
				} else {
					rs, err = hh.ScanBatch([]string{"fuck shit", "shit", "fuck"})
				}
				if err != nil {
					errc <- err
					return
				}
				for _, r := range rs {
					term, ok := want[r.Verdict.Fingerprint]
					if !ok {
						errc <- fmt.Errorf("unknown fingerprint %q", r.Verdict.Fingerprint)
						return
					}
					for _, m := range r.Matches {
						if m.Term != term {
							errc <- fmt.Errorf("version %d: term %q from database %q", r.Verdict.DBVersion, m.Term, term)
							return
						}
					}
				}
				if len(rs) == 3 && rs[0].Verdict.DBVersion != rs[2].Verdict.DBVersion {
					errc <- fmt.Errorf("one batch saw two database versions")
					return
				}
			}
		}(w)
	}
	// Reloads: Swap, Load (fast) and one Compile (slow: ICU, Hyperscan).
	n := 40
	for i := 0; i < n; i++ {
		var err error
		switch {
		case i == 0:
			err = hh.Swap(dbB)
		case i == n-1:
			err = hh.Compile(dictB)
		case i%2 == 0:
			err = hh.Load(pathB)
		default:
			err = hh.Load(pathA)
		}
		if err != nil {
			t.Error(err)
		}
	}
	close(stop)
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if v, _ := hh.Version(); v != uint64(n+1) {
		t.Errorf("version %d after %d reloads", v, n)
	}
}
