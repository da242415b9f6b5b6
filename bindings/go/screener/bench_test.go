package screener

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// ~100-byte chat messages: one clean, one with a disguised hit (法 輪 功;
// ＦＵＣＫing is no longer a match since Latin terms need word boundaries).
var (
	benchClean = "今天天气不错，我们下午三点在公司楼下见面吧 see you at the coffee shop later ok"
	benchHit   = "今天天气不错，他们说法 輪 功的事情 see you at the ＦＵＣＫing coffee shop ok!"
)

// benchDBOnce compiles the benchmark database once per process: the test
// dictionaries plus 2,000 generated terms.
var benchDBOnce = sync.OnceValues(func() (*DB, error) {
	var sb strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "zq%04dx\n", i)
	}
	return Compile(Text("abuse.txt", abuseDict), Text("misc", miscDict), Text("gen", sb.String()))
})

func benchDB(b *testing.B) *DB {
	b.Helper()
	db, err := benchDBOnce()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	return db
}

// benchChunk: the Go and C loops alternate in chunks of this many scans, so
// that both see the same machine load (the benchmark machine is shared).
const benchChunk = 2000

// BenchmarkScan reports the Go API's cost per message (ns/op) next to the
// C library's own cost measured in the same run by a loop in C (c-ns/msg),
// and their difference (go-overhead-ns/msg).
func BenchmarkScan(b *testing.B) {
	db := benchDB(b)
	for _, bc := range []struct {
		name, msg string
		bytes     bool
	}{{"clean", benchClean, false}, {"hit", benchHit, false}, {"hit-bytes", benchHit, true}} {
		b.Run(bc.name, func(b *testing.B) {
			msgBytes := []byte(bc.msg)
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.msg)))
			var cNs int64
			for done := 0; done < b.N; {
				n := min(benchChunk, b.N-done)
				for i := 0; i < n; i++ {
					var err error
					if bc.bytes {
						_, _, err = db.ScanBytes(msgBytes)
					} else {
						_, _, err = db.Scan(bc.msg)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				done += n
				b.StopTimer()
				ns, err := db.cScanLoop(bc.msg, n)
				if err != nil {
					b.Fatal(err)
				}
				cNs += ns
				b.StartTimer()
			}
			goNs := b.Elapsed().Nanoseconds()
			b.ReportMetric(float64(cNs)/float64(b.N), "c-ns/msg")
			b.ReportMetric(float64(goNs-cNs)/float64(b.N), "go-overhead-ns/msg")
		})
	}
}

// BenchmarkScanBatch scans batches of 100 messages; ns/msg is the Go cost
// per message, c-ns/msg the C batch API's cost in the same run.
func BenchmarkScanBatch(b *testing.B) {
	db := benchDB(b)
	const batch = 100
	for _, bc := range []struct{ name, msg string }{{"clean", benchClean}, {"hit", benchHit}} {
		b.Run(bc.name, func(b *testing.B) {
			msgs := make([]string, batch)
			for i := range msgs {
				msgs[i] = bc.msg
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.msg) * batch))
			var cNs int64
			for done := 0; done < b.N; {
				n := min(benchChunk/batch, b.N-done)
				for i := 0; i < n; i++ {
					if _, err := db.ScanBatch(msgs); err != nil {
						b.Fatal(err)
					}
				}
				done += n
				b.StopTimer()
				ns, err := db.cScanBatchLoop(msgs, n)
				if err != nil {
					b.Fatal(err)
				}
				cNs += ns
				b.StartTimer()
			}
			goNs := b.Elapsed().Nanoseconds()
			n := float64(b.N * batch)
			b.ReportMetric(float64(goNs)/n, "ns/msg")
			b.ReportMetric(float64(cNs)/n, "c-ns/msg")
			b.ReportMetric(float64(goNs-cNs)/n, "go-overhead-ns/msg")
		})
	}
}

// BenchmarkScanParallel measures the scratch pool under contention.
func BenchmarkScanParallel(b *testing.B) {
	db := benchDB(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := db.Scan(benchHit); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHandleScan: Scan through a hot-reload Handle (pin, scan, copy
// the result's strings, unpin — one cgo call).
func BenchmarkHandleScan(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "zq%04dx\n", i)
	}
	db, err := Compile(Text("abuse.txt", abuseDict), Text("misc", miscDict), Text("gen", sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	hh, err := NewHandle(db)
	if err != nil {
		b.Fatal(err)
	}
	defer hh.Close()
	for _, bc := range []struct{ name, msg string }{{"clean", benchClean}, {"hit", benchHit}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := hh.Scan(bc.msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkScanProfile: Scan of the hit message with no profile, through one
// profile view (the pooled scratch keeps its profile: no extra C call), and
// alternating between two views (every call sets the scratch's profile).
func BenchmarkScanProfile(b *testing.B) {
	db := benchDB(b)
	v1, err := db.WithProfile(Profile{Rules: []Rule{{Category: "abuse", Action: Review}}})
	if err != nil {
		b.Fatal(err)
	}
	v2, _ := db.WithProfile(Profile{MinSeverity: 2, Rules: []Rule{{Category: "porn", Action: Drop}}})
	for _, bc := range []struct {
		name  string
		views []*DB
	}{{"none", []*DB{db}}, {"one-view", []*DB{v1}}, {"alternating", []*DB{v1, v2}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := bc.views[i%len(bc.views)].Scan(benchHit); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStream: the hit message written through a Stream in one write
// per message (open, write, close) against one Scan.
func BenchmarkStream(b *testing.B) {
	db := benchDB(b)
	want, _, err := db.Scan(benchHit)
	if err != nil || len(want) == 0 {
		b.Fatal("scan", err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchHit)))
	for i := 0; i < b.N; i++ {
		s, err := db.NewStream()
		if err != nil {
			b.Fatal(err)
		}
		s.WriteString(benchHit)
		if err := s.Close(); err != nil || len(s.Take()) != len(want) {
			b.Fatal("stream", err)
		}
	}
}
