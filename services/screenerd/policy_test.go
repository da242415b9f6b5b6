package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPolicyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "p.json")
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	p, err := LoadPolicy(write(`{"rate_limit": {"messages": 5, "window": "1s", "action": "throttle"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Ladder) != 3 || p.RateLimit.Messages != 5 || time.Duration(p.DedupTTL) != 7*24*time.Hour {
		t.Errorf("defaults not kept: %+v", p)
	}
	for _, c := range []struct{ file, want string }{
		{"{\n\"ladder\": [\n{\"penalty\": \"ban\", \"strikes\": 1, \"window\": \"1h\"}]}", `ladder[0].penalty: "ban"`},
		{`{"ladder": [{"penalty": "restrict", "strikes": 1, "window": "1h"}]}`, "ladder[0].duration: restrict needs"},
		{`{"ladder": [{"penalty": "warn", "strikes": 0, "window": "1h"}]}`, "ladder[0].strikes"},
		{`{"ladder": [{"penalty": "warn", "strikes": 1, "window": "soon"}]}`, "invalid duration"},
		{"{\n\n  \"strike_actoins\": []}", "line 3"},
		{"{\n  \"strike_actions\": [\"ban\"]}", `strike_actions: "ban"`},
		{`{"rate_limit": {"messages": 1, "window": "0s", "action": "throttle"}}`, "rate_limit.window"},
		{`{"rate_limit": {"messages": 1, "window": "1s", "action": "pass"}}`, "rate_limit.action"},
		{"{\n  \"ladder\": [\n    {\"penalty\": \"warn\",}\n  ]}", "line 3"},
		{"{\"dedup_ttl\": \"2h\"}\n{\"dedup_ttl\": \"1s\"}", "line 2: unexpected data after the JSON object"},
		{"{}\n\n]", "line 3: unexpected data"},
		{"", "empty file"},
		{" \n", "empty file"},
	} {
		_, err := LoadPolicy(write(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "p.json") {
			t.Errorf("%s: error %v, want one naming p.json and %q", c.file, err, c.want)
		}
	}
	if _, err := LoadPolicy(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

// The script sees the ladder strongest first, windows in milliseconds.
func TestPolicyScriptArg(t *testing.T) {
	t.Parallel()
	var lp luaPolicy
	if err := json.Unmarshal([]byte(DefaultPolicy().scriptArg()), &lp); err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range lp.Ladder {
		order = append(order, r.Penalty)
	}
	if strings.Join(order, ",") != "freeze,restrict,warn" || lp.MaxWindow != 7*24*3600*1000 ||
		lp.Ladder[1].D != 3600*1000 || lp.RateN != 20 || lp.RateW != 10000 || !lp.StrikeActions["block"] {
		t.Errorf("script policy %+v", lp)
	}
}
