// Command screenerd is the reference moderation service of screener: it
// screens chat messages from Redis Streams with the Go binding, applies a
// penalty ladder and rate limits, and writes one verdict per message id.
// See docs/service.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/screener-dev/screener/bindings/go/screener"
)

const usage = `usage: screenerd worker --redis HOST:PORT --db FILE [flags]
       screenerd http --addr 127.0.0.1:PORT --redis HOST:PORT --db FILE [--admin-token T] [flags]
       screenerd publish-db --redis HOST:PORT [--key K] [--reload-channel C] FILE
       screenerd loadtest [flags]     (see scripts/loadtest-service)
Run 'screenerd SUBCOMMAND -h' for the flags.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "worker":
		err = runWorker(os.Args[2:])
	case "http":
		err = runHTTP(os.Args[2:])
	case "publish-db":
		err = runPublish(os.Args[2:])
	case "loadtest":
		err = runLoadtest(os.Args[2:])
	case "-h", "--help", "help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprintf(os.Stderr, "screenerd: unknown subcommand %q\n%s", os.Args[1], usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "screenerd:", err)
		os.Exit(1)
	}
}

func newLogger(cfg *Config) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler = slog.NewJSONHandler(os.Stderr, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(os.Stderr, opts)
	}
	log := slog.New(h).With("node", cfg.Consumer)
	redis.SetLogger(redisLog{log})
	return log, nil
}

// redisLog sends go-redis's own messages (dial retries, …) to the
// structured log.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(_ context.Context, format string, v ...any) {
	l.log.Warn(fmt.Sprintf(format, v...), "from", "go-redis")
}

// setup parses the flags and starts the service and its reload watchers.
func setup(name string, args []string, extra func(*flag.FlagSet, *Config)) (*Service, context.CancelFunc, error) {
	cfg := &Config{}
	fs := flag.NewFlagSet("screenerd "+name, flag.ContinueOnError)
	cfg.flags(fs)
	if extra != nil {
		extra(fs, cfg)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	if fs.NArg() > 0 {
		return nil, nil, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	if err := cfg.check(); err != nil {
		return nil, nil, err
	}
	log, err := newLogger(cfg)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s, err := NewService(ctx, cfg, log)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	s.StartReloads(ctx)
	return s, cancel, nil
}

// httpReadTimeout bounds how long a client may take to send a request
// (headers and body); a slow or stalled client (slowloris) is cut off
// instead of holding a connection and a goroutine forever.
const httpReadTimeout = 30 * time.Second

// newHTTPServer is the service's HTTP server: every phase of a connection
// has a deadline (headers within min(read, 10 s), the whole request within
// read, the response within 2×read, an idle keep-alive within 4×read) and
// headers are at most 64 KiB.
func newHTTPServer(h http.Handler, read time.Duration) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: min(read, 10*time.Second), ReadTimeout: read,
		WriteTimeout: 2 * read, IdleTimeout: 4 * read, MaxHeaderBytes: 64 << 10}
}

// serve runs an HTTP server on addr until stop is closed.
func serve(s *Service, addr string, h http.Handler, stop <-chan struct{}) (chan error, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	srv := newHTTPServer(h, httpReadTimeout)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	go func() {
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	s.log.Info("listening", "addr", ln.Addr().String())
	return done, nil
}

func runWorker(args []string) error {
	s, cancel, err := setup("worker", args, nil)
	if err != nil {
		return err
	}
	defer cancel()
	defer s.Close()
	w := &Worker{s: s}
	if w.fault, err = parseFault(os.Getenv("SCREENERD_FAULT")); err != nil {
		return err
	}
	stop := make(chan struct{})
	if s.cfg.MetricsAddr != "" {
		if _, err := serve(s, s.cfg.MetricsAddr, s.Routes(false), stop); err != nil {
			return err
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		got := <-sig
		s.log.Info("stopping: finishing the batches in hand", "signal", got.String())
		w.Stop()
	}()
	fp, _ := s.Fingerprint()
	s.log.Info("worker started", "redis", s.cfg.Redis, "shards", s.cfg.Shards, "group", s.cfg.Group, "fingerprint", fp)
	w.Run(context.Background())
	close(stop)
	ctx, c2 := context.WithTimeout(context.Background(), 2*time.Second)
	defer c2()
	s.rdb.HDel(ctx, s.keys.Nodes, s.cfg.Consumer)
	s.log.Info("worker stopped")
	return nil
}

func runHTTP(args []string) error {
	s, cancel, err := setup("http", args, func(fs *flag.FlagSet, c *Config) {
		fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address")
		fs.StringVar(&c.AdminToken, "admin-token", os.Getenv("SCREENERD_ADMIN_TOKEN"),
			"token for the admin endpoints (default $SCREENERD_ADMIN_TOKEN; empty: admin endpoints off)")
	})
	if err != nil {
		return err
	}
	defer cancel()
	defer s.Close()
	stop := make(chan struct{})
	done, err := serve(s, s.cfg.Addr, s.Routes(true), stop)
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case got := <-sig:
		s.log.Info("stopping", "signal", got.String())
		close(stop)
		<-done
	case err := <-done:
		return err
	}
	ctx, c2 := context.WithTimeout(context.Background(), 2*time.Second)
	defer c2()
	s.rdb.HDel(ctx, s.keys.Nodes, s.cfg.Consumer)
	return nil
}

// runPublish stores a database file in Redis and announces it on the
// reload channel; every worker and HTTP server loads it. The file is
// checked first (a corrupt file is not published).
func runPublish(args []string) error {
	fs := flag.NewFlagSet("screenerd publish-db", flag.ContinueOnError)
	addr := fs.String("redis", "127.0.0.1:6379", "Redis address")
	cluster := fs.Bool("cluster", false, "connect to a Redis Cluster")
	key := fs.String("key", "screener:db", "key to store the database in")
	channel := fs.String("reload-channel", "screener:reload", "reload channel")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("publish-db: exactly one database FILE expected")
	}
	path := fs.Arg(0)
	db, err := screener.Load(path)
	if err != nil {
		return fmt.Errorf("%w (not published)", err)
	}
	fp := db.Fingerprint()
	db.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	cfg := &Config{Redis: *addr, Cluster: *cluster}
	rdb := cfg.client()
	defer rdb.Close()
	ctx := context.Background()
	if err := rdb.Set(ctx, *key, b, 0).Err(); err != nil {
		return err
	}
	n, err := rdb.Publish(ctx, *channel, *key).Result()
	if err != nil {
		return err
	}
	fmt.Printf("published %s (fingerprint %s, %d bytes) as %s; %d subscribers notified\n", path, fp, len(b), *key, n)
	return nil
}
