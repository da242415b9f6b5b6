package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
)

// startCluster starts 3 masters on loopback and joins them with
// redis-cli --cluster create; it returns their addresses.
func startCluster(t *testing.T) []string {
	t.Helper()
	rs, err := StartLocalCluster(t.TempDir(), 3)
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, r := range rs {
		t.Cleanup(r.Stop)
		addrs = append(addrs, r.Addr)
	}
	return addrs
}

// Workers on a 3-master cluster: shards spread over the masters, every
// message gets exactly one verdict, also across a worker killed before
// its XACK.
func TestCluster(t *testing.T) {
	t.Parallel()
	needRedis(t)
	addrs := startCluster(t)
	seeds := strings.Join(addrs, ",")
	db := filepath.Join(t.TempDir(), "t.scdb")
	writeDB(t, db, testDict)
	const shards = 6
	mk := func(node string) *Config {
		c := testConfig(seeds, db, "", node)
		c.Cluster, c.Shards = true, shards
		return c
	}
	cfg := mk("A")
	rdb := cfg.client()
	defer rdb.Close()
	k := cfg.Keys()
	ctx := context.Background()

	owners := map[string]bool{}
	for s := range shards {
		m, err := rdb.(*redis.ClusterClient).MasterForKey(ctx, k.InStream(s))
		if err != nil {
			t.Fatal(err)
		}
		owners[m.Options().Addr] = true
	}
	if len(owners) < 2 {
		t.Fatalf("the %d shards all live on %v", shards, owners)
	}

	// C reads a batch, writes its verdicts, and is killed before XACK.
	c := startProc(t, []string{"SCREENERD_FAULT=before-ack:1h"}, "worker", "--redis", seeds, "--cluster",
		"--shards", fmt.Sprint(shards), "--db", db, "--consumer", "C", "--log-format", "text", "--block", "200ms")
	c.waitLog(t, "worker started")
	ids := sendMix(t, rdb, k, "c", 300, 30, 5)
	c.waitLog(t, "fault hook: holding")
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done

	a := startService(t, mk("A"), true)
	b := startService(t, mk("B"), true)
	waitVerdicts(t, rdb, k, ids...)
	for s := range shards {
		waitPendingZero(t, rdb, k.InStream(s), "screener")
	}
	// Read after the claims: C's written-but-unacknowledged entries were
	// redelivered to A or B by now.
	vs := verdicts(t, rdb, k)
	claimed := 0
	for _, s := range []*Service{a, b} {
		claimed += int(counterValue(t, s.m.duplicates))
	}
	if claimed == 0 {
		t.Error("no redelivered entry found its verdict written: the kill tested nothing")
	}
	for _, id := range ids {
		if len(vs[id]) != 1 {
			t.Errorf("message %s has %d verdicts", id, len(vs[id]))
		}
	}
	if len(vs) != len(ids) {
		t.Errorf("%d verdicts for %d messages", len(vs), len(ids))
	}
	workers := map[string]int{}
	for _, id := range ids {
		workers[vs[id][0]["worker"]]++
	}
	if workers["C"] == 0 || workers["A"]+workers["B"] == 0 {
		t.Errorf("verdicts by worker: %v", workers)
	}
	// Penalty state is on the user's shard, next to its verdicts.
	checkStrikes(t, rdb, k, vs)
}
