package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config holds the flags shared by the subcommands.
type Config struct {
	Redis         string
	Cluster       bool
	DB            string
	Policy        string
	Prefix        string
	In, Out       string
	Review        string
	Group         string
	Consumer      string
	Shards        int
	Batch         int
	Block         time.Duration
	ClaimIdle     time.Duration
	ClaimEvery    time.Duration
	MaxDeliveries int
	Watch         time.Duration
	ReloadChannel string
	MetricsAddr   string
	LogFormat     string
	LogLevel      string
	// http
	Addr       string
	AdminToken string
}

func (c *Config) Keys() Keys {
	return Keys{Prefix: c.Prefix, In: c.In, Out: c.Out, Review: c.Review, Nodes: c.Prefix + ":nodes", Shards: c.Shards}
}

// flags registers the shared flags on fs.
func (c *Config) flags(fs *flag.FlagSet) {
	host, _ := os.Hostname()
	fs.StringVar(&c.Redis, "redis", "127.0.0.1:6379", "Redis address (HOST:PORT; with --cluster a comma-separated list of seed nodes)")
	fs.BoolVar(&c.Cluster, "cluster", false, "connect to a Redis Cluster")
	fs.StringVar(&c.DB, "db", "", "database file (compiled by 'screener compile'); watched for changes")
	fs.StringVar(&c.Policy, "policy", "", "policy file (JSON, see docs/service.md); default policy if empty")
	fs.StringVar(&c.Prefix, "prefix", "screener", "prefix of the per-user state keys and the node hash")
	fs.StringVar(&c.In, "in", "screener:in", "input stream base name (shard k reads IN:{sk})")
	fs.StringVar(&c.Out, "out", "screener:verdicts", "verdict stream base name")
	fs.StringVar(&c.Review, "review", "screener:review", "review stream base name")
	fs.StringVar(&c.Group, "group", "screener", "consumer group")
	fs.StringVar(&c.Consumer, "consumer", fmt.Sprintf("%s-%d", host, os.Getpid()), "consumer (node) name, unique per process")
	fs.IntVar(&c.Shards, "shards", 1, "number of shards (input streams); the same for every producer and worker")
	fs.IntVar(&c.Batch, "batch", 64, "entries read and scanned at once")
	fs.DurationVar(&c.Block, "block", time.Second, "XREADGROUP block time (also the longest SIGTERM wait for a read)")
	fs.DurationVar(&c.ClaimIdle, "claim-idle", 30*time.Second, "claim entries pending this long on another consumer")
	fs.DurationVar(&c.ClaimEvery, "claim-every", 5*time.Second, "how often to look for such entries")
	fs.IntVar(&c.MaxDeliveries, "max-deliveries", 10, "an entry delivered more often than this gets an error verdict (0: retry forever)")
	fs.DurationVar(&c.Watch, "watch", time.Second, "how often to check the --db file for changes (0: never)")
	fs.StringVar(&c.ReloadChannel, "reload-channel", "screener:reload", "pub/sub channel: a message names a key holding a database to load")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", "", "worker: serve /metrics and /healthz on this address")
	fs.StringVar(&c.LogFormat, "log-format", "json", "log format: json or text")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
}

func (c *Config) check() error {
	// Names that must not be blank: an empty --consumer would make every
	// such process one consumer (and one node); empty stream, group,
	// prefix or channel names make keys like ":{s0}"; an empty --redis
	// would silently mean localhost:6379.
	for _, f := range []struct{ flag, v string }{{"--redis", c.Redis}, {"--consumer", c.Consumer},
		{"--group", c.Group}, {"--in", c.In}, {"--out", c.Out}, {"--review", c.Review},
		{"--prefix", c.Prefix}, {"--reload-channel", c.ReloadChannel}} {
		if strings.TrimSpace(f.v) == "" {
			return fmt.Errorf("%s %q: must not be empty or blank", f.flag, f.v)
		}
	}
	for _, a := range strings.Split(c.Redis, ",") {
		if strings.TrimSpace(a) == "" {
			return fmt.Errorf("--redis %q: an empty address in the list", c.Redis)
		}
	}
	if c.Watch < 0 {
		return fmt.Errorf("--watch %s: must be 0 (never) or positive", c.Watch)
	}
	if c.MaxDeliveries < 0 {
		return fmt.Errorf("--max-deliveries %d: must be 0 (retry forever) or positive", c.MaxDeliveries)
	}
	if c.Shards < 1 || c.Shards > 4096 {
		return fmt.Errorf("--shards %d: must be in 1..4096", c.Shards)
	}
	if c.Batch < 1 || c.Batch > 10000 {
		return fmt.Errorf("--batch %d: must be in 1..10000", c.Batch)
	}
	if c.Block < time.Millisecond {
		return fmt.Errorf("--block %s: must be at least 1ms", c.Block)
	}
	if c.ClaimIdle < time.Millisecond || c.ClaimEvery < time.Millisecond {
		return fmt.Errorf("--claim-idle and --claim-every must be at least 1ms")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return fmt.Errorf("--log-format %q: json or text", c.LogFormat)
	}
	return nil
}
