package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// LocalRedis is a redis-server this process started on a loopback port
// (tests and the load test; never used by the service itself).
type LocalRedis struct {
	Addr   string
	Dir    string
	args   []string
	cmd    *exec.Cmd
	exited chan struct{}
}

func freeLoopbackPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// StartLocalRedis starts redis-server on a free loopback port with its
// files in dir (no persistence) and waits until it answers PING.
func StartLocalRedis(dir string, extra ...string) (*LocalRedis, error) {
	var lastErr error
	for range 3 { // the free port may be taken between probe and bind
		port, err := freeLoopbackPort()
		if err != nil {
			return nil, err
		}
		d := filepath.Join(dir, strconv.Itoa(port))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
		args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
			"--appendonly", "no", "--dir", d, "--logfile", filepath.Join(d, "redis.log")}, extra...)
		r := &LocalRedis{Addr: fmt.Sprintf("127.0.0.1:%d", port), Dir: d, args: args,
			cmd: exec.Command("redis-server", args...), exited: make(chan struct{})}
		if err := r.cmd.Start(); err != nil {
			return nil, fmt.Errorf("redis-server: %w (scripts/install-deps installs it)", err)
		}
		go func() { r.cmd.Wait(); close(r.exited) }()
		if lastErr = r.waitPing(); lastErr == nil {
			return r, nil
		}
		r.Stop()
	}
	return nil, lastErr
}

func (r *LocalRedis) waitPing() error {
	c := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer c.Close()
	for range 200 {
		select {
		case <-r.exited:
			log, _ := os.ReadFile(filepath.Join(r.Dir, "redis.log"))
			return fmt.Errorf("redis-server on %s exited:\n%s", r.Addr, log)
		default:
		}
		if c.Ping(context.Background()).Err() == nil {
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("redis-server on %s did not answer PING in 5 s", r.Addr)
}

// StartAgain starts a new, empty server on the same port after Stop (a
// Redis restart without persistence, as clients see it).
func (r *LocalRedis) StartAgain() error {
	r.cmd, r.exited = exec.Command("redis-server", r.args...), make(chan struct{})
	if err := r.cmd.Start(); err != nil {
		return err
	}
	go func() { r.cmd.Wait(); close(r.exited) }()
	return r.waitPing()
}

// Stop kills the server (it has no data worth keeping).
func (r *LocalRedis) Stop() {
	r.cmd.Process.Kill()
	<-r.exited
}

// StartLocalCluster starts n masters with cluster mode on and joins them
// with redis-cli --cluster create; it waits for cluster_state:ok.
func StartLocalCluster(dir string, n int) ([]*LocalRedis, error) {
	var rs []*LocalRedis
	stop := func() {
		for _, r := range rs {
			r.Stop()
		}
	}
	var addrs []string
	for range n {
		r, err := StartLocalRedis(dir, "--cluster-enabled", "yes", "--cluster-node-timeout", "5000")
		if err != nil {
			stop()
			return nil, err
		}
		rs = append(rs, r)
		addrs = append(addrs, r.Addr)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		stop()
		return nil, fmt.Errorf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, a := range addrs {
		c := redis.NewClient(&redis.Options{Addr: a})
		ok := false
		for i := 0; i < 600 && !ok; i++ {
			ok = strings.Contains(c.ClusterInfo(context.Background()).Val(), "cluster_state:ok")
			if !ok {
				time.Sleep(50 * time.Millisecond)
			}
		}
		c.Close()
		if !ok {
			stop()
			return nil, errors.New("cluster did not reach cluster_state:ok in 30 s on " + a)
		}
	}
	return rs, nil
}
