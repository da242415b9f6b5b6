package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/screener-dev/screener/bindings/go/screener"
)

// The load test (scripts/loadtest-service): starts its own Redis (one
// server or a 3-master cluster) and N worker processes, sends M real
// messages, kills one worker with SIGKILL half-way and starts a
// replacement, then checks that every message has exactly one verdict,
// that each verdict's scan result equals an offline rescan, and that the
// stored strikes equal a recount from the verdicts.

type loadConfig struct {
	workers, messages, shards, users, groups int
	cluster, kill                            bool
	corpus, db, policy, logs                 string
	timeout                                  time.Duration
}

func runLoadtest(args []string) error {
	var lc loadConfig
	fs := flag.NewFlagSet("screenerd loadtest", flag.ContinueOnError)
	fs.IntVar(&lc.workers, "workers", 2, "worker processes")
	fs.IntVar(&lc.messages, "messages", 20000, "messages to send")
	fs.IntVar(&lc.shards, "shards", 4, "shards (input streams)")
	fs.IntVar(&lc.users, "users", 1000, "distinct users")
	fs.IntVar(&lc.groups, "groups", 100, "distinct groups")
	fs.BoolVar(&lc.cluster, "cluster", false, "run on a 3-master Redis Cluster instead of one server")
	fs.BoolVar(&lc.kill, "kill", true, "SIGKILL one worker half-way and start a replacement")
	fs.StringVar(&lc.corpus, "corpus", "", "directory with chat_zh_lccc.txt, weibo_zh_swsr.txt, tweets_en_davidson.txt (generated messages if empty or missing)")
	fs.StringVar(&lc.db, "db", "", "database file (required)")
	fs.StringVar(&lc.policy, "policy", "", "policy file for the workers")
	fs.StringVar(&lc.logs, "logs", "", "directory for the worker logs (default: a temporary one)")
	fs.DurationVar(&lc.timeout, "timeout", 5*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if lc.db == "" || lc.workers < 1 || lc.messages < 1 || lc.shards < 1 || lc.users < 1 || lc.groups < 1 {
		return errors.New("loadtest: --db is required; counts must be positive")
	}
	return loadtest(lc)
}

// loadMessages reads up to n corpus lines, taking the files in turn, or
// generates messages (some containing dictionary terms) without a corpus.
func loadMessages(dir string, n int, db *screener.DB) ([]string, string, error) {
	var files [][]string
	var names []string
	for _, f := range []string{"chat_zh_lccc.txt", "weibo_zh_swsr.txt", "tweets_en_davidson.txt"} {
		if dir == "" {
			break
		}
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			continue
		}
		var lines []string
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				lines = append(lines, l)
			}
		}
		fh.Close()
		if len(lines) > 0 {
			files = append(files, lines)
			names = append(names, f)
		}
	}
	msgs := make([]string, 0, n)
	if len(files) > 0 {
		for i := 0; len(msgs) < n; i++ {
			f := files[i%len(files)]
			msgs = append(msgs, f[(i/len(files))%len(f)])
		}
		return msgs, "corpus " + strings.Join(names, ", "), nil
	}
	// Generated: filler words, and a dictionary term in one message of 10.
	words := strings.Fields("the a we you meeting tomorrow lunch ok thanks see photo link group today 今天 我们 开会 谢谢 好的 明天 图片 群里")
	rng := rand.New(rand.NewPCG(1, 2))
	for len(msgs) < n {
		var b strings.Builder
		for j := 0; j < 3+rng.IntN(12); j++ {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		if rng.IntN(10) == 0 && db.EntryCount() > 0 {
			if e, err := db.Entry(rng.IntN(db.EntryCount())); err == nil && !e.Allow {
				b.WriteString(e.Term)
			}
		}
		msgs = append(msgs, b.String())
	}
	return msgs, "generated", nil
}

type loadRun struct {
	lc      loadConfig
	rdb     redis.UniversalClient
	keys    Keys
	seeds   string
	workers map[string]*exec.Cmd
	logDir  string
}

func (r *loadRun) startWorker(name string) error {
	bin, err := os.Executable()
	if err != nil {
		return err
	}
	args := []string{"worker", "--redis", r.seeds, "--db", r.lc.db, "--shards", fmt.Sprint(r.lc.shards),
		"--consumer", name, "--claim-idle", "2s", "--claim-every", "500ms", "--block", "200ms",
		"--log-level", "warn", "--watch", "0"}
	if r.lc.cluster {
		args = append(args, "--cluster")
	}
	if r.lc.policy != "" {
		args = append(args, "--policy", r.lc.policy)
	}
	cmd := exec.Command(bin, args...)
	logf, err := os.Create(filepath.Join(r.logDir, name+".log"))
	if err != nil {
		return err
	}
	cmd.Stderr, cmd.Stdout = logf, logf
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { cmd.Wait(); logf.Close() }()
	r.workers[name] = cmd
	return nil
}

// verdictCount is the number of verdict entries over all shards.
func (r *loadRun) verdictCount(ctx context.Context) int64 {
	var n int64
	for s := range r.lc.shards {
		n += r.rdb.XLen(ctx, r.keys.OutStream(s)).Val()
	}
	return n
}

func (r *loadRun) pending(ctx context.Context) int64 {
	var n int64
	for s := range r.lc.shards {
		if p, err := r.rdb.XPending(ctx, r.keys.InStream(s), "screener").Result(); err == nil {
			n += p.Count
		}
	}
	return n
}

func loadtest(lc loadConfig) error {
	ctx := context.Background()
	db, err := screener.Load(lc.db)
	if err != nil {
		return err
	}
	defer db.Close()
	msgs, source, err := loadMessages(lc.corpus, lc.messages, db)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "screenerd-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	r := &loadRun{lc: lc, workers: map[string]*exec.Cmd{}, logDir: lc.logs}
	if r.logDir == "" {
		r.logDir = tmp
	}
	cfg := &Config{Prefix: "screener", In: "screener:in", Out: "screener:verdicts", Review: "screener:review", Shards: lc.shards}
	r.keys = cfg.Keys()
	var servers []*LocalRedis
	if lc.cluster {
		servers, err = StartLocalCluster(tmp, 3)
	} else {
		var one *LocalRedis
		if one, err = StartLocalRedis(tmp); err == nil {
			servers = []*LocalRedis{one}
		}
	}
	if err != nil {
		return err
	}
	defer func() {
		for _, s := range servers {
			s.Stop()
		}
	}()
	var addrs []string
	for _, s := range servers {
		addrs = append(addrs, s.Addr)
	}
	r.seeds = strings.Join(addrs, ",")
	cfg.Redis, cfg.Cluster = r.seeds, lc.cluster
	r.rdb = cfg.client()
	defer r.rdb.Close()
	defer func() {
		for _, c := range r.workers {
			c.Process.Signal(syscall.SIGTERM)
		}
		time.Sleep(300 * time.Millisecond)
	}()

	for i := range lc.workers {
		if err := r.startWorker(fmt.Sprintf("w%d", i)); err != nil {
			return err
		}
	}
	for start := time.Now(); r.rdb.HLen(ctx, r.keys.Nodes).Val() < int64(lc.workers); {
		if time.Since(start) > time.Minute {
			return fmt.Errorf("workers did not start; logs in %s", r.logDir)
		}
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("load test: %d messages (%s), %d workers, %d shards, %s\n", lc.messages, source, lc.workers,
		lc.shards, map[bool]string{false: "single Redis", true: "3-master Redis Cluster"}[lc.cluster])

	// Produce in pipelines of 200 while the workers consume.
	users := make([]string, len(msgs))
	sendErr := make(chan error, 1)
	go func() {
		for lo := 0; lo < len(msgs); lo += 200 {
			_, err := r.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
				for i := lo; i < min(lo+200, len(msgs)); i++ {
					u := fmt.Sprintf("u%d", (i*7919)%lc.users)
					users[i] = u
					p.XAdd(ctx, &redis.XAddArgs{Stream: r.keys.InStream(r.keys.ShardOf(u)), Values: []any{
						"id", fmt.Sprintf("m%07d", i), "user", u, "group", fmt.Sprintf("g%d", i%lc.groups), "text", msgs[i]}})
				}
				return nil
			})
			if err != nil {
				sendErr <- err
				return
			}
		}
		sendErr <- nil
	}()

	killed := ""
	deadline := time.Now().Add(lc.timeout)
	for {
		n := r.verdictCount(ctx)
		if lc.kill && killed == "" && n >= int64(lc.messages/2) {
			killed = "w0"
			r.workers[killed].Process.Signal(syscall.SIGKILL)
			fmt.Printf("killed worker %s (SIGKILL) after %d verdicts; starting w0-replacement\n", killed, n)
			if err := r.startWorker("w0-replacement"); err != nil {
				return err
			}
		}
		if n >= int64(lc.messages) && r.pending(ctx) == 0 {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out: %d of %d verdicts, %d pending; worker logs in %s", n, lc.messages,
				r.pending(ctx), r.logDir)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := <-sendErr; err != nil {
		return err
	}
	cerr := r.check(ctx, db, msgs, users, killed)
	r.reportCPU(ctx, servers)
	return cerr
}

// reportCPU stops the workers (SIGTERM) and prints the CPU time they and
// the Redis servers used, and Redis's own cost of the verdict script: the
// split shows where the bottleneck is.
func (r *loadRun) reportCPU(ctx context.Context, servers []*LocalRedis) {
	var wcpu time.Duration
	for name, c := range r.workers {
		c.Process.Signal(syscall.SIGTERM)
		for i := 0; i < 100 && c.ProcessState == nil; i++ {
			time.Sleep(50 * time.Millisecond)
		}
		if c.ProcessState != nil {
			wcpu += c.ProcessState.UserTime() + c.ProcessState.SystemTime()
		}
		delete(r.workers, name)
	}
	var rcpu, calls, usec float64
	for _, s := range servers {
		c := redis.NewClient(&redis.Options{Addr: s.Addr})
		for _, line := range strings.Split(c.Info(ctx, "cpu", "commandstats").Val(), "\n") {
			line = strings.TrimSpace(line)
			var v float64
			if _, err := fmt.Sscanf(line, "used_cpu_sys:%g", &v); err == nil {
				rcpu += v
			} else if _, err := fmt.Sscanf(line, "used_cpu_user:%g", &v); err == nil {
				rcpu += v
			} else if rest, ok := strings.CutPrefix(line, "cmdstat_evalsha:"); ok {
				var n, u float64
				for _, kv := range strings.Split(rest, ",") {
					k, val, _ := strings.Cut(kv, "=")
					switch k {
					case "calls":
						fmt.Sscanf(val, "%g", &n)
					case "usec":
						fmt.Sscanf(val, "%g", &u)
					}
				}
				calls += n
				usec += u
			}
		}
		c.Close()
	}
	fmt.Printf("cpu: workers %.2f s (killed worker not counted), redis %.2f s (verdict script: %.0f calls, %.1f µs per message)\n",
		wcpu.Seconds(), rcpu, calls, usec/float64(r.lc.messages))
}

// check reads every verdict and verifies and reports the run.
func (r *loadRun) check(ctx context.Context, db *screener.DB, msgs, users []string, killed string) error {
	type rec struct{ action, user, worker, reason, verdict string }
	got := map[string][]rec{}
	var lat []int64
	var first, last int64 = 1 << 62, 0
	for s := range r.lc.shards {
		start := "-"
		for {
			xs, err := r.rdb.XRangeN(ctx, r.keys.OutStream(s), start, "+", 5000).Result()
			if err != nil {
				return err
			}
			for _, x := range xs {
				v := func(k string) string { s, _ := x.Values[k].(string); return s }
				got[v("id")] = append(got[v("id")], rec{v("action"), v("user"), v("worker"), v("reason"), v("verdict")})
				in, ok1 := entryMillis(v("entry"))
				out, ok2 := entryMillis(x.ID)
				if ok1 && ok2 {
					lat = append(lat, out-in)
					first, last = min(first, in), max(last, out)
				}
			}
			if len(xs) < 5000 {
				break
			}
			start = "(" + xs[len(xs)-1].ID
		}
	}
	var problems []string
	missing, doubled := 0, 0
	for i := range msgs {
		switch n := len(got[fmt.Sprintf("m%07d", i)]); {
		case n == 0:
			missing++
		case n > 1:
			doubled++
		}
	}
	if missing+doubled > 0 || len(got) != len(msgs) {
		problems = append(problems, fmt.Sprintf("%d messages without a verdict, %d with more than one, %d ids in the verdicts",
			missing, doubled, len(got)))
	}
	// Offline rescan: every verdict's scan result equals the library's.
	res, err := db.ScanBatch(msgs)
	if err != nil {
		return err
	}
	mismatch := 0
	for i, rr := range res {
		recs := got[fmt.Sprintf("m%07d", i)]
		if len(recs) == 0 {
			continue
		}
		var v verdictJSON
		if json.Unmarshal([]byte(recs[0].verdict), &v) != nil || v.Action != rr.Verdict.Action.String() ||
			len(v.Matches) != len(rr.Matches) {
			mismatch++
		}
	}
	if mismatch > 0 {
		problems = append(problems, fmt.Sprintf("%d verdicts differ from an offline rescan", mismatch))
	}
	// Strikes: stored = recount from the verdicts.
	want := map[string]int64{}
	for _, recs := range got {
		for _, v := range recs {
			if v.action == "block" && strings.HasPrefix(v.reason, "strike") {
				want[v.user]++
			}
		}
	}
	strikeUsers, strikeTotal, wrong := 0, int64(0), 0
	seen := map[string]bool{}
	for _, u := range users {
		if seen[u] {
			continue
		}
		seen[u] = true
		n := r.rdb.ZCard(ctx, r.keys.Strikes(r.keys.ShardOf(u), u)).Val()
		if n != want[u] {
			wrong++
		}
		if n > 0 {
			strikeUsers++
			strikeTotal += n
		}
	}
	if wrong > 0 {
		problems = append(problems, fmt.Sprintf("%d users whose stored strikes differ from the recount", wrong))
	}
	actions, share := map[string]int{}, map[string]int{}
	for _, recs := range got {
		actions[recs[0].action]++
		share[recs[0].worker]++
	}
	slices.Sort(lat)
	pct := func(p float64) int64 {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	secs := float64(last-first) / 1000
	fmt.Printf("verdicts: %d for %d messages; missing %d, doubled %d; offline rescan mismatches %d\n",
		len(got), len(msgs), missing, doubled, mismatch)
	fmt.Printf("strikes: %d on %d users, stored = recount for all (%d differ)\n", strikeTotal, strikeUsers, wrong)
	fmt.Printf("actions: %s\n", fmtCounts(actions))
	fmt.Printf("per-worker share: %s\n", fmtCounts(share))
	fmt.Printf("throughput: %.0f msgs/s (first XADD to last verdict, %.2f s)\n", float64(len(msgs))/max(secs, 0.001), secs)
	fmt.Printf("latency XADD -> verdict: p50 %d ms, p99 %d ms, max %d ms\n", pct(0.50), pct(0.99), pct(1))
	if len(problems) > 0 {
		return errors.New("load test FAILED: " + strings.Join(problems, "; "))
	}
	fmt.Println("load test passed: zero lost, zero doubled verdicts" + map[bool]string{true: " across a worker kill", false: ""}[killed != ""])
	return nil
}

func fmtCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b []string
	for _, k := range keys {
		b = append(b, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(b, ", ")
}
