package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// waitFor polls cond for up to 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// replaceFile writes b to path atomically (rename).
func replaceFile(t *testing.T, path string, b []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// Two nodes serve one database; a new file is loaded by the node watching
// it, a database published through Redis by both; corrupt ones are refused
// and the old database keeps serving.
func TestReload(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	dir := t.TempDir()
	db1 := filepath.Join(dir, "current.scdb")
	fp1 := writeDB(t, db1, testDict)
	db2 := filepath.Join(dir, "v2.scdb")
	fp2 := writeDB(t, db2, testDict+"@category ads\nnewterm\n")
	db3 := filepath.Join(dir, "v3.scdb")
	fp3 := writeDB(t, db3, testDict+"@category ads\nthirdterm\n")
	good2, _ := os.ReadFile(db2)
	good3, _ := os.ReadFile(db3)

	cfgA := testConfig(addr, db1, "", "A")
	a := startService(t, cfgA, true)
	// B serves its own copy of the file (another machine).
	dbB := filepath.Join(t.TempDir(), "b.scdb")
	writeDB(t, dbB, testDict)
	b := startService(t, testConfig(addr, dbB, "", "B"), false)
	rdb, k := client(addr), cfgA.Keys()
	defer rdb.Close()
	ctx := context.Background()
	nodeFP := func(node string) string { return rdb.HGet(ctx, k.Nodes, node).Val() }
	if nodeFP("A") != fp1 || nodeFP("B") != fp1 {
		t.Fatalf("node hash %v, want both %s", rdb.HGetAll(ctx, k.Nodes).Val(), fp1)
	}
	send(t, rdb, k, "n1", "u", "g", "newterm")
	expect(t, verdict(t, rdb, k, "n1"), "pass", "none")

	// A good file replaces A's database.
	replaceFile(t, db1, good2)
	waitFor(t, "A to load v2", func() bool { return nodeFP("A") == fp2 })
	send(t, rdb, k, "n2", "u", "g", "newterm")
	if v := verdict(t, rdb, k, "n2"); v["action"] != "block" {
		t.Fatalf("after reload: %v", v)
	}

	// A corrupt file (one byte flipped in the middle) and a truncated one
	// are refused; v2 keeps serving.
	bad := append([]byte(nil), good3...)
	bad[len(bad)/2] ^= 0x55
	for i, b := range [][]byte{bad, good3[:len(good3)/2], []byte("not a database")} {
		refused := counterValue(t, a.m.reloads.WithLabelValues("refused"))
		replaceFile(t, db1, b)
		waitFor(t, "the corrupt file to be refused", func() bool {
			return counterValue(t, a.m.reloads.WithLabelValues("refused")) > refused
		})
		if fp, _ := a.Fingerprint(); fp != fp2 || nodeFP("A") != fp2 {
			t.Fatalf("corrupt file %d: serving %s, node hash %s; want %s", i, fp, nodeFP("A"), fp2)
		}
	}
	send(t, rdb, k, "n3", "u", "g", "newterm")
	if v := verdict(t, rdb, k, "n3"); v["action"] != "block" {
		t.Fatalf("after corrupt files: %v", v)
	}

	// Fleet-wide: a database published through Redis reaches both nodes.
	rdb.Set(ctx, "screener:db", good3, 0)
	rdb.Publish(ctx, "screener:reload", "screener:db")
	waitFor(t, "both nodes to load v3", func() bool { return nodeFP("A") == fp3 && nodeFP("B") == fp3 })
	if fp, v := b.Fingerprint(); fp != fp3 || v != 2 {
		t.Fatalf("B serves %s version %d", fp, v)
	}
	// A corrupt publication is refused by both.
	refusedB := counterValue(t, b.m.reloads.WithLabelValues("refused"))
	rdb.Set(ctx, "screener:db", bad, 0)
	rdb.Publish(ctx, "screener:reload", "screener:db")
	waitFor(t, "B to refuse the corrupt publication", func() bool {
		return counterValue(t, b.m.reloads.WithLabelValues("refused")) > refusedB
	})
	if nodeFP("A") != fp3 || nodeFP("B") != fp3 {
		t.Fatalf("after a corrupt publication: %v", rdb.HGetAll(ctx, k.Nodes).Val())
	}
	send(t, rdb, k, "n4", "u", "g", "thirdterm")
	if v := verdict(t, rdb, k, "n4"); v["action"] != "block" {
		t.Fatalf("v3 not serving: %v", v)
	}
}
