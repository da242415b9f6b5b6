package screener

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

const abuseDict = `# test dictionary: abuse
@severity 3
fuck
shit	severity=2
sex	word
`

const miscDict = `@category politics
法轮功	severity=4
@category porn
口交	severity=3
路口交通	allow
`

func compileTest(t testing.TB, opts ...Options) *DB {
	t.Helper()
	o := Options{}
	if len(opts) > 0 {
		o = opts[0]
	}
	db, err := CompileWith(o, Text("abuse.txt", abuseDict), Text("misc", miscDict))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func scan(t *testing.T, db *DB, s string) ([]Match, Verdict) {
	t.Helper()
	ms, v, err := db.Scan(s)
	if err != nil {
		t.Fatalf("Scan(%q): %v", s, err)
	}
	// ScanBytes must agree with Scan.
	bms, bv, err := db.ScanBytes([]byte(s))
	if err != nil {
		t.Fatalf("ScanBytes(%q): %v", s, err)
	}
	if !reflect.DeepEqual(ms, bms) || !reflect.DeepEqual(v, bv) {
		t.Fatalf("Scan and ScanBytes disagree on %q:\n%+v %+v\n%+v %+v", s, ms, v, bms, bv)
	}
	return ms, v
}

func TestCompileFromText(t *testing.T) {
	db := compileTest(t)
	if n := db.EntryCount(); n != 6 {
		t.Errorf("EntryCount = %d, want 6", n)
	}
	if fp := db.Fingerprint(); len(fp) != 32 || strings.Trim(fp, "0123456789abcdef") != "" {
		t.Errorf("Fingerprint = %q", fp)
	}
	cats := db.Categories()
	for _, want := range []string{"abuse", "politics", "porn"} {
		found := false
		for _, c := range cats {
			found = found || c == want
		}
		if !found {
			t.Errorf("category %q missing from %v", want, cats)
		}
	}
	// The default is every family the library knows (which may be more
	// than this header's FoldAll while library and header are in flux).
	if base := FoldCompat | FoldCase | FoldTraditional | FoldAccents | FoldNoise; db.FoldFlags()&base != base {
		t.Errorf("FoldFlags = %#x, want all families", db.FoldFlags())
	}
	ms, v := scan(t, db, "well fuck that")
	if len(ms) != 1 {
		t.Fatalf("matches = %+v", ms)
	}
	m := ms[0]
	if m.Start != 5 || m.End != 9 || m.Term != "fuck" || m.Text != "fuck" ||
		m.Category != "abuse" || m.Severity != 3 || m.Suppressed {
		t.Errorf("match = %+v", m)
	}
	if v.Action == Pass || v.Severity != 3 || !reflect.DeepEqual(v.Categories, []string{"abuse"}) {
		t.Errorf("verdict = %+v", v)
	}
	if v.Action != m.Action {
		t.Errorf("verdict action %v != match action %v", v.Action, m.Action)
	}
}

func TestCompileFromFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "slurs.txt")
	if err := os.WriteFile(path, []byte("badword\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db, err := Compile(File(path), Text("", "法轮功\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, _ := scan(t, db, "a badword and 法轮功")
	if len(ms) != 2 {
		t.Fatalf("matches = %+v", ms)
	}
	if ms[0].Category != "slurs" {
		t.Errorf("file source category = %q, want slurs", ms[0].Category)
	}
	e, err := db.Entry(ms[0].EntryID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Term != "badword" || e.Source != path || e.Line != 1 || e.Category != "slurs" {
		t.Errorf("entry = %+v", e)
	}
	// A source renamed with WithName takes its category from the name.
	db2, err := Compile(File(path).WithName("other.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	ms, _ = scan(t, db2, "badword")
	if len(ms) != 1 || ms[0].Category != "other" {
		t.Errorf("renamed source: %+v", ms)
	}
}

func TestDisguised(t *testing.T) {
	db := compileTest(t)
	cases := []struct{ text, term, matched string }{
		{"ＦＵＣＫ you", "fuck", "ＦＵＣＫ"},
		{"oh F.U.C.K!", "fuck", "F.U.C.K"},
		{"f\u200bu\u200bc\u200bk", "fuck", "f\u200bu\u200bc\u200bk"},
		{"他们说法 轮 功很好", "法轮功", "法 轮 功"},
		{"法輪功", "法轮功", "法輪功"},
		{"支持法\u200b轮\u200d功", "法轮功", "法\u200b轮\u200d功"},
	}
	for _, c := range cases {
		ms, v := scan(t, db, c.text)
		if len(ms) != 1 {
			t.Errorf("%q: matches = %+v", c.text, ms)
			continue
		}
		if ms[0].Term != c.term || ms[0].Text != c.matched || c.text[ms[0].Start:ms[0].End] != c.matched {
			t.Errorf("%q: match = %+v, want term %q text %q", c.text, ms[0], c.term, c.matched)
		}
		if v.Action == Pass {
			t.Errorf("%q: verdict %+v", c.text, v)
		}
	}
}

func TestByteOffsetsMultibyte(t *testing.T) {
	db := compileTest(t)
	text := "你好，法轮功！shit😀"
	ms, v := scan(t, db, text)
	if len(ms) != 2 {
		t.Fatalf("matches = %+v", ms)
	}
	if want := len("你好，"); ms[0].Start != want || ms[0].End != want+len("法轮功") {
		t.Errorf("法轮功 at %d..%d, want byte offsets %d..%d", ms[0].Start, ms[0].End, want, want+9)
	}
	if want := strings.Index(text, "shit"); ms[1].Start != want || ms[1].End != want+4 {
		t.Errorf("shit at %d..%d, want %d..%d", ms[1].Start, ms[1].End, want, want+4)
	}
	if v.Severity != 4 || !reflect.DeepEqual(v.Categories, []string{"abuse", "politics"}) &&
		!reflect.DeepEqual(v.Categories, []string{"politics", "abuse"}) {
		t.Errorf("verdict = %+v", v)
	}
}

func TestAllowList(t *testing.T) {
	db := compileTest(t)
	ms, v := scan(t, db, "前面路口交通拥堵")
	if len(ms) != 1 || ms[0].Term != "口交" || !ms[0].Suppressed {
		t.Fatalf("matches = %+v", ms)
	}
	if v.Action != Pass || v.Severity != 0 || v.Categories != nil {
		t.Errorf("verdict = %+v, want pass", v)
	}
	// Word entries need boundaries.
	if ms, _ := scan(t, db, "sussex essex"); len(ms) != 0 {
		t.Errorf("word entry matched inside words: %+v", ms)
	}
}

func TestInvalidUTF8(t *testing.T) {
	db := compileTest(t)
	ms, _ := scan(t, db, "\xff法轮功\xfe\xc0")
	if len(ms) != 1 || ms[0].Start != 1 || ms[0].End != 10 {
		t.Errorf("matches = %+v", ms)
	}
	// An invalid byte between the characters never joins them into a match.
	if ms, _ := scan(t, db, "法\xff轮功 fu\xe4\xb8ck"); len(ms) != 0 {
		t.Errorf("invalid UTF-8 joined a match: %+v", ms)
	}
	// Truncated sequences at the end, lone continuation bytes: no crash.
	for _, s := range []string{"\xe6\xb3", "\x80\x80\x80", "fuck\xf0\x9f", "\xed\xa0\x80"} {
		scan(t, db, s)
	}
	if f, err := db.Fold("a\xffb"); err != nil || !strings.Contains(f, "\uFFFD") {
		t.Errorf("Fold(invalid) = %q, %v", f, err)
	}
}

func TestEmptyInput(t *testing.T) {
	db := compileTest(t)
	ms, v := scan(t, db, "")
	if ms != nil || v.Action != Pass || v.Severity != 0 || v.Categories != nil {
		t.Errorf("empty: %+v %+v", ms, v)
	}
	if ms, _, err := db.ScanBytes(nil); err != nil || ms != nil {
		t.Errorf("ScanBytes(nil) = %v, %v", ms, err)
	}
	if ms, _ := scan(t, db, "an ordinary clean message"); ms != nil {
		t.Errorf("clean: %+v", ms)
	}
}

func TestNULBytes(t *testing.T) {
	db := compileTest(t)
	text := "abc\x00法轮功\x00fuck"
	ms, _ := scan(t, db, text)
	if len(ms) != 2 || ms[0].Start != 4 || ms[0].Text != "法轮功" || ms[1].Text != "fuck" {
		t.Errorf("matches = %+v", ms)
	}
	scan(t, db, "\x00\x00\x00")
}

func TestFold(t *testing.T) {
	db := compileTest(t)
	f, err := db.Fold("ＦＵＣＫ 法輪功")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f, "fuck") || !strings.Contains(f, "法轮功") {
		t.Errorf("Fold = %q", f)
	}
}

func TestFoldOptions(t *testing.T) {
	all := compileTest(t, Options{Fold: FoldAll})
	if all.FoldFlags() != FoldAll {
		t.Errorf("FoldAll db reports %#x, want %#x", all.FoldFlags(), FoldAll)
	}
	if def := compileTest(t); def.Fingerprint() != all.Fingerprint() && def.FoldFlags() == all.FoldFlags() {
		t.Errorf("default and FoldAll databases differ")
	}
	exact := compileTest(t, Options{Fold: FoldNone})
	if exact.FoldFlags() != 0 {
		t.Errorf("FoldNone db reports %#x", exact.FoldFlags())
	}
	if ms, _ := scan(t, exact, "ＦＵＣＫ 法輪功"); len(ms) != 0 {
		t.Errorf("exact db matched disguised terms: %+v", ms)
	}
	if ms, _ := scan(t, exact, "fuck"); len(ms) != 1 {
		t.Errorf("exact db: %+v", ms)
	}
	noTrad := compileTest(t, Options{Fold: FoldCompat | FoldCase | FoldNoise})
	if got := noTrad.FoldFlags(); got != FoldCompat|FoldCase|FoldNoise {
		t.Errorf("FoldFlags = %#x", got)
	}
	if ms, _ := scan(t, noTrad, "法輪功"); len(ms) != 0 {
		t.Errorf("traditional folded without FoldTraditional: %+v", ms)
	}
	if ms, _ := scan(t, noTrad, "ＦＵＣＫ"); len(ms) != 1 {
		t.Errorf("full-width not folded: %+v", ms)
	}
}

func TestBadDictionary(t *testing.T) {
	_, err := Compile(Text("good.txt", "fine\n"), Text("bad.txt", "ok\n# comment\nterm\tseverity=9\n"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *Error", err, err)
	}
	if e.File != "bad.txt" || e.Line != 3 {
		t.Errorf("error at %s:%d, want bad.txt:3 (%v)", e.File, e.Line, e)
	}
	if e.Status >= 0 || !errors.Is(err, e.Status) || !strings.Contains(err.Error(), "bad.txt:3") {
		t.Errorf("error = %v, status %v", err, e.Status)
	}
	t.Logf("bad dictionary: %v (status %d %q)", err, int(e.Status), e.Status)

	_, err = Compile(Text("x", "@frobnicate 3\nfoo\n"))
	if !errors.As(err, &e) || e.Line != 1 || !errors.Is(err, ErrDictSyntax) {
		t.Errorf("unknown directive: %v", err)
	}
	_, err = Compile(Text("empty", "# nothing\n"))
	if !errors.Is(err, ErrDictEmpty) {
		t.Errorf("empty dictionary: %v", err)
	}
	_, err = Compile(File(filepath.Join(t.TempDir(), "missing.txt")))
	if !errors.Is(err, ErrIO) || !errors.As(err, &e) || !strings.Contains(e.File, "missing.txt") {
		t.Errorf("missing file: %v", err)
	}
	if _, err = Compile(); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("no sources: %v", err)
	}
	if errors.Is(err, ErrIO) {
		t.Errorf("errors.Is matched the wrong status")
	}
}

func TestBytesRoundTrip(t *testing.T) {
	db := compileTest(t)
	b, err := db.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	db2, err := FromBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	path := filepath.Join(t.TempDir(), "x.scdb")
	if err := db.Save(path); err != nil {
		t.Fatal(err)
	}
	db3, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db3.Close()
	text := "ＦＵＣＫ 法 轮 功 路口交通"
	ms, v := scan(t, db, text)
	for _, other := range []*DB{db2, db3} {
		if other.Fingerprint() != db.Fingerprint() {
			t.Errorf("fingerprint changed: %s vs %s", other.Fingerprint(), db.Fingerprint())
		}
		oms, ov := scan(t, other, text)
		if !reflect.DeepEqual(ms, oms) || !reflect.DeepEqual(v, ov) {
			t.Errorf("reloaded db scans differently")
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.scdb")); !errors.Is(err, ErrIO) {
		t.Errorf("Load(missing) = %v", err)
	}
}

func TestCorruptedBytes(t *testing.T) {
	db := compileTest(t)
	b, err := db.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, data []byte) {
		t.Helper()
		d, err := FromBytes(data)
		if err == nil {
			d.Close()
			t.Errorf("%s: loaded", name)
			return
		}
		var e *Error
		if !errors.As(err, &e) || !(errors.Is(err, ErrDBFormat) || errors.Is(err, ErrDBChecksum) ||
			errors.Is(err, ErrDBVersion) || errors.Is(err, ErrDBPlatform)) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	check("nil", nil)
	check("garbage", []byte("definitely not a database"))
	check("truncated", b[:len(b)/2])
	check("header only", b[:16])
	for _, pos := range []int{len(b) / 3, len(b) / 2, len(b) - 1} {
		c := append([]byte(nil), b...)
		c[pos] ^= 0x5a
		check(fmt.Sprintf("flipped byte %d", pos), c)
	}
	path := filepath.Join(t.TempDir(), "bad.scdb")
	os.WriteFile(path, b[:len(b)-7], 0o644)
	if _, err := Load(path); err == nil {
		t.Errorf("Load(truncated file) succeeded")
	}
}

var batchMessages = []string{
	"",
	"hello world",
	"ＦＵＣＫ this 法 轮 功",
	"前面路口交通拥堵",
	"\xff法轮功\xfe",
	"abc\x00shit\x00",
	"法輪功法輪功法輪功",
	strings.Repeat("clean text ", 50) + "f\u200bu\u200bc\u200bk",
	"sex sells; sussex doesn't",
}

func TestBatchEqualsSingle(t *testing.T) {
	db := compileTest(t)
	// Repeat so the batch is bigger than any internal initial capacity.
	var msgs []string
	for i := 0; i < 40; i++ {
		msgs = append(msgs, batchMessages...)
	}
	rs, err := db.ScanBatch(msgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(msgs) {
		t.Fatalf("%d results for %d messages", len(rs), len(msgs))
	}
	for i, m := range msgs {
		ms, v, err := db.Scan(m)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ms, rs[i].Matches) || !reflect.DeepEqual(v, rs[i].Verdict) {
			t.Errorf("message %d %q: batch %+v, single %+v %+v", i, m, rs[i], ms, v)
		}
		if len(ms) > 0 && cap(rs[i].Matches) != len(rs[i].Matches) {
			t.Errorf("message %d: result slice shares capacity with the next", i)
		}
	}
	if rs, err := db.ScanBatch(nil); err != nil || len(rs) != 0 {
		t.Errorf("ScanBatch(nil) = %v, %v", rs, err)
	}
	if rs, err := db.ScanBatch([]string{"", ""}); err != nil || len(rs) != 2 || rs[0].Matches != nil {
		t.Errorf("ScanBatch(empty strings) = %v, %v", rs, err)
	}
}

func TestConcurrent(t *testing.T) {
	db := compileTest(t)
	want := make([]Result, len(batchMessages))
	for i, m := range batchMessages {
		ms, v, err := db.Scan(m)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = Result{ms, v}
	}
	iters := 300
	if testing.Short() {
		iters = 50
	}
	// More goroutines than the pool keeps idle scratches, so scratches are
	// also allocated and freed on the way.
	workers := 8 * runtime.GOMAXPROCS(0)
	if workers < 32 {
		workers = 32
	}
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for it := 0; it < iters; it++ {
				i := (w + it) % len(batchMessages)
				var ms []Match
				var v Verdict
				var err error
				switch it % 3 {
				case 0:
					ms, v, err = db.Scan(batchMessages[i])
				case 1:
					ms, v, err = db.ScanBytes([]byte(batchMessages[i]))
				case 2:
					var rs []Result
					rs, err = db.ScanBatch(batchMessages)
					if err == nil && !reflect.DeepEqual(rs, want) {
						err = fmt.Errorf("worker %d: batch result differs", w)
					}
					ms, v = want[i].Matches, want[i].Verdict
				}
				if err != nil {
					errc <- err
					return
				}
				if !reflect.DeepEqual(ms, want[i].Matches) || !reflect.DeepEqual(v, want[i].Verdict) {
					errc <- fmt.Errorf("worker %d message %d: got %+v %+v", w, i, ms, v)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	h := db.h
	h.mu.Lock()
	if len(h.free) > h.maxIdle || h.active != 0 {
		t.Errorf("pool: %d idle scratches (max %d), %d active", len(h.free), h.maxIdle, h.active)
	}
	h.mu.Unlock()
}

func TestCloseWhileScanning(t *testing.T) {
	db, err := Compile(Text("abuse", abuseDict))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for {
				_, _, err := db.Scan("fuck fuck fuck")
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	close(start)
	runtime.Gosched()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}

func TestUseAfterClose(t *testing.T) {
	db := compileTest(t)
	fp := db.Fingerprint()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, _, err := db.Scan("fuck"); !errors.Is(err, ErrClosed) {
		t.Errorf("Scan: %v", err)
	}
	if _, _, err := db.ScanBytes([]byte("fuck")); !errors.Is(err, ErrClosed) {
		t.Errorf("ScanBytes: %v", err)
	}
	if _, err := db.ScanBatch([]string{"fuck"}); !errors.Is(err, ErrClosed) {
		t.Errorf("ScanBatch: %v", err)
	}
	if _, err := db.ScanBatch(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("ScanBatch(nil): %v", err)
	}
	if _, err := db.Entry(0); !errors.Is(err, ErrClosed) {
		t.Errorf("Entry: %v", err)
	}
	if _, err := db.Fold("x"); !errors.Is(err, ErrClosed) {
		t.Errorf("Fold: %v", err)
	}
	if _, err := db.Bytes(); !errors.Is(err, ErrClosed) {
		t.Errorf("Bytes: %v", err)
	}
	if err := db.Save(filepath.Join(t.TempDir(), "x")); !errors.Is(err, ErrClosed) {
		t.Errorf("Save: %v", err)
	}
	if db.Fingerprint() != fp {
		t.Errorf("Fingerprint changed after Close")
	}
}

func TestEntry(t *testing.T) {
	db := compileTest(t)
	ms, _ := scan(t, db, "路口交通")
	e, err := db.Entry(ms[0].EntryID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Term != "口交" || e.Category != "porn" || e.Severity != 3 || e.Allow || e.Source != "misc" || e.Line != 4 {
		t.Errorf("entry = %+v", e)
	}
	var allow int
	for id := 0; id < db.EntryCount(); id++ {
		e, err := db.Entry(id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Allow {
			allow++
			if e.Term != "路口交通" {
				t.Errorf("allow entry %+v", e)
			}
		}
		if e.Term == "sex" && !e.Word {
			t.Errorf("word flag lost: %+v", e)
		}
	}
	if allow != 1 {
		t.Errorf("%d allow entries", allow)
	}
	for _, id := range []int{-1, db.EntryCount(), 1 << 40} {
		if _, err := db.Entry(id); !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("Entry(%d): %v", id, err)
		}
	}
}

func TestInfo(t *testing.T) {
	db := compileTest(t)
	info, err := db.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Entries != db.EntryCount() || info.Fingerprint != db.Fingerprint() || info.Fold != db.FoldFlags() ||
		info.Categories != len(db.Categories()) || info.Literals == 0 || info.HyperscanVersion == "" ||
		info.ICUVersion == "" || info.SerializedSize == 0 || info.LibraryVersion == 0 {
		t.Errorf("info = %+v", info)
	}
	// the fold table is stored packed (format 8) and unpacked at load
	if info.FoldTableSize <= 0 || info.FoldTableSize >= info.FoldTableUnpackedSize {
		t.Errorf("fold table %d stored, %d unpacked", info.FoldTableSize, info.FoldTableUnpackedSize)
	}
	b, _ := db.Bytes()
	if len(b) != info.SerializedSize {
		t.Errorf("SerializedSize %d, Bytes() %d", info.SerializedSize, len(b))
	}
	db.Close()
	if _, err := db.Info(); !errors.Is(err, ErrClosed) {
		t.Errorf("Info after Close: %v", err)
	}
}

func TestManyMatches(t *testing.T) {
	db := compileTest(t)
	text := strings.Repeat("fuck ", 20000)
	ms, v := scan(t, db, text)
	if len(ms) != 20000 || v.Truncated {
		t.Errorf("%d matches, truncated %v", len(ms), v.Truncated)
	}
	for i, m := range ms {
		if m.Start != 5*i || m.Text != "fuck" {
			t.Fatalf("match %d = %+v", i, m)
		}
	}
}

func TestStrings(t *testing.T) {
	if ErrDictSyntax.String() != "dictionary syntax error" || Status(-999).String() != "unknown status" {
		t.Errorf("status names: %q %q", ErrDictSyntax, Status(-999))
	}
	if Block.String() != "block" || Pass.String() != "pass" || Action(9).String() != "unknown" {
		t.Errorf("action names")
	}
	if Version() == "" {
		t.Errorf("empty version")
	}
}

// A DB that is never closed is freed by its cleanup (backstop only).
func TestCleanupBackstop(t *testing.T) {
	before := liveDBs.Load()
	for i := 0; i < 3; i++ {
		db, err := Compile(Text("abuse", abuseDict))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Scan("fuck"); err != nil {
			t.Fatal(err)
		}
	}
	if liveDBs.Load() != before+3 {
		t.Fatalf("live databases: %d, want %d", liveDBs.Load(), before+3)
	}
	deadline := time.Now().Add(5 * time.Second)
	for liveDBs.Load() > before && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := liveDBs.Load(); n > before {
		t.Errorf("%d unreachable databases not freed by their cleanup", n-before)
	}
}

func TestMask(t *testing.T) {
	db := compileTest(t)
	cases := []struct{ in, want string }{
		{"", ""},
		{"hello world", "hello world"},
		{"well fuck that", "well **** that"},
		{"ＦＵＣＫ!", "****!"},
		{"他们说法 轮 功很好", "他们说*****很好"},
		{"前面路口交通拥堵", "前面路口交通拥堵"}, // suppressed by the allow list
		{"a\x00fuck\xff", "a\x00****\xff"},
	}
	for _, c := range cases {
		got, err := db.Mask(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	got, err := db.MaskWith("fuck 法轮功", MaskOptions{Char: '█', All: true})
	if err != nil || got != "████ ███" {
		t.Errorf("MaskWith = %q, %v", got, err)
	}
	if _, err := db.MaskWith("x", MaskOptions{Char: 0xD800}); !errors.Is(err, ErrInvalidArgument) {
		t.Errorf("surrogate mask char: %v", err)
	}
	db.Close()
	if _, err := db.Mask("fuck"); !errors.Is(err, ErrClosed) {
		t.Errorf("Mask after Close: %v", err)
	}
}

func TestEntryReason(t *testing.T) {
	db, err := Compile(Text("abuse", "@forms english\nfuck\tseverity=3\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, _ := scan(t, db, "you fucks")
	if len(ms) != 1 {
		t.Fatalf("matches = %+v", ms)
	}
	e, err := db.Entry(ms[0].EntryID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Term != "fucks" || e.Severity != 3 || e.Line != 2 || e.Reason != "inflection of fuck" {
		t.Errorf("entry = %+v", e)
	}
	ms, _ = scan(t, db, "fuck")
	if e, _ := db.Entry(ms[0].EntryID); e.Reason != "" {
		t.Errorf("written entry has a reason: %+v", e)
	}
}
