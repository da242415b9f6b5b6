package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The default-shaped ladder with short windows: warn, restrict (expires),
// freeze (until lifted); only severity >= 3 counts towards freeze.
const ladderPolicy = `{
  "ladder": [
    {"penalty": "warn", "strikes": 1, "window": "1m"},
    {"penalty": "restrict", "strikes": 2, "window": "1m", "duration": "3s"},
    {"penalty": "freeze", "strikes": 4, "window": "1m", "min_severity": 3}
  ],
  "rate_limit": {"messages": 0, "action": "throttle"}
}`

func expect(t *testing.T, v map[string]string, action, penalty string) {
	t.Helper()
	if v["action"] != action || v["penalty"] != penalty {
		t.Fatalf("message %s: action %s penalty %s (reason %q), want %s %s", v["id"], v["action"], v["penalty"],
			v["reason"], action, penalty)
	}
}

func TestLadderTransitions(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	dbPath := filepath.Join(t.TempDir(), "t.scdb")
	fp := writeDB(t, dbPath, testDict)
	cfg := testConfig(addr, dbPath, writePolicy(t, ladderPolicy), "w1")
	s := startService(t, cfg, true)
	rdb, k := client(addr), cfg.Keys()
	defer rdb.Close()
	ctx := context.Background()

	send(t, rdb, k, "m1", "u1", "g", "hello")
	expect(t, verdict(t, rdb, k, "m1"), "pass", "none")
	send(t, rdb, k, "m2", "u1", "g", "a b-a-d-w-o-r-d here")
	v := verdict(t, rdb, k, "m2")
	expect(t, v, "block", "warn")
	var vj verdictJSON
	if err := json.Unmarshal([]byte(v["verdict"]), &vj); err != nil || vj.Fingerprint != fp ||
		len(vj.Matches) != 1 || vj.Matches[0].Term != "badword" || vj.Matches[0].Text != "b-a-d-w-o-r-d" {
		t.Fatalf("verdict JSON %s (%v)", v["verdict"], err)
	}
	send(t, rdb, k, "m3", "u1", "g", "badword again")
	expect(t, verdict(t, rdb, k, "m3"), "block", "restrict")
	if st := rdb.HGetAll(ctx, k.State(0, "u1")).Val(); st["penalty"] != "restrict" || st["message"] != "m3" {
		t.Fatalf("state after restrict: %v", st)
	}
	if ttl := rdb.PTTL(ctx, k.State(0, "u1")).Val(); ttl <= 0 || ttl > 3*time.Second {
		t.Fatalf("restrict state TTL %v, want (0, 3s]", ttl)
	}
	// Restricted: clean messages are blocked too, and count no strike.
	send(t, rdb, k, "m4", "u1", "g", "hello")
	v = verdict(t, rdb, k, "m4")
	expect(t, v, "block", "restrict")
	if v["reason"] != "restricted" {
		t.Fatalf("m4 reason %q", v["reason"])
	}
	// The restriction expires.
	time.Sleep(3100 * time.Millisecond)
	send(t, rdb, k, "m5", "u1", "g", "hello")
	expect(t, verdict(t, rdb, k, "m5"), "pass", "none")
	// A mask-level message is no strike (strike_actions: block).
	send(t, rdb, k, "m6", "u1", "g", "maskword")
	v = verdict(t, rdb, k, "m6")
	expect(t, v, "mask", "none")
	if v["masked"] != "********" {
		t.Fatalf("masked %q", v["masked"])
	}
	// Third strike: restrict again; after it, the fourth: freeze.
	send(t, rdb, k, "m7", "u1", "g", "spamlink")
	expect(t, verdict(t, rdb, k, "m7"), "block", "restrict")
	time.Sleep(3100 * time.Millisecond)
	send(t, rdb, k, "m8", "u1", "g", "badword")
	v = verdict(t, rdb, k, "m8")
	expect(t, v, "block", "freeze")
	if v["strikes"] != "4" {
		t.Fatalf("strikes %q, want 4", v["strikes"])
	}
	if ttl := rdb.PTTL(ctx, k.State(0, "u1")).Val(); ttl != -1 {
		t.Fatalf("freeze state TTL %v, want none (until lifted)", ttl)
	}
	send(t, rdb, k, "m9", "u1", "g", "hello")
	v = verdict(t, rdb, k, "m9")
	expect(t, v, "block", "freeze")
	if v["reason"] != "frozen" {
		t.Fatalf("m9 reason %q", v["reason"])
	}
	// Review-level messages go to the review stream with the explanation.
	send(t, rdb, k, "m10", "u2", "g", "you reviewword")
	expect(t, verdict(t, rdb, k, "m10"), "review", "none")
	rv, err := rdb.XRange(ctx, k.ReviewStream(0), "-", "+").Result()
	if err != nil || len(rv) != 1 || rv[0].Values["id"] != "m10" || rv[0].Values["text"] != "you reviewword" ||
		!strings.Contains(rv[0].Values["verdict"].(string), `"term":"reviewword"`) {
		t.Fatalf("review stream: %v %v", rv, err)
	}
	if n := counterValue(t, s.m.penalties.WithLabelValues("restrict")); n != 2 {
		t.Errorf("screener_penalties_total{restrict} = %v, want 2", n)
	}
}

// Strikes older than a rule's window do not count; rules can be limited
// to categories.
func TestStrikeExpiryAndCategories(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	dbPath := filepath.Join(t.TempDir(), "t.scdb")
	writeDB(t, dbPath, testDict)
	pol := `{"ladder": [
	    {"penalty": "warn", "strikes": 1, "window": "2s"},
	    {"penalty": "restrict", "strikes": 2, "window": "2s", "duration": "1m"},
	    {"penalty": "freeze", "strikes": 1, "window": "1m", "categories": ["ads"]}],
	  "rate_limit": {"messages": 0, "action": "throttle"}}`
	cfg := testConfig(addr, dbPath, writePolicy(t, pol), "w1")
	startService(t, cfg, true)
	rdb, k := client(addr), cfg.Keys()
	defer rdb.Close()

	send(t, rdb, k, "a1", "u1", "g", "badword")
	expect(t, verdict(t, rdb, k, "a1"), "block", "warn")
	time.Sleep(2100 * time.Millisecond)
	send(t, rdb, k, "a2", "u1", "g", "badword")
	expect(t, verdict(t, rdb, k, "a2"), "block", "warn") // a1 expired from the 2 s window
	send(t, rdb, k, "a3", "u1", "g", "badword")
	expect(t, verdict(t, rdb, k, "a3"), "block", "restrict")

	send(t, rdb, k, "b1", "u2", "g", "spamlink")
	expect(t, verdict(t, rdb, k, "b1"), "block", "freeze")
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	dbPath := filepath.Join(t.TempDir(), "t.scdb")
	writeDB(t, dbPath, testDict)
	pol := `{"rate_limit": {"messages": 3, "window": "4s", "action": "throttle"}}`
	cfg := testConfig(addr, dbPath, writePolicy(t, pol), "w1")
	startService(t, cfg, true)
	rdb, k := client(addr), cfg.Keys()
	defer rdb.Close()

	var ids []string
	for i := range 5 {
		id := fmt.Sprintf("r%d", i)
		send(t, rdb, k, id, "u1", "g1", "hello")
		ids = append(ids, id)
	}
	send(t, rdb, k, "other-group", "u1", "g2", "hello")
	send(t, rdb, k, "other-user", "u2", "g1", "hello")
	vs := waitVerdicts(t, rdb, k, append(ids, "other-group", "other-user")...)
	var got []string
	for _, id := range ids {
		got = append(got, vs[id][0]["action"])
	}
	if strings.Join(got, ",") != "pass,pass,pass,throttle,throttle" {
		t.Fatalf("actions %v, want 3 pass then 2 throttle", got)
	}
	if !strings.HasPrefix(vs["r3"][0]["reason"], "rate limit") {
		t.Errorf("reason %q", vs["r3"][0]["reason"])
	}
	expect(t, vs["other-group"][0], "pass", "none")
	expect(t, vs["other-user"][0], "pass", "none")
	// The window slides: after it, messages pass again.
	time.Sleep(4100 * time.Millisecond)
	send(t, rdb, k, "r-later", "u1", "g1", "hello")
	expect(t, verdict(t, rdb, k, "r-later"), "pass", "none")
}

// An entry without its fields gets one verdict with action error (and is
// acknowledged); an entry on the wrong shard too.
func TestInvalidEntries(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	dbPath := filepath.Join(t.TempDir(), "t.scdb")
	writeDB(t, dbPath, testDict)
	cfg := testConfig(addr, dbPath, "", "w1")
	cfg.Shards = 2
	startService(t, cfg, true)
	rdb, k := client(addr), cfg.Keys()
	defer rdb.Close()
	ctx := context.Background()
	rdb.XAdd(ctx, newXAdd(k.InStream(0), "id", "x1", "user", "u1"))
	wrong := ""
	for i := 0; wrong == "" || k.ShardOf(wrong) == 0; i++ {
		wrong = fmt.Sprintf("u%d", i)
	}
	rdb.XAdd(ctx, newXAdd(k.InStream(0), "id", "x2", "user", wrong, "group", "g", "text", "badword"))
	vs := waitVerdicts(t, rdb, k, "x1", "x2")
	if v := vs["x1"][0]; v["action"] != "error" || !strings.Contains(v["reason"], "missing field group, text") {
		t.Fatalf("x1: %v", v)
	}
	if v := vs["x2"][0]; v["action"] != "error" || !strings.Contains(v["reason"], "belongs to shard 1") {
		t.Fatalf("x2: %v", v)
	}
	waitPendingZero(t, rdb, k.InStream(0), "screener")
}
