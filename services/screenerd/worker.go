package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Worker reads the shards' input streams through the consumer group, one
// goroutine per shard, and acknowledges an entry only after its verdict is
// written (or found written: a redelivery).
type Worker struct {
	s        *Service
	stopping atomic.Bool
	fault    fault
}

// fault is a test hook (SCREENERD_FAULT=after-read:DURATION or
// before-ack:DURATION): the worker sleeps after reading a batch, or after
// writing its verdicts and before XACK, so that tests can kill it at that
// point deterministically. Off unless the variable is set.
type fault struct {
	stage string
	hold  time.Duration
}

func parseFault(v string) (fault, error) {
	if v == "" {
		return fault{}, nil
	}
	stage, d, ok := strings.Cut(v, ":")
	hold, err := time.ParseDuration(d)
	if !ok || err != nil || (stage != "after-read" && stage != "before-ack") {
		return fault{}, fmt.Errorf("SCREENERD_FAULT=%q: want after-read:DURATION or before-ack:DURATION", v)
	}
	return fault{stage, hold}, nil
}

func (f fault) at(stage string, log *slog.Logger) {
	if f.stage == stage {
		log.Warn("fault hook: holding", "stage", stage, "for", f.hold.String())
		time.Sleep(f.hold)
	}
}

// Run works until Stop; then finishes the batch in hand, acknowledges it
// and returns.
func (w *Worker) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for shard := range w.s.cfg.Shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.runShard(ctx, shard)
		}()
	}
	wg.Wait()
}

// Stop asks Run to return after the batches in hand.
func (w *Worker) Stop() { w.stopping.Store(true) }

func (w *Worker) ensureGroup(ctx context.Context, stream string) error {
	err := w.s.rdb.XGroupCreateMkStream(ctx, stream, w.s.cfg.Group, "0").Err()
	if err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") {
		return err
	}
	return nil
}

func (w *Worker) runShard(ctx context.Context, shard int) {
	cfg, log := w.s.cfg, w.s.log.With("shard", shard)
	stream := w.s.keys.InStream(shard)
	for !w.stopping.Load() {
		if err := w.ensureGroup(ctx, stream); err != nil {
			log.Error("creating the consumer group", "stream", stream, "err", err)
			w.pause()
			continue
		}
		break
	}
	// Entries this consumer name read before a restart come first.
	pendingDone := false
	var lastClaim time.Time
	for !w.stopping.Load() {
		if time.Since(lastClaim) >= cfg.ClaimEvery {
			w.claim(ctx, shard, stream)
			lastClaim = time.Now()
		}
		id := ">"
		if !pendingDone {
			id = "0"
		}
		res, err := w.s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: cfg.Group, Consumer: cfg.Consumer,
			Streams: []string{stream, id}, Count: int64(cfg.Batch), Block: cfg.Block}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			w.s.m.errors.WithLabelValues("read").Inc()
			log.Error("XREADGROUP", "stream", stream, "err", err)
			if redis.HasErrorPrefix(err, "NOGROUP") {
				_ = w.ensureGroup(ctx, stream)
			}
			w.pause()
			continue
		}
		if len(res) == 0 || len(res[0].Messages) == 0 {
			pendingDone = true
			continue
		}
		if failed := w.handle(ctx, shard, stream, res[0].Messages, nil); failed > 0 {
			// Left pending: XAUTOCLAIM (which also claims this consumer's
			// own idle entries) retries them after ClaimIdle.
			pendingDone = true
			w.pause()
		}
	}
}

// pause waits a little after an error (Redis down, failover).
func (w *Worker) pause() { time.Sleep(500 * time.Millisecond) }

// claim takes over entries idle on other (dead) consumers for ClaimIdle.
func (w *Worker) claim(ctx context.Context, shard int, stream string) {
	cfg := w.s.cfg
	start := "0-0"
	for range 100 { // bounded: 100 batches per round
		msgs, next, err := w.s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: stream, Group: cfg.Group,
			Consumer: cfg.Consumer, MinIdle: cfg.ClaimIdle, Start: start, Count: int64(cfg.Batch)}).Result()
		if err != nil {
			if !redis.HasErrorPrefix(err, "NOGROUP") {
				w.s.m.errors.WithLabelValues("claim").Inc()
				w.s.log.Error("XAUTOCLAIM", "stream", stream, "err", err)
			}
			return
		}
		if len(msgs) > 0 {
			w.s.m.claimed.Add(float64(len(msgs)))
			w.s.log.Info("claimed pending entries", "shard", shard, "count", len(msgs))
			w.handle(ctx, shard, stream, msgs, w.overDelivered(ctx, stream, msgs))
		}
		if next == "0-0" || next == "" {
			return
		}
		start = next
	}
}

// overDelivered returns the claimed entries delivered more than
// MaxDeliveries times (XAUTOCLAIM counts each claim as a delivery) with
// their count: an entry that fails every time gets an error verdict
// instead of being retried forever.
func (w *Worker) overDelivered(ctx context.Context, stream string, msgs []redis.XMessage) map[string]int64 {
	if w.s.cfg.MaxDeliveries <= 0 {
		return nil
	}
	ids := map[string]bool{}
	for _, m := range msgs {
		ids[m.ID] = true
	}
	var over map[string]int64
	start := msgs[0].ID
	for start != "" {
		ps, err := w.s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: w.s.cfg.Group,
			Start: start, End: msgs[len(msgs)-1].ID, Count: int64(len(msgs)) + 100}).Result()
		if err != nil {
			w.s.log.Error("XPENDING", "stream", stream, "err", err)
			return over
		}
		start = ""
		for _, p := range ps {
			if ids[p.ID] && p.RetryCount > int64(w.s.cfg.MaxDeliveries) {
				if over == nil {
					over = map[string]int64{}
				}
				over[p.ID] = p.RetryCount
			}
		}
		if len(ps) == len(msgs)+100 {
			start = "(" + ps[len(ps)-1].ID
		}
	}
	return over
}

// parse turns a stream entry into a Message; a missing field makes it
// invalid (it still gets one verdict, action "error").
func parse(x redis.XMessage) Message {
	str := func(k string) (string, bool) {
		v, ok := x.Values[k]
		if !ok {
			return "", false
		}
		s, ok := v.(string)
		return s, ok
	}
	m := Message{Entry: x.ID}
	var missing []string
	var ok bool
	if m.ID, ok = str("id"); !ok || m.ID == "" {
		missing = append(missing, "id")
		m.ID = "entry:" + x.ID
	}
	if m.User, ok = str("user"); !ok || m.User == "" {
		missing = append(missing, "user")
	}
	if m.Group, ok = str("group"); !ok {
		missing = append(missing, "group")
	}
	if m.Text, ok = str("text"); !ok {
		missing = append(missing, "text")
	}
	if len(missing) > 0 {
		m.Err = "entry " + x.ID + ": missing field " + strings.Join(missing, ", ")
	}
	return m
}

// handle processes one batch and acknowledges the entries whose verdict
// exists; it returns how many are left pending.
func (w *Worker) handle(ctx context.Context, shard int, stream string, xs []redis.XMessage, over map[string]int64) int {
	w.fault.at("after-read", w.s.log)
	msgs := make([]Message, len(xs))
	for i, x := range xs {
		msgs[i] = parse(x)
		if n, ok := over[x.ID]; ok && msgs[i].Err == "" {
			msgs[i].Err = fmt.Sprintf("entry %s: no verdict after %d deliveries (--max-deliveries %d); given up",
				x.ID, n, w.s.cfg.MaxDeliveries)
		}
		if msgs[i].Err != "" {
			w.s.log.Warn("invalid entry", "shard", shard, "err", msgs[i].Err)
		}
	}
	// Users must live on this shard, or their state would be split.
	for i := range msgs {
		if msgs[i].Err == "" && w.s.keys.ShardOf(msgs[i].User) != shard {
			msgs[i].Err = "entry " + xs[i].ID + ": user " + msgs[i].User + " belongs to shard " +
				strconv.Itoa(w.s.keys.ShardOf(msgs[i].User)) + ", not " + strconv.Itoa(shard)
			w.s.log.Warn("entry on the wrong shard", "err", msgs[i].Err)
		}
	}
	outs, errs := w.s.Process(ctx, shard, msgs)
	ack := make([]string, 0, len(xs))
	now := time.Now()
	for i, err := range errs {
		if err != nil {
			w.s.log.Error("no verdict; entry left pending", "shard", shard, "entry", xs[i].ID, "id", msgs[i].ID, "err", err)
			continue
		}
		ack = append(ack, xs[i].ID)
		if outs[i].Duplicate {
			w.s.log.Info("redelivered; verdict already written", "id", msgs[i].ID, "verdict_entry", outs[i].VerdictID)
		} else if ms, ok := entryMillis(xs[i].ID); ok {
			w.s.m.latency.Observe(float64(now.UnixMilli()-ms) / 1000)
		}
		if outs[i].NewPenalty != "" {
			w.s.log.Info("penalty", "user", msgs[i].User, "penalty", outs[i].NewPenalty, "reason", outs[i].Reason, "id", msgs[i].ID)
		}
	}
	w.fault.at("before-ack", w.s.log)
	if len(ack) > 0 {
		if err := w.s.rdb.XAck(ctx, stream, w.s.cfg.Group, ack...).Err(); err != nil {
			// Not acknowledged: redelivered later, and the verdict step
			// will find its done key.
			w.s.m.errors.WithLabelValues("ack").Inc()
			w.s.log.Error("XACK", "stream", stream, "err", err)
		}
	}
	return len(xs) - len(ack)
}

// entryMillis is the millisecond time part of a stream entry id.
func entryMillis(id string) (int64, bool) {
	ms, _, ok := strings.Cut(id, "-")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(ms, 10, 64)
	return v, err == nil
}
