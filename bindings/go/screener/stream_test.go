package screener

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

// streamDict has terms with separators, folds, allow-list entries, nested
// terms and a Latin word term, so chunk edges fall inside every kind of match.
const streamDict = "法轮功\n口交\n路口交通\tallow\nass\nsex\tseverity=4\nsexy\nfuck\n" +
	"我的\tseverity=1\n我的世界\tcategory=game\nonline casino\nshit\n嘻嘻哈哈\nAV女优\n"

var streamPieces = []string{
	"法 輪 功", "法轮功", "ＦＵＣＫ", "f.u.c.k", "fuuuck", "路口交通", "口交", "class",
	"has sex", "s e x", "sexy", "我的世界", "我的", "\xFF", "\xE4\xB8", "\u200b", "😀",
	" ", "  ", "!", "的", "人", "a", "as", "online casino", "o n l i n e casino",
	"嘻嘻哈哈", "ＡＶ女優", "A V 女 优", "it's hit", "s h i t", "\xED\xA0\x80", "ß", "x",
}

func streamDB(t testing.TB) *DB {
	t.Helper()
	db, err := Compile(Text("t.txt", streamDict))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func streamText(r *rand.Rand, n int) string {
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(streamPieces[r.IntN(len(streamPieces))])
	}
	return b.String()
}

// comparable strips what a stream cannot give (Text) or gives per write
// (Selected) and sorts like Scan.
func comparable(ms []Match) []Match {
	out := make([]Match, len(ms))
	for i, m := range ms {
		m.Text, m.Selected = "", false
		out[i] = m
	}
	sortMatches(out)
	return out
}

// streamChunks writes text through a new stream in chunks of 1..maxChunk
// bytes (so chunks also end inside UTF-8 sequences) and returns what it found.
func streamChunks(t *testing.T, db *DB, r *rand.Rand, text string, maxChunk int) ([]Match, Verdict) {
	t.Helper()
	s, err := db.NewStream()
	if err != nil {
		t.Fatal(err)
	}
	var all []Match
	for i := 0; i < len(text); {
		c := min(1+r.IntN(maxChunk), len(text)-i)
		var n int
		if c%2 == 0 {
			n, err = s.Write([]byte(text[i : i+c]))
		} else {
			n, err = s.WriteString(text[i : i+c])
		}
		if err != nil || n != c {
			t.Fatalf("Write(%d bytes) = %d, %v", c, n, err)
		}
		all = append(all, s.Take()...)
		i += c
	}
	if got := s.Written(); got != int64(len(text)) {
		t.Errorf("Written = %d, want %d", got, len(text))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	all = append(all, s.Take()...)
	return all, s.Verdict()
}

func TestStreamChunkedEqualsWhole(t *testing.T) {
	db := streamDB(t)
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 40 {
		text := streamText(r, 200+r.IntN(3000))
		whole, wv, err := db.Scan(text)
		if err != nil {
			t.Fatal(err)
		}
		if len(whole) == 0 {
			t.Fatalf("round %d: the text has no match: the test would prove nothing", round)
		}
		want := comparable(whole)
		for _, maxChunk := range []int{1, 3, 7, 64, 4096, len(text)} {
			got, gv := streamChunks(t, db, r, text, maxChunk)
			if !reflect.DeepEqual(comparable(got), want) {
				t.Fatalf("round %d, chunks of 1..%d: stream found\n%+v\nwhole scan found\n%+v", round, maxChunk, comparable(got), want)
			}
			if !reflect.DeepEqual(gv, wv) {
				t.Fatalf("round %d, chunks of 1..%d: stream verdict %+v, whole %+v", round, maxChunk, gv, wv)
			}
		}
	}
}

func TestStreamSpansAreGlobalOffsets(t *testing.T) {
	db := streamDB(t)
	s, err := db.NewStream()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	text := "一二三法 輪" + " 功 and ＦＵ" + "ＣＫ"
	for _, chunk := range []string{"一二三法 輪", " 功 and ＦＵ", "ＣＫ"} {
		if _, err := io.WriteString(s, chunk); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ms := s.Take()
	sortMatches(ms)
	if len(ms) != 2 {
		t.Fatalf("matches = %+v", ms)
	}
	for i, want := range []string{"法 輪 功", "ＦＵＣＫ"} {
		if got := text[ms[i].Start:ms[i].End]; got != want || ms[i].Text != "" {
			t.Errorf("match %d spans %q (Text %q), want %q", i, got, ms[i].Text, want)
		}
	}
	if s.Take() != nil {
		t.Error("Take did not empty the queue")
	}
}

func TestScanReader(t *testing.T) {
	db := streamDB(t)
	text := streamText(rand.New(rand.NewPCG(3, 4)), 300_000) // several 64 KiB reads
	whole, wv, err := db.Scan(text)
	if err != nil {
		t.Fatal(err)
	}
	readers := map[string]io.Reader{
		"strings.Reader": strings.NewReader(text),
		"OneByteReader":  iotest.OneByteReader(strings.NewReader(text[:5000])),
		"HalfReader":     iotest.HalfReader(strings.NewReader(text)),
	}
	for name, rd := range readers {
		ms, v, err := db.ScanReader(context.Background(), rd)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, vw := whole, wv
		if name == "OneByteReader" {
			if want, vw, err = db.Scan(text[:5000]); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(comparable(ms), comparable(want)) || !reflect.DeepEqual(v, vw) {
			t.Errorf("%s: ScanReader differs from Scan: %d matches %+v, want %d %+v", name, len(ms), v, len(want), vw)
		}
	}
	// io.Copy into a Stream (strings.Reader.WriteTo calls WriteString).
	s, _ := db.NewStream()
	if n, err := io.Copy(s, strings.NewReader(text)); err != nil || n != int64(len(text)) {
		t.Fatalf("io.Copy = %d, %v", n, err)
	}
	s.Close()
	if got := s.Take(); !reflect.DeepEqual(comparable(got), comparable(whole)) {
		t.Errorf("io.Copy into a Stream: %d matches, want %d", len(got), len(whole))
	}

	// Errors: the reader's, and a cancelled context.
	boom := errors.New("boom")
	if _, _, err := db.ScanReader(context.Background(), iotest.ErrReader(boom)); err != boom {
		t.Errorf("ScanReader(failing reader) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := db.ScanReader(ctx, strings.NewReader(text)); !errors.Is(err, context.Canceled) {
		t.Errorf("ScanReader(cancelled) = %v", err)
	}
}

func TestStreamClosed(t *testing.T) {
	db := streamDB(t)
	s, err := db.NewStream()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteString("法 轮"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if n, err := s.WriteString("功"); n != 0 || !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close = %d, %v", n, err)
	}

	// The DB closed under an open stream: ErrClosed, never a crash, and
	// Close still frees the stream.
	db2 := streamDB(t)
	s2, _ := db2.NewStream()
	s2.WriteString("法 轮")
	db2.Close()
	if _, err := s2.WriteString("功"); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after DB.Close = %v", err)
	}
	if err := s2.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("Close after DB.Close = %v", err)
	}
	if _, err := db2.NewStream(); !errors.Is(err, ErrClosed) {
		t.Errorf("NewStream on a closed DB = %v", err)
	}
}

// Streams of many goroutines share one DB (and its scratch pool); run with
// -race.
func TestStreamsConcurrent(t *testing.T) {
	db := streamDB(t)
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 9))
			text := streamText(r, 2000)
			whole, _, err := db.Scan(text)
			if err != nil {
				errc <- err
				return
			}
			s, err := db.NewStream()
			if err != nil {
				errc <- err
				return
			}
			for i := 0; i < len(text); {
				c := min(1+r.IntN(50), len(text)-i)
				if _, err := s.WriteString(text[i : i+c]); err != nil {
					errc <- err
					return
				}
				i += c
			}
			if err := s.Close(); err != nil {
				errc <- err
				return
			}
			if got := s.Take(); !reflect.DeepEqual(comparable(got), comparable(whole)) {
				errc <- errors.New("concurrent stream differs from Scan")
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}
