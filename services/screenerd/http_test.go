package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

func doHTTP(t *testing.T, method, url, token, body string) (int, map[string]any, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m, string(b)
}

func TestHTTP(t *testing.T) {
	t.Parallel()
	addr := startRedis(t)
	db := filepath.Join(t.TempDir(), "t.scdb")
	fp := writeDB(t, db, testDict)
	cfg := testConfig(addr, db, writePolicy(t, `{"ladder": [{"penalty": "freeze", "strikes": 2, "window": "1h"}]}`), "H")
	cfg.AdminToken = "s3cret"
	s := startService(t, cfg, false)
	srv := httptest.NewServer(s.Routes(true))
	defer srv.Close()
	u := srv.URL

	code, m, raw := doHTTP(t, "POST", u+"/v1/scan", "", `{"id":"h1","user":"alice","group":"g","text":"x maskword y"}`)
	if code != 200 || m["action"] != "mask" || m["masked"] != "x ******** y" || m["penalty"] != "none" {
		t.Fatalf("scan: %d %s", code, raw)
	}
	verdictFP := m["verdict"].(map[string]any)["fingerprint"]
	if verdictFP != fp {
		t.Fatalf("verdict fingerprint %v, want %s", verdictFP, fp)
	}
	// The same id again: the first verdict, marked duplicate, no new entry.
	code, m2, raw := doHTTP(t, "POST", u+"/v1/scan", "", `{"id":"h1","user":"alice","group":"g","text":"other"}`)
	if code != 200 || m2["duplicate"] != true || m2["verdict_entry"] != m["verdict_entry"] || m2["masked"] != "x ******** y" {
		t.Fatalf("repeated id: %d %s", code, raw)
	}
	doHTTP(t, "POST", u+"/v1/scan", "", `{"id":"h2","user":"alice","group":"g","text":"badword"}`)
	code, m, raw = doHTTP(t, "POST", u+"/v1/scan", "", `{"id":"h3","user":"alice","group":"g","text":"badword"}`)
	if code != 200 || m["action"] != "block" || m["penalty"] != "freeze" || m["new_penalty"] != "freeze" {
		t.Fatalf("second strike: %d %s", code, raw)
	}
	for _, bad := range []string{`{"user":"alice","text":1}`, `{"text":"no user"}`, `not json`, `{"user":"a","extra":1}`} {
		if code, _, raw := doHTTP(t, "POST", u+"/v1/scan", "", bad); code != 400 {
			t.Errorf("bad request %s: %d %s", bad, code, raw)
		}
	}

	// Admin endpoints need the token.
	for _, tok := range []string{"", "wrong"} {
		if code, _, _ := doHTTP(t, "GET", u+"/v1/users/alice", tok, ""); code != 401 {
			t.Errorf("GET user with token %q: %d, want 401", tok, code)
		}
		if code, _, _ := doHTTP(t, "POST", u+"/v1/users/alice/lift", tok, ""); code != 401 {
			t.Errorf("lift with token %q: %d, want 401", tok, code)
		}
	}
	code, m, raw = doHTTP(t, "GET", u+"/v1/users/alice", "s3cret", "")
	strikes, _ := m["strikes"].([]any)
	if code != 200 || m["penalty"] != "freeze" || len(strikes) != 2 || m["message"] != "h3" {
		t.Fatalf("user: %d %s", code, raw)
	}
	if st := strikes[0].(map[string]any); st["message"] != "h2" || st["severity"] != 3.0 {
		t.Fatalf("strike: %v", st)
	}
	code, _, raw = doHTTP(t, "POST", u+"/v1/users/alice/lift", "s3cret", "")
	if code != 200 {
		t.Fatalf("lift: %d %s", code, raw)
	}
	code, m, raw = doHTTP(t, "GET", u+"/v1/users/alice", "s3cret", "")
	if code != 200 || m["penalty"] != "none" || len(m["strikes"].([]any)) != 0 {
		t.Fatalf("user after lift: %d %s", code, raw)
	}
	code, m, raw = doHTTP(t, "POST", u+"/v1/scan", "", `{"id":"h4","user":"alice","group":"g","text":"hello"}`)
	if code != 200 || m["action"] != "pass" {
		t.Fatalf("after lift: %d %s", code, raw)
	}

	code, m, raw = doHTTP(t, "GET", u+"/healthz", "", "")
	if code != 200 || m["ok"] != true || m["fingerprint"] != fp {
		t.Fatalf("healthz: %d %s", code, raw)
	}
	code, _, raw = doHTTP(t, "GET", u+"/metrics", "", "")
	for _, want := range []string{`screener_messages_total{action="mask"} 1`, `screener_penalties_total{penalty="freeze"} 1`,
		`screener_duplicates_total 1`, `screener_db_info{fingerprint="` + fp + `"} 1`} {
		if !strings.Contains(raw, want) {
			t.Errorf("metrics: no %q", want)
		}
	}
	if code != 200 {
		t.Errorf("metrics: %d", code)
	}

	// Without a configured token the admin endpoints are off, not open.
	s.cfg.AdminToken = ""
	if code, _, _ := doHTTP(t, "GET", u+"/v1/users/alice", "", ""); code != 403 {
		t.Errorf("no token configured: %d, want 403", code)
	}
}
