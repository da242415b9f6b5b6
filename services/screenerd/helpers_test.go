package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"
	"github.com/screener-dev/screener/bindings/go/screener"
)

// Integration tests: every test starts its own redis-server (Debian's, as
// installed by scripts/install-deps) on a free loopback port; no mocks.

var binPath string // screenerd built once by TestMain, for subprocess tests

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "screenerd-test")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "screenerd")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building screenerd: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func needRedis(t *testing.T) {
	t.Helper()
	for _, b := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("%s not installed (scripts/install-deps installs redis-server and redis-tools)", b)
		}
	}
}

// startRedis starts a redis-server on a free loopback port and returns its
// address; it is killed when the test ends.
func startRedis(t *testing.T, extra ...string) string {
	t.Helper()
	needRedis(t)
	r, err := StartLocalRedis(t.TempDir(), extra...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r.Addr
}

// testDict: category abuse (block, mask, review by severity) and ads.
const testDict = "@category abuse\n@severity 3\nbadword\n@severity 2\nmaskword\n@severity 1\nreviewword\n" +
	"@category ads\n@severity 3\nspamlink\n"

// writeDB compiles dictionary text into a database file.
func writeDB(t *testing.T, path, dict string) string {
	t.Helper()
	db, err := screener.Compile(screener.Text("test", dict))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Save(path); err != nil {
		t.Fatal(err)
	}
	return db.Fingerprint()
}

func writePolicy(t *testing.T, js string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(p, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func testConfig(addr, dbPath, policy, node string) *Config {
	return &Config{Redis: addr, DB: dbPath, Policy: policy, Prefix: "screener", In: "screener:in",
		Out: "screener:verdicts", Review: "screener:review", Group: "screener", Consumer: node, Shards: 1,
		Batch: 64, Block: 200 * time.Millisecond, ClaimIdle: time.Second, ClaimEvery: 200 * time.Millisecond, MaxDeliveries: 10,
		Watch: 100 * time.Millisecond, ReloadChannel: "screener:reload", LogFormat: "text", LogLevel: "warn"}
}

// testLogger writes to the test log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tlogWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tlogWriter struct{ t *testing.T }

func (w tlogWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// startService starts an in-process service (and a worker if worker).
func startService(t *testing.T, cfg *Config, worker bool) *Service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := NewService(ctx, cfg, testLogger(t))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	s.StartReloads(ctx)
	var wg sync.WaitGroup
	var w *Worker
	if worker {
		w = &Worker{s: s}
		wg.Add(1)
		go func() { defer wg.Done(); w.Run(context.Background()) }()
	}
	t.Cleanup(func() {
		if w != nil {
			w.Stop()
		}
		wg.Wait()
		cancel()
		s.Close()
	})
	return s
}

func client(addr string) *redis.Client { return redis.NewClient(&redis.Options{Addr: addr}) }

// send XADDs one message to its user's shard (keys of k).
func send(t *testing.T, rdb redis.UniversalClient, k Keys, id, user, group, text string) string {
	t.Helper()
	xid, err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: k.InStream(k.ShardOf(user)),
		Values: []any{"id", id, "user", user, "group", group, "text", text}}).Result()
	if err != nil {
		t.Fatal(err)
	}
	return xid
}

// verdicts reads every verdict entry of every shard, by message id.
func verdicts(t *testing.T, rdb redis.UniversalClient, k Keys) map[string][]map[string]string {
	t.Helper()
	out := map[string][]map[string]string{}
	for shard := range k.Shards {
		xs, err := rdb.XRange(context.Background(), k.OutStream(shard), "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range xs {
			m := map[string]string{"_entry": x.ID}
			for k, v := range x.Values {
				m[k], _ = v.(string)
			}
			out[m["id"]] = append(out[m["id"]], m)
		}
	}
	return out
}

// waitVerdicts waits until every id has a verdict (at most 30 s).
func waitVerdicts(t *testing.T, rdb redis.UniversalClient, k Keys, ids ...string) map[string][]map[string]string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		vs := verdicts(t, rdb, k)
		missing := 0
		for _, id := range ids {
			if len(vs[id]) == 0 {
				missing++
			}
		}
		if missing == 0 {
			return vs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages have no verdict after 30 s", missing, len(ids))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verdict waits for the one verdict of id and returns it.
func verdict(t *testing.T, rdb redis.UniversalClient, k Keys, id string) map[string]string {
	t.Helper()
	vs := waitVerdicts(t, rdb, k, id)[id]
	if len(vs) != 1 {
		t.Fatalf("message %s has %d verdicts: %v", id, len(vs), vs)
	}
	return vs[0]
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// proc is a screenerd subprocess.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	log  strings.Builder
}

func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(binPath, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		io.Copy(io.Discard, stderr)
		p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		if t.Failed() {
			t.Logf("screenerd %v log:\n%s", args, p.logText())
		}
	})
	return p
}

func (p *proc) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// waitLog waits until the process log contains s.
func (p *proc) waitLog(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(p.logText(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log after 30 s:\n%s", s, p.logText())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func newXAdd(stream string, kv ...any) *redis.XAddArgs {
	return &redis.XAddArgs{Stream: stream, Values: kv}
}

// waitPendingZero waits until the group has no pending entries.
func waitPendingZero(t *testing.T, rdb redis.UniversalClient, stream, group string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p, err := rdb.XPending(context.Background(), stream, group).Result()
		if err != nil {
			t.Fatal(err)
		}
		if p.Count == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d entries still pending: %v", stream, p.Count, p.Consumers)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkStrikes compares the stored strikes of every user with a recount
// from the verdicts: one per message blocked for its content.
func checkStrikes(t *testing.T, rdb redis.UniversalClient, k Keys, vs map[string][]map[string]string) {
	t.Helper()
	want := map[string]int64{}
	for _, list := range vs {
		for _, v := range list {
			if v["action"] == "block" && strings.HasPrefix(v["reason"], "strike") {
				want[v["user"]]++
			} else if _, ok := want[v["user"]]; !ok {
				want[v["user"]] = 0
			}
		}
	}
	total := int64(0)
	for user, n := range want {
		got := rdb.ZCard(context.Background(), k.Strikes(k.ShardOf(user), user)).Val()
		if got != n {
			t.Errorf("%s: %d strikes stored, %d in the verdicts", user, got, n)
		}
		total += n
	}
	if total == 0 {
		t.Error("no strikes at all: the check checked nothing")
	}
}

// sendMix sends n messages with ids PREFIX000.., from users user0..user(users-1)
// in turn; every strikeEvery-th one contains badword. It returns the ids.
func sendMix(t *testing.T, rdb redis.UniversalClient, k Keys, prefix string, n, users, strikeEvery int) []string {
	t.Helper()
	var ids []string
	for i := range n {
		id := fmt.Sprintf("%s%03d", prefix, i)
		text := "hello"
		if i%strikeEvery == 0 {
			text = "badword"
		}
		send(t, rdb, k, id, fmt.Sprintf("user%d", i%users), "g", text)
		ids = append(ids, id)
	}
	return ids
}

// singleRedis starts a redis-server and writes the test database: the
// address, database path, a client (closed at the end) and the keys.
func singleRedis(t *testing.T) (string, string, *redis.Client, Keys) {
	t.Helper()
	addr := startRedis(t)
	db := filepath.Join(t.TempDir(), "t.scdb")
	writeDB(t, db, testDict)
	rdb := client(addr)
	t.Cleanup(func() { rdb.Close() })
	return addr, db, rdb, testConfig(addr, db, "", "").Keys()
}
