package collect

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics exports, per feed, what the collectors collected across every process (read
// from the database when Prometheus scrapes): files, rows and rejected rows, the time of
// the last successful collection, and whether the feed is silent.
type Metrics struct {
	s                                      *Service
	files, rows, rejected, success, silent *prometheus.Desc
}

// Metrics returns the collector of the feed metrics, for registering.
func (s *Service) Metrics() *Metrics {
	feed := []string{"feed"}
	return &Metrics{s: s,
		files:    prometheus.NewDesc("baken_feed_files_total", "Files collected for the feed (new content only).", feed, nil),
		rows:     prometheus.NewDesc("baken_feed_rows_total", "Rows read from the feed's collected files.", feed, nil),
		rejected: prometheus.NewDesc("baken_feed_rejected_total", "Rows of the feed's collected files that were rejected.", feed, nil),
		success:  prometheus.NewDesc("baken_feed_last_success_timestamp_seconds", "When the feed's collector last ran without error.", feed, nil),
		silent:   prometheus.NewDesc("baken_feed_silent", "1 when the feed delivered nothing for longer than its expect_within.", feed, nil),
	}
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.files, m.rows, m.rejected, m.success, m.silent} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	totals, err := m.s.store.CollectTotals(ctx)
	if err != nil {
		m.s.log.Warn("feed metrics", "err", err)
		return
	}
	for _, t := range totals {
		ch <- prometheus.MustNewConstMetric(m.files, prometheus.CounterValue, float64(t.Files), t.Feed)
		ch <- prometheus.MustNewConstMetric(m.rows, prometheus.CounterValue, float64(t.Rows), t.Feed)
		ch <- prometheus.MustNewConstMetric(m.rejected, prometheus.CounterValue, float64(t.Rejected), t.Feed)
	}
	feeds, err := m.s.collected(ctx)
	if err != nil {
		m.s.log.Warn("feed metrics", "err", err)
		return
	}
	now := m.s.now()
	for _, c := range feeds {
		f, cfg, st := c.feed, c.cfg, c.state
		if !st.LastSuccessAt.IsZero() {
			ch <- prometheus.MustNewConstMetric(m.success, prometheus.GaugeValue, float64(st.LastSuccessAt.Unix()), f.Name)
		}
		v := 0.0
		if silent(f, cfg, st, now) {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(m.silent, prometheus.GaugeValue, v, f.Name)
	}
}
