package main

// Hostile-client and careless-operator probes of the HTTP API and the
// verdict step: malformed, oversized, cut-short and non-UTF-8 bodies,
// unknown routes and methods, stalled clients, reloads while scanning,
// keys of the wrong type. Real redis-server, deterministic seeds.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// noRateLimit turns the rate limit off (the probes send many messages per user).
const noRateLimit = `{"rate_limit": {"messages": 0}}`

func probeService(t *testing.T) (*Service, *httptest.Server) {
	t.Helper()
	addr := startRedis(t)
	db := filepath.Join(t.TempDir(), "t.scdb")
	writeDB(t, db, testDict)
	cfg := testConfig(addr, db, writePolicy(t, noRateLimit), "P")
	cfg.AdminToken = "tok"
	s := startService(t, cfg, false)
	srv := httptest.NewServer(s.Routes(true))
	t.Cleanup(srv.Close)
	return s, srv
}

// post sends body to url and returns the status and the decoded JSON
// object; a response that is not a JSON object fails the test.
func post(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%s %s %.80q: %d, not a JSON answer (%s): %q", method, url, body, resp.StatusCode,
			resp.Header.Get("Content-Type"), b)
	}
	if resp.StatusCode >= 400 {
		if e, _ := m["error"].(string); e == "" {
			t.Fatalf("%s %s: %d without an error message: %s", method, url, resp.StatusCode, b)
		}
	}
	return resp.StatusCode, m
}

// Every bad request is a 4xx JSON error that names what was wrong; good
// requests next to the traps still pass.
func TestHTTPBadRequests(t *testing.T) {
	t.Parallel()
	_, srv := probeService(t)
	u := srv.URL + "/v1/scan"
	big := `{"user":"u","text":"` + strings.Repeat("a", maxScanBody) + `"}`
	cases := []struct {
		body string
		code int
		want string
	}{
		{big, 413, "larger than 1048576 bytes"},
		{`{"user":"u","text":"x"} {"user":"v"}`, 400, "after the JSON object"},
		{`{"user":"u","text":"x"}garbage`, 400, "after the JSON object"},
		{"{\"user\":\"u\",\"text\":\"\xff\xfe\"}", 400, "invalid UTF-8 at byte 20"},
		{"{\"user\":\"\xc3\",\"text\":\"x\"}", 400, "invalid UTF-8 at byte 9"},
		{`{"user":"u","text":"a\ud800b"}`, 400, "lone UTF-16 surrogate"},
		{`{"user":"u\udc00","text":"a"}`, 400, "lone UTF-16 surrogate"},
		{`{"user":"u","text":"\ud800\ud800"}`, 400, "lone UTF-16 surrogate"},
		{`{"user":"   ","text":"x"}`, 400, "user is required and must not be blank"},
		{"{\"user\":\"\\t\\n\",\"text\":\"x\"}", 400, "must not be blank"},
		{`{"id":"  ","user":"u","text":"x"}`, 400, "id must not be blank"},
		{``, 400, "empty"},
		{`   `, 400, "empty"},
		{`[{"user":"u"}]`, 400, "cannot unmarshal array"},
		{`{"user":"u","text":["x"]}`, 400, "text"},
		{`{"user":"u","text":"x"`, 400, "unexpected EOF"},
		{`{"user":7}`, 400, "user"},
		{`{"user":"u","tetx":"x"}`, 400, "unknown field"},
		// Valid neighbours of the traps.
		{`{"user":"u","text":"a\ud83d\ude00 badword"}`, 200, ""},
		{`{"user":"u","text":"a\\ud800"}`, 200, ""}, // an escaped backslash, not an escape
		{`{"user":" u ","text":"x"} ` + "\n", 200, ""},
	}
	for _, c := range cases {
		code, m := post(t, "POST", u, c.body)
		e, _ := m["error"].(string)
		if code != c.code || !strings.Contains(e, c.want) {
			t.Errorf("body %.60q: %d %q, want %d %q", c.body, code, e, c.code, c.want)
		}
	}
	// The surrogate pair reached the scan as the emoji, the term as itself.
	code, m := post(t, "POST", u, `{"id":"pair","user":"u2","text":"a\ud83d\ude00 badword"}`)
	ms := m["verdict"].(map[string]any)["matches"].([]any)
	if code != 200 || len(ms) != 1 || ms[0].(map[string]any)["start"] != 6.0 {
		t.Errorf("surrogate pair: %d %v", code, m)
	}

	// Unknown routes and methods: JSON errors naming the route.
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/nope", `no route GET "/nope"`},
		{"POST", "/v1/scan/extra", "no route"},
		{"GET", "/v1/users/", "no route"},
		{"PUT", "/v1/scan", "method PUT not allowed"},
		{"GET", "/v1/scan", "allowed: POST"},
		{"DELETE", "/healthz", "not allowed"},
	} {
		code, m := post(t, c.method, srv.URL+c.path, "")
		if e, _ := m["error"].(string); code < 400 || code >= 500 || !strings.Contains(e, c.want) {
			t.Errorf("%s %s: %d %q, want %q", c.method, c.path, code, e, c.want)
		}
	}

	// Mutated bodies (seeded): never a 5xx, never a non-JSON answer.
	rng := rand.New(rand.NewSource(13))
	seed := `{"id":"m","user":"mut","group":"g","text":"x badword \u00e9\u6cd5 y"}`
	pool := []byte("{}[]\":,\\u0dD8fF \xff\xc3\x80\xed\xa0\x80\x00\n")
	counts := map[int]int{}
	for i := 0; i < 300; i++ {
		b := []byte(seed)
		for n := 1 + rng.Intn(4); n > 0; n-- {
			switch p := rng.Intn(len(b) + 1); rng.Intn(3) {
			case 0:
				b = b[:p]
			case 1:
				b = append(b[:p:p], append([]byte{pool[rng.Intn(len(pool))]}, b[p:]...)...)
			default:
				if p < len(b) {
					b[p] = pool[rng.Intn(len(pool))]
				}
			}
		}
		code, m := post(t, "POST", u, string(b))
		counts[code]++
		if code != 200 && code != 400 {
			t.Errorf("mutated body %q: %d %v", b, code, m)
		}
		if code == 200 && !utf8.Valid(b) {
			t.Errorf("mutated body %q with invalid UTF-8 accepted", b)
		}
	}
	t.Logf("mutated bodies: %v", counts)
}

// Spans of every match slice the original message exactly, on seeded
// random multi-byte texts carrying disguised terms.
func TestHTTPSpansSliceOriginal(t *testing.T) {
	t.Parallel()
	_, srv := probeService(t)
	rng := rand.New(rand.NewSource(7))
	fill := []string{"a", " ", "é", "法", "ｘ", "😀", "\u200b", "e\u0301", "한", "ä", "\u3000", "·", "Ω"}
	terms := []string{"badword", "BADWORD", "ｂａｄｗｏｒｄ", "b a d w o r d", "b\u200badword", "maskword", "Maskword", "spamlink", "reviewword"}
	matched := 0
	for i := 0; i < 150; i++ {
		var sb strings.Builder
		for n := rng.Intn(6); n > 0; n-- {
			for f := rng.Intn(4); f > 0; f-- {
				sb.WriteString(fill[rng.Intn(len(fill))])
			}
			sb.WriteString(" " + terms[rng.Intn(len(terms))] + " ")
		}
		text := sb.String()
		body, _ := json.Marshal(map[string]string{"id": fmt.Sprint("span", i), "user": fmt.Sprint("s", i), "text": text})
		code, m := post(t, "POST", srv.URL+"/v1/scan", string(body))
		if code != 200 {
			t.Fatalf("%q: %d %v", text, code, m)
		}
		for _, x := range m["verdict"].(map[string]any)["matches"].([]any) {
			mm := x.(map[string]any)
			st, en := int(mm["start"].(float64)), int(mm["end"].(float64))
			if st < 0 || en > len(text) || st >= en || text[st:en] != mm["text"] {
				t.Fatalf("%q: match %v does not slice the original", text, mm)
			}
			matched++
		}
	}
	if matched < 100 {
		t.Fatalf("only %d matches in 150 texts: the generator does not exercise spans", matched)
	}
	t.Logf("%d matches checked", matched)
}

// A client that stalls mid-body or mid-headers is cut off by the server's
// read deadline, with a JSON error where one can still be sent.
func TestHTTPSlowClient(t *testing.T) {
	t.Parallel()
	s, _ := probeService(t)
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = newHTTPServer(s.Routes(true), 300*time.Millisecond)
	ts.Start()
	defer ts.Close()
	addr := ts.Listener.Addr().String()
	for _, partial := range []string{
		"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"user\":",
		"POST /v1/scan HTTP/1.1\r\nHost: x\r\nX-Slow: ",
	} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte(partial)); err != nil {
			t.Fatal(err)
		}
		// The client never sends the rest. Before the read deadline the
		// server would wait for it forever.
		_ = c.SetReadDeadline(time.Now().Add(15 * time.Second))
		b, err := io.ReadAll(bufio.NewReader(c))
		c.Close()
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("%q: the server still holds the stalled connection after 15 s", partial)
		}
		if strings.HasPrefix(partial, "POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length") &&
			(!strings.Contains(string(b), "408") || !strings.Contains(string(b), "not received in time")) {
			t.Errorf("stalled body: answer %q, want a 408 JSON error", b)
		}
	}
}

// Reloads while scanning: no request fails, and a mask verdict's masked
// text comes from the database its verdict names. Reloads to a damaged
// or a missing file are refused (logged, counted) and the served database
// stays.
func TestHTTPReloadWhileScanning(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	dir := t.TempDir()
	live := filepath.Join(dir, "live.scdb")
	fpA := writeDB(t, live, testDict)
	pathB := filepath.Join(dir, "b.scdb")
	fpB := writeDB(t, pathB, testDict+"@category ads\n@severity 2\nzzword\n")
	pathA := filepath.Join(dir, "a.scdb")
	writeDB(t, pathA, testDict)
	cfg := testConfig(addr, live, writePolicy(t, noRateLimit), "R")
	cfg.Watch = 0 // reloads are driven below
	s := startService(t, cfg, false)
	srv := httptest.NewServer(s.Routes(true))
	defer srv.Close()

	const text = "maskword zzword"
	want := map[string]string{fpA: "******** zzword", fpB: "******** ******"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the operator: A, B, A, ... as fast as it goes
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s.reloaded("test", s.db.Load([]string{pathA, pathB}[i%2]))
		}
	}()
	var mu sync.Mutex
	seen := map[string]int{}
	var cw sync.WaitGroup
	for g := 0; g < 4; g++ {
		cw.Add(1)
		go func() {
			defer cw.Done()
			for i := 0; i < 150; i++ {
				body := fmt.Sprintf(`{"id":"r%d-%d","user":"u%d","text":%q}`, g, i, g, text)
				code, m := post(t, "POST", srv.URL+"/v1/scan", body)
				if code != 200 {
					t.Errorf("during reloads: %d %v", code, m)
					return
				}
				fp := m["verdict"].(map[string]any)["fingerprint"].(string)
				if m["masked"] != want[fp] {
					t.Errorf("verdict of database %s carries masked %q, want %q", fp, m["masked"], want[fp])
				}
				mu.Lock()
				seen[fp]++
				mu.Unlock()
			}
		}()
	}
	cw.Wait()
	close(stop)
	wg.Wait()
	t.Logf("verdicts per database: %v", seen)

	// A damaged file is refused, counted, and the database stays.
	fp, ver := s.Fingerprint()
	refused := counterValue(t, s.m.reloads.WithLabelValues("refused"))
	b, _ := os.ReadFile(pathB)
	b[len(b)/2] ^= 0x55
	bad := filepath.Join(dir, "bad.scdb")
	if err := os.WriteFile(bad, b, 0o644); err != nil {
		t.Fatal(err)
	}
	s.reloaded("test", s.db.Load(bad))
	s.reloaded("test", s.db.Load(filepath.Join(dir, "absent.scdb")))
	if got := counterValue(t, s.m.reloads.WithLabelValues("refused")); got != refused+2 {
		t.Errorf("refused reloads %v, want %v", got, refused+2)
	}
	if f2, v2 := s.Fingerprint(); f2 != fp || v2 != ver {
		t.Errorf("after refused reloads: %s v%d, want %s v%d", f2, v2, fp, ver)
	}
	// The watched file disappearing: logged and counted once, still serving.
	cfg.Watch = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.watchFile(ctx)
	time.Sleep(120 * time.Millisecond)
	if err := os.Remove(live); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the missing-file count", func() bool { return counterValue(t, s.m.reloads.WithLabelValues("missing")) == 1 })
	if code, m := post(t, "POST", srv.URL+"/v1/scan", `{"user":"after","text":"badword"}`); code != 200 || m["action"] != "block" {
		t.Errorf("after the file vanished: %d %v", code, m)
	}
}

// A user key holding the wrong type (written by hand or by another
// program) fails that user's messages with an error naming the key; the
// other messages of the same batch get their verdicts, and the message is
// screened once the key is repaired.
func TestWrongTypeKey(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	db := filepath.Join(t.TempDir(), "t.scdb")
	writeDB(t, db, testDict)
	cfg := testConfig(addr, db, writePolicy(t, noRateLimit), "W")
	rdb, k := client(addr), cfg.Keys()
	defer rdb.Close()
	ctx := context.Background()
	for key, kind := range map[string]string{k.Strikes(0, "bob"): "string", k.State(0, "carl"): "list", k.Done(0, "d-dan"): "hash"} {
		var err error
		switch kind {
		case "string":
			err = rdb.Set(ctx, key, "oops", 0).Err()
		case "list":
			err = rdb.RPush(ctx, key, "oops").Err()
		default:
			err = rdb.HSet(ctx, key, "f", "v").Err()
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// Queued before the worker starts: one batch, one script chunk.
	var ids []string
	for i, u := range []string{"ann", "bob", "amy", "carl", "dan", "zoe"} {
		id := fmt.Sprintf("w%d", i)
		if u == "dan" {
			id = "d-dan"
		}
		send(t, rdb, k, id, u, "g", "badword")
		ids = append(ids, id)
	}
	s := startService(t, cfg, true)
	vs := waitVerdicts(t, rdb, k, "w0", "w2", "w5")
	for _, id := range []string{"w0", "w2", "w5"} {
		if len(vs[id]) != 1 || vs[id][0]["action"] != "block" {
			t.Errorf("%s: %v", id, vs[id])
		}
	}
	for _, id := range []string{"w1", "w3", "d-dan"} {
		if len(vs[id]) != 0 {
			t.Errorf("%s got a verdict despite its broken key: %v", id, vs[id])
		}
	}
	srv := httptest.NewServer(s.Routes(true))
	defer srv.Close()
	code, m := post(t, "POST", srv.URL+"/v1/scan", `{"user":"bob","text":"hi"}`)
	if e, _ := m["error"].(string); code != 503 || !strings.Contains(e, "strikes:bob holds a string, not a zset") {
		t.Errorf("HTTP for bob: %d %v", code, m)
	}
	// Repaired keys: the pending messages are claimed and screened.
	rdb.Del(ctx, k.Strikes(0, "bob"), k.State(0, "carl"), k.Done(0, "d-dan"))
	vs = waitVerdicts(t, rdb, k, ids...)
	for _, id := range ids {
		if len(vs[id]) != 1 || vs[id][0]["action"] != "block" {
			t.Errorf("%s after repair: %v", id, vs[id])
		}
	}
	waitPendingZero(t, rdb, k.InStream(0), cfg.Group)
}

// Redis goes away mid-run and comes back empty (no persistence): while it
// is down the API answers 503 JSON errors and nothing hangs; afterwards
// the worker recreates its consumer group, the HTTP path reloads the
// verdict script, the reload channel is subscribed again, and requests do
// not leave goroutines behind.
func TestRedisRestart(t *testing.T) {
	t.Parallel()
	needRedis(t)
	r, err := StartLocalRedis(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	dir := t.TempDir()
	db := filepath.Join(dir, "t.scdb")
	writeDB(t, db, testDict)
	pathB := filepath.Join(dir, "b.scdb")
	fpB := writeDB(t, pathB, testDict+"@category ads\nnewterm\n")
	cfg := testConfig(r.Addr, db, writePolicy(t, noRateLimit), "X")
	s := startService(t, cfg, true)
	srv := httptest.NewServer(s.Routes(true))
	defer srv.Close()
	rdb, k := client(r.Addr), cfg.Keys()
	defer rdb.Close()
	send(t, rdb, k, "before", "ann", "g", "badword")
	verdict(t, rdb, k, "before")

	r.Stop()
	base := runtime.NumGoroutine()
	for i := 0; i < 10; i++ {
		code, m := post(t, "POST", srv.URL+"/v1/scan", fmt.Sprintf(`{"user":"u%d","text":"badword"}`, i))
		if e, _ := m["error"].(string); code != 503 || !strings.Contains(e, "connect") {
			t.Fatalf("Redis down: %d %v", code, m)
		}
	}
	if code, m := post(t, "GET", srv.URL+"/healthz", ""); code != 503 || m["ok"] != false {
		t.Fatalf("healthz with Redis down: %d %v", code, m)
	}
	if err := r.StartAgain(); err != nil {
		t.Fatal(err)
	}
	send(t, rdb, k, "after", "bob", "g", "badword")
	if v := verdict(t, rdb, k, "after"); v["action"] != "block" || v["penalty"] != "warn" {
		t.Fatalf("verdict after the restart: %v", v)
	}
	if code, m := post(t, "POST", srv.URL+"/v1/scan", `{"id":"h","user":"cy","text":"maskword"}`); code != 200 || m["action"] != "mask" {
		t.Fatalf("HTTP after the restart: %d %v", code, m)
	}
	// The reload channel works again (go-redis resubscribes).
	b, _ := os.ReadFile(pathB)
	ctx := context.Background()
	if err := rdb.Set(ctx, "screener:db", b, 0).Err(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the published database", func() bool {
		rdb.Publish(ctx, cfg.ReloadChannel, "screener:db")
		fp, _ := s.Fingerprint()
		return fp == fpB
	})
	// 10 failed requests left no goroutines behind (allow for the
	// client's idle connections and the restarted Redis's connections).
	waitFor(t, "goroutines to settle", func() bool { return runtime.NumGoroutine() <= base+20 })
}

// The same message id sent by many clients at once (a retrying client, a
// redelivery): one verdict and at most one strike per id; every other answer is
// the first verdict marked duplicate. Admin lookups of odd user ids answer
// JSON.
func TestHTTPConcurrentDuplicates(t *testing.T) {
	t.Parallel()
	s, srv := probeService(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts, dups := 0, 0
	entries := map[string]bool{}
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				code, m := post(t, "POST", srv.URL+"/v1/scan", fmt.Sprintf(`{"id":"same-%d","user":"dup|user","text":"badword"}`, i))
				if code != 200 {
					t.Errorf("%d %v", code, m)
					return
				}
				mu.Lock()
				if m["duplicate"] == true {
					dups++
				} else {
					firsts++
				}
				entries[m["verdict_entry"].(string)+fmt.Sprint(i)] = true
				if m["action"] != "block" {
					t.Errorf("same-%d: %v", i, m)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firsts != 5 || dups != 75 || len(entries) != 5 {
		t.Fatalf("5 ids sent 16 times: %d first verdicts, %d duplicates, %d verdict entries", firsts, dups, len(entries))
	}
	n, err := s.rdb.ZCard(context.Background(), s.keys.Strikes(0, "dup|user")).Result()
	// Default ladder: strikes 1 and 2 warn, the third restricts; later
	// messages are blocked as restricted, without a strike.
	if err != nil || n != 3 {
		t.Fatalf("strikes %d (%v), want 3", n, err)
	}
	for p, want := range map[string]float64{"warn": 2, "restrict": 1} {
		if got := counterValue(t, s.m.penalties.WithLabelValues(p)); got != want {
			t.Fatalf("%s penalties %v, want %v", p, got, want)
		}
	}
	for _, path := range []string{"/v1/users/%FF%FE", "/v1/users/" + strings.Repeat("x", 8000), "/v1/users/dup%7Cuser", "/v1/users/%20"} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var m map[string]any
		if resp.StatusCode != 200 || json.Unmarshal(b, &m) != nil {
			t.Errorf("GET %.40s: %d %s", path, resp.StatusCode, b)
		}
		if strings.Contains(path, "dup") && len(m["strikes"].([]any)) != 3 {
			t.Errorf("strikes of dup|user: %s", b)
		}
	}
}

// A careless operator's flags are refused with the flag named, not run
// with empty names (a shared consumer, keys like ":{s0}", localhost).
func TestConfigRefusesBlankNames(t *testing.T) {
	t.Parallel()
	set := map[string]func(c *Config){
		"--redis":          func(c *Config) { c.Redis = "" },
		"--redis ":         func(c *Config) { c.Redis = "127.0.0.1:1,,x:2" },
		"--consumer":       func(c *Config) { c.Consumer = " " },
		"--group":          func(c *Config) { c.Group = "" },
		"--in":             func(c *Config) { c.In = "" },
		"--out":            func(c *Config) { c.Out = "\t" },
		"--review":         func(c *Config) { c.Review = "" },
		"--prefix":         func(c *Config) { c.Prefix = "" },
		"--reload-channel": func(c *Config) { c.ReloadChannel = "" },
		"--watch":          func(c *Config) { c.Watch = -time.Second },
		"--max-deliveries": func(c *Config) { c.MaxDeliveries = -1 },
	}
	if err := testConfig("127.0.0.1:1", "x.scdb", "", "n").check(); err != nil {
		t.Fatalf("the test config: %v", err)
	}
	for flag, f := range set {
		c := testConfig("127.0.0.1:1", "x.scdb", "", "n")
		f(c)
		if err := c.check(); err == nil || !strings.Contains(err.Error(), strings.TrimSpace(flag)) {
			t.Errorf("%s: %v, want an error naming the flag", flag, err)
		}
	}
}
