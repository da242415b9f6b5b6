package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics of one process (its own registry, so tests can run several
// services in one process).
type Metrics struct {
	reg        *prometheus.Registry
	messages   *prometheus.CounterVec
	penalties  *prometheus.CounterVec
	errors     *prometheus.CounterVec
	reloads    *prometheus.CounterVec
	duplicates prometheus.Counter
	claimed    prometheus.Counter
	batch      prometheus.Histogram
	latency    prometheus.Histogram
	dbVersion  prometheus.Gauge
	dbInfo     *prometheus.GaugeVec
}

func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.messages = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "screener_messages_total",
		Help: "Verdicts written, by final action."}, []string{"action"})
	m.penalties = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "screener_penalties_total",
		Help: "Penalties given (a ladder rule reached), by penalty."}, []string{"penalty"})
	m.errors = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "screener_errors_total",
		Help: "Failures by stage (read, scan, verdict, ack, claim); the entries stay pending."}, []string{"stage"})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "screener_reloads_total",
		Help: "Database reloads by result (ok, refused, missing: the watched file disappeared)."}, []string{"result"})
	m.duplicates = prometheus.NewCounter(prometheus.CounterOpts{Name: "screener_duplicates_total",
		Help: "Redelivered messages whose verdict already existed (no second verdict written)."})
	m.claimed = prometheus.NewCounter(prometheus.CounterOpts{Name: "screener_claimed_total",
		Help: "Entries claimed from other consumers (XAUTOCLAIM)."})
	m.batch = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "screener_batch_seconds",
		Help: "Time to scan a batch and write its verdicts.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14)})
	m.latency = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "screener_latency_seconds",
		Help:    "From the input entry's id time (XADD) to its verdict (ms resolution).",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)})
	m.dbVersion = prometheus.NewGauge(prometheus.GaugeOpts{Name: "screener_db_version",
		Help: "Version of the served database in this process (1, then +1 per reload)."})
	m.dbInfo = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "screener_db_info",
		Help: "1 for the fingerprint of the database this process serves."}, []string{"fingerprint"})
	m.reg.MustRegister(m.messages, m.penalties, m.errors, m.reloads, m.duplicates, m.claimed,
		m.batch, m.latency, m.dbVersion, m.dbInfo,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) setDB(oldFP, fp string, version uint64) {
	if oldFP != "" && oldFP != fp {
		m.dbInfo.DeleteLabelValues(oldFP)
	}
	m.dbInfo.WithLabelValues(fp).Set(1)
	m.dbVersion.Set(float64(version))
}
