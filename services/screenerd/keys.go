package main

import (
	"fmt"
	"hash/crc32"
)

// Keys names every Redis key the service uses. Work is split into shards;
// shard k's keys all carry the hash tag {sk}, so in a Redis Cluster a
// shard's input stream, verdict and review streams and its users' state
// live in one slot and the verdict script touches one node. A user always
// maps to the same shard (ShardOf), so producers write a user's messages
// to that shard's input stream.
type Keys struct {
	Prefix string // per-user state: Prefix:{sk}:...
	In     string // input stream base name: In:{sk}
	Out    string // verdict stream base name
	Review string // review stream base name
	Nodes  string // hash node -> database fingerprint
	Shards int
}

func tag(shard int) string { return fmt.Sprintf("{s%d}", shard) }

// ShardOf is the CRC-32 (IEEE, as zlib.crc32) of the user id's bytes,
// modulo the shard count: easy to compute in any producer.
func (k Keys) ShardOf(user string) int {
	if k.Shards <= 1 {
		return 0
	}
	return int(crc32.ChecksumIEEE([]byte(user)) % uint32(k.Shards))
}

func (k Keys) InStream(shard int) string     { return k.In + ":" + tag(shard) }
func (k Keys) OutStream(shard int) string    { return k.Out + ":" + tag(shard) }
func (k Keys) ReviewStream(shard int) string { return k.Review + ":" + tag(shard) }
func (k Keys) user(shard int, kind, id string) string {
	return k.Prefix + ":" + tag(shard) + ":" + kind + ":" + id
}
func (k Keys) Done(shard int, msgID string) string { return k.user(shard, "done", msgID) }
func (k Keys) Strikes(shard int, user string) string {
	return k.user(shard, "strikes", user)
}
func (k Keys) State(shard int, user string) string { return k.user(shard, "penalty", user) }

// Rate is per user and group; the user id is length-prefixed so that no
// (user, group) pair can name another pair's key.
func (k Keys) Rate(shard int, user, group string) string {
	return k.user(shard, "rate", fmt.Sprintf("%d:%s:%s", len(user), user, group))
}
