package main

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func workerArgs(addr, db, node string, extra ...string) []string {
	return append([]string{"worker", "--redis", addr, "--db", db, "--consumer", node, "--log-format", "text",
		"--block", "200ms", "--claim-idle", "1s", "--claim-every", "200ms"}, extra...)
}

// pendingOn is the number of entries pending on one consumer.
func pendingOn(t *testing.T, rdb redis.UniversalClient, stream, consumer string) int64 {
	t.Helper()
	p, err := rdb.XPending(context.Background(), stream, "screener").Result()
	if err != nil {
		return 0
	}
	return p.Consumers[consumer]
}

func waitPendingOn(t *testing.T, rdb redis.UniversalClient, stream, consumer string, n int64) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d entries pending on %s", n, consumer), func() bool {
		return pendingOn(t, rdb, stream, consumer) >= n
	})
}

// A worker killed (SIGKILL) at either point of its step loses nothing and
// doubles nothing: after it read a batch (no verdicts yet), and after it
// wrote the verdicts and strikes but before XACK (the redelivery must find
// them written).
func TestRedeliveryAfterKill(t *testing.T) {
	t.Parallel()
	for _, stage := range []string{"after-read", "before-ack"} {
		t.Run(stage, func(t *testing.T) { testRedelivery(t, stage) })
	}
}

func testRedelivery(t *testing.T, stage string) {
	addr, db, rdb, k := singleRedis(t)
	stream := k.InStream(0)

	a := startProc(t, []string{"SCREENERD_FAULT=" + stage + ":1h"}, workerArgs(addr, db, "A", "--batch", "1000")...)
	a.waitLog(t, "worker started")
	// 6 users, 20 messages each, every third with badword.
	const n = 120
	ids := sendMix(t, rdb, k, "k", n, 6, 3)
	a.waitLog(t, "fault hook: holding")
	waitPendingOn(t, rdb, stream, "A", 1)
	held := pendingOn(t, rdb, stream, "A")
	before := len(verdicts(t, rdb, k))
	if stage == "after-read" && before != 0 {
		t.Fatalf("%d verdicts before the kill, want 0", before)
	}
	if stage == "before-ack" && int64(before) != held {
		t.Fatalf("%d verdicts written, %d entries held: want equal", before, held)
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-a.done

	b := startProc(t, nil, workerArgs(addr, db, "B")...)
	waitVerdicts(t, rdb, k, ids...)
	waitPendingZero(t, rdb, stream, "screener")
	vs := verdicts(t, rdb, k) // after the claims
	for _, id := range ids {
		if len(vs[id]) != 1 {
			t.Errorf("message %s has %d verdicts", id, len(vs[id]))
		}
	}
	if len(vs) != n {
		t.Errorf("%d verdicts for %d messages", len(vs), n)
	}
	if !strings.Contains(b.logText(), "claimed pending entries") {
		t.Errorf("B claimed nothing:\n%s", b.logText())
	}
	if stage == "before-ack" && !strings.Contains(b.logText(), "redelivered; verdict already written") {
		t.Errorf("B saw no redelivery of written verdicts:\n%s", b.logText())
	}
	checkStrikes(t, rdb, k, vs)
}

// SIGTERM: the batch in hand is finished and acknowledged, then the
// worker exits 0 and leaves the node hash.
func TestGracefulStop(t *testing.T) {
	t.Parallel()
	addr, db, rdb, k := singleRedis(t)
	a := startProc(t, []string{"SCREENERD_FAULT=after-read:1500ms"}, workerArgs(addr, db, "A")...)
	a.waitLog(t, "worker started")
	if fp := rdb.HGet(context.Background(), k.Nodes, "A").Val(); fp == "" {
		t.Fatal("worker A not in the node hash")
	}
	var ids []string
	for i := range 10 {
		ids = append(ids, fmt.Sprintf("t%d", i))
		send(t, rdb, k, ids[i], "u", "g", "hello")
	}
	a.waitLog(t, "fault hook: holding")
	a.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-a.done:
	case <-time.After(30 * time.Second):
		t.Fatal("worker did not exit 30 s after SIGTERM")
	}
	if code := a.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	vs := verdicts(t, rdb, k)
	held := 0
	for _, id := range ids {
		if len(vs[id]) == 1 {
			held++
		}
	}
	if held == 0 {
		t.Fatal("the batch in hand got no verdicts")
	}
	if p := rdb.XPending(context.Background(), k.InStream(0), "screener").Val(); p.Count != 0 {
		t.Fatalf("%d entries left pending after a graceful stop", p.Count)
	}
	if rdb.HExists(context.Background(), k.Nodes, "A").Val() {
		t.Error("worker A still in the node hash after stopping")
	}
}

// An entry that keeps failing (here: one whose delivery count says it was
// delivered 50 times) gets one error verdict and is acknowledged, instead
// of being claimed forever.
func TestGiveUpAfterMaxDeliveries(t *testing.T) {
	t.Parallel()
	addr, db, rdb, k := singleRedis(t)
	ctx := context.Background()
	stream := k.InStream(0)
	rdb.XGroupCreateMkStream(ctx, stream, "screener", "0")
	send(t, rdb, k, "poison", "u", "g", "hello")
	send(t, rdb, k, "fine", "u", "g", "hello")
	xs := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "screener", Consumer: "dead", Streams: []string{stream, ">"}}).Val()
	if len(xs) != 1 || len(xs[0].Messages) != 2 {
		t.Fatalf("XREADGROUP: %v", xs)
	}
	if err := rdb.Do(ctx, "XCLAIM", stream, "screener", "dead", 0, xs[0].Messages[0].ID, "RETRYCOUNT", 50).Err(); err != nil {
		t.Fatal(err)
	}
	startService(t, testConfig(addr, db, "", "w"), true)
	vs := waitVerdicts(t, rdb, k, "poison", "fine")
	waitPendingZero(t, rdb, stream, "screener")
	if v := vs["poison"][0]; v["action"] != "error" || !strings.Contains(v["reason"], "deliveries") {
		t.Fatalf("poison: %v", v)
	}
	expect(t, vs["fine"][0], "pass", "none")
}
