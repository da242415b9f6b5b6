package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
)

// Routes returns the HTTP API: POST /v1/scan, GET /v1/users/{id},
// POST /v1/users/{id}/lift (both admin: "Authorization: Bearer TOKEN"),
// /healthz, /metrics. With withAPI false only /healthz and /metrics (the
// worker's --metrics-addr).
func (s *Service) Routes(withAPI bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", s.healthz)
	if withAPI {
		mux.HandleFunc("POST /v1/scan", s.scanHTTP)
		mux.HandleFunc("GET /v1/users/{id}", s.admin(s.userHTTP))
		mux.HandleFunc("POST /v1/users/{id}/lift", s.admin(s.liftHTTP))
	}
	return s.jsonErrors(mux)
}

// routeList names the routes in the 404 error.
const routeList = "POST /v1/scan, GET /v1/users/{id}, POST /v1/users/{id}/lift, GET /healthz, GET /metrics"

// jsonErrors makes every error of the API a JSON error: an unknown route
// (404) or method (405, with Allow) names what was asked for, and a
// handler that panics answers 500 and is logged instead of dropping the
// connection.
func (s *Service) jsonErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("HTTP handler panicked", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
				httpError(w, http.StatusInternalServerError, fmt.Sprintf("internal error handling %s %s", r.Method, r.URL.Path))
			}
		}()
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// No route: let the mux say which status (404, 405 with Allow, or a
		// redirect to the clean path) and answer it in JSON.
		rec := &recorder{header: http.Header{}, code: http.StatusOK}
		h.ServeHTTP(rec, r)
		switch rec.code {
		case http.StatusNotFound:
			httpError(w, rec.code, fmt.Sprintf("no route %s %q (routes: %s)", r.Method, r.URL.Path, routeList))
		case http.StatusMethodNotAllowed:
			allow := rec.header.Get("Allow")
			w.Header().Set("Allow", allow)
			httpError(w, rec.code, fmt.Sprintf("method %s not allowed on %q (allowed: %s)", r.Method, r.URL.Path, allow))
		default:
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.code)
			_, _ = w.Write(rec.body)
		}
	})
}

// recorder keeps what the mux answers for a request it has no route for
// (a few hundred bytes: its 404, 405 or redirect).
type recorder struct {
	header http.Header
	code   int
	body   []byte
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.code = code }
func (r *recorder) Write(b []byte) (int, error) { r.body = append(r.body, b...); return len(b), nil }

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func httpError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

// admin requires the admin token. Without a configured token the admin
// endpoints are off (403), never open.
func (s *Service) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := s.cfg.AdminToken
		if tok == "" {
			httpError(w, http.StatusForbidden, "admin endpoints are disabled: start with --admin-token or SCREENERD_ADMIN_TOKEN")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1 {
			w.Header().Set("WWW-Authenticate", "Bearer")
			httpError(w, http.StatusUnauthorized, "missing or wrong admin token")
			return
		}
		h(w, r)
	}
}

func (s *Service) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	fp, v := s.Fingerprint()
	if err := s.rdb.Ping(ctx).Err(); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ok": false, "error": "redis: " + err.Error(),
			"fingerprint": fp, "db_version": v})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "node": s.cfg.Consumer, "fingerprint": fp, "db_version": v})
}

type scanRequest struct {
	ID    string `json:"id"`
	User  string `json:"user"`
	Group string `json:"group"`
	Text  string `json:"text"`
}

// scanHTTP screens one message synchronously, through the same verdict
// step as the worker (one verdict entry per id; a repeated id returns the
// first verdict).
func (s *Service) scanHTTP(w http.ResponseWriter, r *http.Request) {
	req, code, err := readScanRequest(w, r)
	if err != nil {
		httpError(w, code, "request body: "+err.Error())
		return
	}
	if req.ID == "" {
		var b [12]byte
		_, _ = rand.Read(b[:])
		req.ID = "http-" + hex.EncodeToString(b[:])
	}
	shard := s.keys.ShardOf(req.User)
	outs, errs := s.Process(r.Context(), shard, []Message{{ID: req.ID, User: req.User, Group: req.Group, Text: req.Text}})
	if errs[0] != nil {
		httpError(w, http.StatusServiceUnavailable, errs[0].Error())
		return
	}
	o := outs[0]
	if o.Duplicate {
		if err := s.readVerdict(r.Context(), shard, &o); err != nil {
			httpError(w, http.StatusServiceUnavailable, err.Error())
			return
		}
	}
	writeJSON(w, http.StatusOK, o)
}

// maxScanBody is the largest /v1/scan request body.
const maxScanBody = 1 << 20

// readScanRequest reads and checks a /v1/scan body: at most maxScanBody
// bytes (else 413), received within the server's read timeout (else 408),
// valid UTF-8 without lone surrogate escapes (JSON text is Unicode: a
// message is never silently changed to U+FFFD), exactly one JSON object
// with only the known fields, a user that is not blank, and an id that is
// absent or not blank.
func readScanRequest(w http.ResponseWriter, r *http.Request) (scanRequest, int, error) {
	var req scanRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxScanBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &tooBig):
			return req, http.StatusRequestEntityTooLarge, fmt.Errorf("larger than %d bytes", tooBig.Limit)
		case errors.As(err, &ne) && ne.Timeout():
			return req, http.StatusRequestTimeout, fmt.Errorf("not received in time (%d bytes read): %v", len(body), err)
		}
		return req, http.StatusBadRequest, fmt.Errorf("cut short after %d bytes: %v", len(body), err)
	}
	if err := checkJSONText(body); err != nil {
		return req, http.StatusBadRequest, err
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("empty; a JSON object {\"user\", \"text\", \"id\", \"group\"} expected")
		}
		return req, http.StatusBadRequest, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return req, http.StatusBadRequest, fmt.Errorf("unexpected data after the JSON object at byte %d", dec.InputOffset())
	}
	if strings.TrimSpace(req.User) == "" {
		return req, http.StatusBadRequest, errors.New("field user is required and must not be blank")
	}
	if req.ID != "" && strings.TrimSpace(req.ID) == "" {
		return req, http.StatusBadRequest, errors.New("field id must not be blank (leave it out to get a generated id)")
	}
	return req, 0, nil
}

// checkJSONText reports invalid UTF-8 and \u escapes of lone surrogates,
// which encoding/json would otherwise replace by U+FFFD without a word.
func checkJSONText(b []byte) error {
	if !utf8.Valid(b) {
		i := 0
		for i < len(b) {
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return fmt.Errorf("invalid UTF-8 at byte %d", i)
	}
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		return rune(v), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := hex4(i)
		if !ok {
			i++ // a two-character escape (\\, \", \n, ...)
			continue
		}
		if utf16IsHigh(r) {
			if r2, ok := hex4(i + 6); ok && utf16IsLow(r2) {
				i += 11
				continue
			}
		}
		if utf16IsHigh(r) || utf16IsLow(r) {
			return fmt.Errorf("escape %s at byte %d is a lone UTF-16 surrogate (not a character)", b[i:i+6], i)
		}
		i += 5
	}
	return nil
}

func utf16IsHigh(r rune) bool { return r >= 0xD800 && r < 0xDC00 }
func utf16IsLow(r rune) bool  { return r >= 0xDC00 && r < 0xE000 }

// readVerdict fills o from the verdict entry an earlier call wrote.
func (s *Service) readVerdict(ctx context.Context, shard int, o *Outcome) error {
	xs, err := s.rdb.XRange(ctx, s.keys.OutStream(shard), o.VerdictID, o.VerdictID).Result()
	if err != nil {
		return err
	}
	if len(xs) == 0 {
		return errors.New("verdict entry " + o.VerdictID + " no longer in the stream")
	}
	v := xs[0].Values
	get := func(k string) string { s, _ := v[k].(string); return s }
	o.Action, o.Penalty, o.Reason, o.Masked = get("action"), get("penalty"), get("reason"), get("masked")
	o.Strikes, _ = strconv.Atoi(get("strikes"))
	o.Verdict = json.RawMessage(get("verdict"))
	return nil
}

type strikeJSON struct {
	Message    string   `json:"message"`
	Severity   int      `json:"severity"`
	Categories []string `json:"categories"`
	At         int64    `json:"at_ms"`
}

// userHTTP reports a user's penalty and strikes.
func (s *Service) userHTTP(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("id")
	shard := s.keys.ShardOf(user)
	ctx := r.Context()
	var st *redis.MapStringStringCmd
	var zs *redis.ZSliceCmd
	var tm *redis.TimeCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		st = p.HGetAll(ctx, s.keys.State(shard, user))
		zs = p.ZRangeWithScores(ctx, s.keys.Strikes(shard, user), 0, -1)
		return nil
	})
	if err == nil {
		tm = s.rdb.Time(ctx)
		err = tm.Err()
	}
	if err != nil {
		httpError(w, http.StatusServiceUnavailable, "redis: "+err.Error())
		return
	}
	now := tm.Val().UnixMilli()
	out := map[string]any{"user": user, "shard": shard, "penalty": "none", "strikes": []strikeJSON{}}
	state := st.Val()
	until, _ := strconv.ParseInt(state["until"], 10, 64)
	if p := state["penalty"]; p != "" && (until == 0 || until > now) {
		out["penalty"] = p
		out["until_ms"] = until
		out["since_ms"], _ = strconv.ParseInt(state["since"], 10, 64)
		out["rule"] = state["rule"]
		out["message"] = state["message"]
	}
	var strikes []strikeJSON
	for _, z := range zs.Val() {
		m, _ := z.Member.(string)
		i := strings.LastIndexByte(m, '|')
		j := strings.LastIndexByte(m[:max(i, 0)], '|')
		if i < 0 || j < 0 {
			continue
		}
		sev, _ := strconv.Atoi(m[j+1 : i])
		cats := []string{}
		if m[i+1:] != "" {
			cats = strings.Split(m[i+1:], ",")
		}
		strikes = append(strikes, strikeJSON{Message: m[:j], Severity: sev, Categories: cats, At: int64(z.Score)})
	}
	if strikes != nil {
		out["strikes"] = strikes
	}
	writeJSON(w, http.StatusOK, out)
}

// liftHTTP lifts a user's penalty and (unless ?keep_strikes=1) clears the
// strikes, so the next strike starts the ladder again.
func (s *Service) liftHTTP(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("id")
	shard := s.keys.ShardOf(user)
	ctx := r.Context()
	keep := r.URL.Query().Get("keep_strikes") == "1"
	var del *redis.IntCmd
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if keep {
			del = p.Del(ctx, s.keys.State(shard, user))
		} else {
			del = p.Del(ctx, s.keys.State(shard, user), s.keys.Strikes(shard, user))
		}
		return nil
	})
	if err != nil {
		httpError(w, http.StatusServiceUnavailable, "redis: "+err.Error())
		return
	}
	s.log.Info("penalty lifted by admin", "user", user, "keep_strikes", keep, "keys_deleted", del.Val(),
		"remote", r.RemoteAddr)
	writeJSON(w, http.StatusOK, map[string]any{"user": user, "lifted": true, "strikes_cleared": !keep})
}
