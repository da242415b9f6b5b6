package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Policy says how scan results turn into actions and penalties. The file
// format (JSON) and the defaults are documented in docs/service.md.
type Policy struct {
	// StrikeActions are the scan actions that count as a strike.
	StrikeActions []string `json:"strike_actions"`
	// StrikeMinSeverity: a message below this severity is no strike.
	StrikeMinSeverity int `json:"strike_min_severity"`
	// Ladder: the strongest rule whose strike count is reached applies.
	Ladder []Rule `json:"ladder"`
	// RateLimit per user per group (sliding window).
	RateLimit RateLimit `json:"rate_limit"`
	// DedupTTL: how long a message id's verdict is remembered, so that a
	// redelivery within it writes no second verdict.
	DedupTTL Duration `json:"dedup_ttl"`
}

// Rule is one rung of the penalty ladder: Strikes strikes within Window
// (counting only strikes of at least MinSeverity and, if Categories is not
// empty, of one of those categories) give Penalty for Duration (0 for
// restrict is not allowed; 0 for freeze means until lifted).
type Rule struct {
	Penalty     string   `json:"penalty"`
	Strikes     int      `json:"strikes"`
	Window      Duration `json:"window"`
	Duration    Duration `json:"duration"`
	MinSeverity int      `json:"min_severity"`
	Categories  []string `json:"categories"`
}

// RateLimit allows Messages per Window per user and group; further
// messages get Action.
type RateLimit struct {
	Messages int      `json:"messages"`
	Window   Duration `json:"window"`
	Action   string   `json:"action"`
}

// Duration is a time.Duration written as a Go duration string ("90s", "24h").
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"24h\", got %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d Duration) ms() int64 { return time.Duration(d).Milliseconds() }

// DefaultPolicy: first block → warn; 3 within 24 h → restrict for 1 h;
// 5 within 7 days → freeze until lifted; 20 messages per 10 s per user and
// group; verdicts remembered 7 days.
func DefaultPolicy() *Policy {
	return &Policy{
		StrikeActions:     []string{"block"},
		StrikeMinSeverity: 1,
		Ladder: []Rule{
			{Penalty: "warn", Strikes: 1, Window: Duration(24 * time.Hour)},
			{Penalty: "restrict", Strikes: 3, Window: Duration(24 * time.Hour), Duration: Duration(time.Hour)},
			{Penalty: "freeze", Strikes: 5, Window: Duration(7 * 24 * time.Hour)},
		},
		RateLimit: RateLimit{Messages: 20, Window: Duration(10 * time.Second), Action: "throttle"},
		DedupTTL:  Duration(7 * 24 * time.Hour),
	}
}

var penaltyRank = map[string]int{"warn": 1, "restrict": 2, "freeze": 3}
var scanActions = map[string]bool{"pass": true, "review": true, "mask": true, "block": true}

// LoadPolicy reads a policy file; fields it leaves out keep their defaults
// (a given ladder replaces the default ladder as a whole).
func LoadPolicy(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	p := DefaultPolicy()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("policy %s: empty file; a JSON object expected", path)
		}
		return nil, fmt.Errorf("policy %s: %s", path, jsonErrorWhere(b, dec, err))
	}
	if rest := bytes.TrimLeft(b[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		line := 1 + bytes.Count(b[:len(b)-len(rest)], []byte("\n"))
		return nil, fmt.Errorf("policy %s: line %d: unexpected data after the JSON object", path, line)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("policy %s: %w", path, err)
	}
	return p, nil
}

// jsonErrorWhere adds the line number to a JSON decode error.
func jsonErrorWhere(b []byte, dec *json.Decoder, err error) string {
	off := dec.InputOffset()
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) {
		off = se.Offset
	} else if errors.As(err, &te) {
		off = te.Offset
	}
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line := 1 + bytes.Count(b[:off], []byte("\n"))
	return fmt.Sprintf("line %d: %v", line, err)
}

// Validate checks every field and says which one is wrong.
func (p *Policy) Validate() error {
	for _, a := range p.StrikeActions {
		if !scanActions[a] {
			return fmt.Errorf("strike_actions: %q is not one of pass, review, mask, block", a)
		}
	}
	if p.StrikeMinSeverity < 0 || p.StrikeMinSeverity > 4 {
		return fmt.Errorf("strike_min_severity: %d is not in 0..4", p.StrikeMinSeverity)
	}
	for i, r := range p.Ladder {
		where := fmt.Sprintf("ladder[%d]", i)
		if penaltyRank[r.Penalty] == 0 {
			return fmt.Errorf("%s.penalty: %q is not one of warn, restrict, freeze", where, r.Penalty)
		}
		if r.Strikes < 1 {
			return fmt.Errorf("%s.strikes: must be at least 1", where)
		}
		if r.Window.ms() < 1 {
			return fmt.Errorf("%s.window: must be at least 1ms", where)
		}
		if r.Duration < 0 || (r.Penalty == "restrict" && r.Duration.ms() < 1) {
			return fmt.Errorf("%s.duration: restrict needs a positive duration", where)
		}
		if r.MinSeverity < 0 || r.MinSeverity > 4 {
			return fmt.Errorf("%s.min_severity: %d is not in 0..4", where, r.MinSeverity)
		}
		for _, c := range r.Categories {
			if c == "" || strings.ContainsAny(c, ",|") {
				return fmt.Errorf("%s.categories: bad category name %q", where, c)
			}
		}
	}
	rl := p.RateLimit
	if rl.Messages < 0 {
		return fmt.Errorf("rate_limit.messages: must be 0 (off) or more")
	}
	if rl.Messages > 0 && rl.Window.ms() < 1 {
		return fmt.Errorf("rate_limit.window: must be at least 1ms")
	}
	if rl.Action == "" || scanActions[rl.Action] && rl.Action != "block" {
		return fmt.Errorf("rate_limit.action: %q must be non-empty and not pass/review/mask", rl.Action)
	}
	if p.DedupTTL.ms() < 1000 {
		return fmt.Errorf("dedup_ttl: must be at least 1s")
	}
	return nil
}

// luaPolicy is the policy as the verdict script reads it (cjson), ladder
// strongest first, windows in milliseconds.
type luaPolicy struct {
	StrikeActions map[string]bool `json:"sa"`
	MinSeverity   int             `json:"ms"`
	Ladder        []luaRule       `json:"ladder"`
	MaxWindow     int64           `json:"maxw"`
	RateN         int             `json:"rln"`
	RateW         int64           `json:"rlw"`
	RateAction    string          `json:"rla"`
	TTL           int64           `json:"ttl"`
}

type luaRule struct {
	Penalty  string          `json:"p"`
	N        int             `json:"n"`
	W        int64           `json:"w"`
	D        int64           `json:"d"`
	Sev      int             `json:"sev"`
	Cats     map[string]bool `json:"cats,omitempty"`
	Describe string          `json:"desc"`
}

// scriptArg encodes the policy for the verdict script.
func (p *Policy) scriptArg() string {
	lp := luaPolicy{StrikeActions: map[string]bool{}, MinSeverity: p.StrikeMinSeverity,
		MaxWindow: 1, RateN: p.RateLimit.Messages, RateW: p.RateLimit.Window.ms(),
		RateAction: p.RateLimit.Action, TTL: p.DedupTTL.ms(), Ladder: []luaRule{}}
	for _, a := range p.StrikeActions {
		lp.StrikeActions[a] = true
	}
	rules := append([]Rule(nil), p.Ladder...)
	sort.SliceStable(rules, func(i, j int) bool { return penaltyRank[rules[i].Penalty] > penaltyRank[rules[j].Penalty] })
	for _, r := range rules {
		lr := luaRule{Penalty: r.Penalty, N: r.Strikes, W: r.Window.ms(), D: r.Duration.ms(), Sev: r.MinSeverity,
			Describe: fmt.Sprintf("%d strike%s within %s", r.Strikes, map[bool]string{true: "s"}[r.Strikes > 1],
				shortDuration(time.Duration(r.Window)))}
		if len(r.Categories) > 0 {
			lr.Cats = map[string]bool{}
			for _, c := range r.Categories {
				lr.Cats[c] = true
			}
		}
		lp.Ladder = append(lp.Ladder, lr)
		lp.MaxWindow = max(lp.MaxWindow, lr.W)
	}
	b, _ := json.Marshal(lp)
	return string(b)
}

// shortDuration writes 24h0m0s as 24h and 1h30m0s as 1h30m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
