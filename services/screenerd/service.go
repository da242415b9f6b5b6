package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/screener-dev/screener/bindings/go/screener"
)

//go:embed verdict.lua
var verdictLua string

var verdictScript = redis.NewScript(verdictLua)

// Service is what the worker and the HTTP server share: the Redis client,
// the hot-reloadable database, the policy, metrics.
type Service struct {
	cfg     *Config
	rdb     redis.UniversalClient
	db      *screener.Handle
	policy  *Policy
	polArg  string
	keys    Keys
	log     *slog.Logger
	m       *Metrics
	mu      sync.Mutex // guards fp, version
	fp      string
	version uint64
}

// Message is one input entry.
type Message struct {
	Entry string // input stream entry id ("" for HTTP)
	ID    string // platform message id
	User  string
	Group string
	Text  string
	Err   string // why the entry is invalid, "" if valid
}

// Outcome is what the verdict step decided for one message.
type Outcome struct {
	ID         string          `json:"id"`
	Action     string          `json:"action"`
	Penalty    string          `json:"penalty"`
	Reason     string          `json:"reason,omitempty"`
	Strikes    int             `json:"strikes"`
	NewPenalty string          `json:"new_penalty,omitempty"`
	Masked     string          `json:"masked,omitempty"`
	Verdict    json.RawMessage `json:"verdict,omitempty"`
	VerdictID  string          `json:"verdict_entry"`
	Duplicate  bool            `json:"duplicate,omitempty"`
}

type matchJSON struct {
	Start      int    `json:"start"`
	End        int    `json:"end"`
	Text       string `json:"text"`
	Term       string `json:"term"`
	Category   string `json:"category"`
	Severity   int    `json:"severity"`
	Action     string `json:"action"`
	Suppressed bool   `json:"suppressed,omitempty"`
}

type verdictJSON struct {
	Action      string      `json:"action"`
	Severity    int         `json:"severity"`
	Categories  []string    `json:"categories"`
	Truncated   bool        `json:"truncated,omitempty"`
	Fingerprint string      `json:"fingerprint"`
	DBVersion   uint64      `json:"db_version"`
	Matches     []matchJSON `json:"matches"`
}

func newVerdictJSON(r screener.Result) verdictJSON {
	v := verdictJSON{Action: r.Verdict.Action.String(), Severity: r.Verdict.Severity,
		Categories: r.Verdict.Categories, Truncated: r.Verdict.Truncated,
		Fingerprint: r.Verdict.Fingerprint, DBVersion: r.Verdict.DBVersion,
		Matches: make([]matchJSON, len(r.Matches))}
	if v.Categories == nil {
		v.Categories = []string{}
	}
	for i, m := range r.Matches {
		v.Matches[i] = matchJSON{Start: m.Start, End: m.End, Text: m.Text, Term: m.Term,
			Category: m.Category, Severity: m.Severity, Action: m.Action.String(), Suppressed: m.Suppressed}
	}
	return v
}

// NewService connects to Redis and opens the database.
func NewService(ctx context.Context, cfg *Config, log *slog.Logger) (*Service, error) {
	pol := DefaultPolicy()
	if cfg.Policy != "" {
		var err error
		if pol, err = LoadPolicy(cfg.Policy); err != nil {
			return nil, err
		}
	}
	if cfg.DB == "" {
		return nil, errors.New("--db FILE is required (a database compiled by 'screener compile')")
	}
	d, err := screener.Load(cfg.DB)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	h, err := screener.NewHandle(d)
	if err != nil {
		return nil, err
	}
	rdb := cfg.client()
	s := &Service{cfg: cfg, rdb: rdb, db: h, policy: pol, polArg: pol.scriptArg(), keys: cfg.Keys(),
		log: log, m: NewMetrics()}
	if err := rdb.Ping(ctx).Err(); err != nil {
		s.Close()
		return nil, fmt.Errorf("redis %s: %w", cfg.Redis, err)
	}
	if err := verdictScript.Load(ctx, rdb).Err(); err != nil {
		s.Close()
		return nil, fmt.Errorf("redis %s: loading the verdict script: %w", cfg.Redis, err)
	}
	s.noteDB()
	return s, nil
}

func (s *Service) Close() {
	s.rdb.Close()
	s.db.Close()
}

// Fingerprint and version of the database being served.
func (s *Service) Fingerprint() (string, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fp, s.version
}

// noteDB reads the current database's fingerprint (an empty scan reports
// it), updates the metrics and publishes it in the node hash.
func (s *Service) noteDB() {
	_, v, err := s.db.Scan("")
	if err != nil {
		s.log.Error("reading the database fingerprint", "err", err)
		return
	}
	s.mu.Lock()
	old := s.fp
	s.fp, s.version = v.Fingerprint, v.DBVersion
	s.mu.Unlock()
	s.m.setDB(old, v.Fingerprint, v.DBVersion)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.rdb.HSet(ctx, s.keys.Nodes, s.cfg.Consumer, v.Fingerprint).Err(); err != nil {
		s.log.Error("publishing the fingerprint", "err", err, "key", s.keys.Nodes)
	}
}

// client connects to the Redis server or cluster of the config.
func (cfg *Config) client() redis.UniversalClient {
	addrs := strings.Split(cfg.Redis, ",")
	if cfg.Cluster {
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	}
	return redis.NewClient(&redis.Options{Addr: addrs[0]})
}

// Process scans the messages of one shard (one library call) and runs the
// verdict step for each (one pipeline). errs[i] != nil means message i has
// no verdict yet and must not be acknowledged.
func (s *Service) Process(ctx context.Context, shard int, msgs []Message) ([]Outcome, []error) {
	start := time.Now()
	outs := make([]Outcome, len(msgs))
	errs := make([]error, len(msgs))
	texts := make([]string, 0, len(msgs))
	for _, m := range msgs {
		if m.Err == "" {
			texts = append(texts, m.Text)
		}
	}
	res, err := s.db.ScanBatch(texts)
	if err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("scan: %w", err)
		}
		s.m.errors.WithLabelValues("scan").Inc()
		return outs, errs
	}
	// The verdict script runs once per chunk of up to scriptChunk messages
	// (one policy decode and one TIME per chunk; Redis is blocked for the
	// chunk only).
	type chunk struct {
		idx  []int
		keys []string
		args []any
		cmd  *redis.Cmd
	}
	var chunks []*chunk
	var cur *chunk
	k := 0
	for i, m := range msgs {
		var v verdictJSON
		scanAction, sev, cats, masked := "pass", 0, "", ""
		if m.Err == "" {
			r := res[k]
			k++
			if r.Verdict.Action == screener.Mask {
				if r, masked, err = s.maskSameDB(m.Text, r); err != nil {
					errs[i] = fmt.Errorf("mask: %w", err)
					continue
				}
			}
			v = newVerdictJSON(r)
			scanAction, sev, cats = v.Action, v.Severity, strings.Join(v.Categories, ",")
		} else {
			fp, ver := s.Fingerprint()
			v = verdictJSON{Action: "pass", Categories: []string{}, Fingerprint: fp, DBVersion: ver, Matches: []matchJSON{}}
		}
		vb, _ := json.Marshal(v)
		outs[i].Verdict, outs[i].Masked = vb, masked
		if cur == nil || len(cur.idx) == scriptChunk {
			cur = &chunk{keys: []string{s.keys.OutStream(shard), s.keys.ReviewStream(shard)},
				args: []any{s.polArg, s.cfg.Consumer}}
			chunks = append(chunks, cur)
		}
		cur.idx = append(cur.idx, i)
		cur.keys = append(cur.keys, s.keys.Done(shard, m.ID), s.keys.Strikes(shard, m.User),
			s.keys.State(shard, m.User), s.keys.Rate(shard, m.User, m.Group))
		cur.args = append(cur.args, m.ID, m.User, m.Group, scanAction, sev, cats, string(vb), masked,
			m.Text, m.Entry, m.Err)
	}
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, c := range chunks {
			c.cmd = verdictScript.EvalSha(ctx, p, c.keys, c.args...)
		}
		return nil
	})
	for _, c := range chunks {
		if err := c.cmd.Err(); err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			c.cmd = verdictScript.Run(ctx, s.rdb, c.keys, c.args...)
		}
		vals, err := c.cmd.Slice()
		if err == nil && len(vals) != 7*len(c.idx) {
			err = fmt.Errorf("%d values for %d messages", len(vals), len(c.idx))
		}
		for j, i := range c.idx {
			outs[i].ID = msgs[i].ID
			if err != nil {
				errs[i] = fmt.Errorf("verdict script: %w", err)
				s.m.errors.WithLabelValues("verdict").Inc()
				continue
			}
			if err := s.readOutcome(vals[7*j:7*j+7], &outs[i]); err != nil {
				errs[i] = err
				s.m.errors.WithLabelValues("verdict").Inc()
			}
		}
	}
	s.m.batch.Observe(time.Since(start).Seconds())
	return outs, errs
}

// maskSameDB masks text with the database that produced r. Masking is a
// second library call, so a reload may land between the scan and the
// mask; the handle's version is checked after the mask (versions only
// grow, so an unchanged version means no reload in between), and on a
// change the message is scanned and masked again with the new database
// (its verdict may differ: the returned result replaces r). A verdict
// never names one database and carries another's masked text.
func (s *Service) maskSameDB(text string, r screener.Result) (screener.Result, string, error) {
	const tries = 8
	for range tries {
		masked, err := s.db.MaskWith(text, screener.MaskOptions{})
		if err != nil {
			return r, "", err
		}
		cur, err := s.db.Version()
		if err != nil {
			return r, "", err
		}
		if cur == r.Verdict.DBVersion {
			return r, masked, nil
		}
		ms, v, err := s.db.Scan(text)
		if err != nil {
			return r, "", err
		}
		r = screener.Result{Matches: ms, Verdict: v}
		if v.Action != screener.Mask {
			return r, "", nil
		}
	}
	return r, "", fmt.Errorf("the database was reloaded during each of %d scan+mask attempts", tries)
}

// scriptChunk is the most messages per verdict script call.
const scriptChunk = 64

// readOutcome converts the verdict script's 7 values for one message; an
// error means the script wrote nothing for it (a key of the wrong type).
func (s *Service) readOutcome(vals []any, o *Outcome) error {
	o.VerdictID = fmt.Sprint(vals[1])
	switch n, _ := vals[0].(int64); n {
	case 0:
		o.Duplicate = true
		o.Verdict, o.Masked = nil, ""
		s.m.duplicates.Inc()
		return nil
	case 2:
		o.Verdict, o.Masked = nil, ""
		return fmt.Errorf("verdict script: %v", vals[5])
	}
	o.Action, o.Penalty = fmt.Sprint(vals[2]), fmt.Sprint(vals[3])
	o.Strikes, _ = strconv.Atoi(fmt.Sprint(vals[4]))
	o.Reason, o.NewPenalty = fmt.Sprint(vals[5]), fmt.Sprint(vals[6])
	if o.Action != "mask" {
		o.Masked = ""
	}
	s.m.messages.WithLabelValues(o.Action).Inc()
	if o.NewPenalty != "" {
		s.m.penalties.WithLabelValues(o.NewPenalty).Inc()
	}
	return nil
}
