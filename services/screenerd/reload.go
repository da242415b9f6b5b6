package main

import (
	"context"
	"os"
	"time"

	"github.com/screener-dev/screener/bindings/go/screener"
)

// Reloads: the --db file is watched (polled every --watch; a change of
// size, modification time or inode triggers a load), and a message on
// --reload-channel names a Redis key holding a database to load (the
// fleet-wide path: 'screenerd publish-db'). A database that does not load
// (corrupt, truncated, wrong version) is refused and the current one keeps
// serving; each process publishes the fingerprint it serves in the node
// hash and the screener_db_info metric.

type fileStamp struct {
	size  int64
	mtime time.Time
	ino   uint64
}

func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{size: fi.Size(), mtime: fi.ModTime(), ino: inode(fi)}, nil
}

// watchFile polls the database file until ctx ends.
func (s *Service) watchFile(ctx context.Context) {
	path := s.cfg.DB
	if path == "" || s.cfg.Watch <= 0 {
		return
	}
	last, _ := stampOf(path)
	missing := false
	t := time.NewTicker(s.cfg.Watch)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st, err := stampOf(path)
		if err != nil {
			if !missing {
				s.m.reloads.WithLabelValues("missing").Inc()
				fp, v := s.Fingerprint()
				s.log.Error("database file not readable; the current one keeps serving", "path", path, "err", err,
					"fingerprint", fp, "db_version", v)
			}
			missing = true
			continue
		}
		missing = false
		if st == last {
			continue
		}
		last = st
		s.reloaded("file "+path, s.db.Load(path))
	}
}

// watchChannel loads the databases announced on the reload channel.
func (s *Service) watchChannel(ctx context.Context) {
	sub := s.rdb.Subscribe(ctx, s.cfg.ReloadChannel)
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			s.loadKey(ctx, msg.Payload)
		}
	}
}

// loadKey loads the database stored in a Redis key.
func (s *Service) loadKey(ctx context.Context, key string) {
	b, err := s.rdb.Get(ctx, key).Bytes()
	if err == nil {
		var db *screener.DB
		if db, err = screener.FromBytes(b); err == nil {
			err = s.db.Swap(db)
		}
	}
	s.reloaded("redis key "+key, err)
}

func (s *Service) reloaded(from string, err error) {
	if err != nil {
		s.m.reloads.WithLabelValues("refused").Inc()
		fp, v := s.Fingerprint()
		s.log.Error("database refused; the current one keeps serving", "from", from, "err", err,
			"fingerprint", fp, "db_version", v)
		return
	}
	s.m.reloads.WithLabelValues("ok").Inc()
	s.noteDB()
	fp, v := s.Fingerprint()
	s.log.Info("database loaded", "from", from, "fingerprint", fp, "db_version", v)
}

// StartReloads runs both watchers until ctx ends.
func (s *Service) StartReloads(ctx context.Context) {
	go s.watchFile(ctx)
	go s.watchChannel(ctx)
}
