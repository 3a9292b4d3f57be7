// Package ops holds what the organisers watch a fair with, and its tests:
// grafana/fair.json (a Grafana dashboard) and prometheus/alerts.yml (alert
// rules), with prometheus/prometheus.example.yml to scrape the nodes.
//
// ops_test.go checks them for real: promtool check rules; Debian's
// prometheus scraping three real nodes under load (internal/loadfair),
// every dashboard query (its variables substituted) and every metric
// selector of the alerts answered with at least one series, and the
// FairFeedGaps and FairNodeDown alerts firing when a gap is forced and a
// node killed (the rules' "for" shortened to 1 s in the test's copy).
// Importing the dashboard into Grafana is not checked here: Grafana is not
// in Debian.
package ops
