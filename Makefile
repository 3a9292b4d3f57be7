# L'Usine Extraordinaire — world server. See README.md.
#   make run     build the page when needed, run the server on http://localhost:8080
#   make test    install what the tests need, then every test (Go with -race, the page in Chromium)
#   make cluster a fair of three nodes over Redis behind HAProxy on http://localhost:8080 (Ctrl-C stops it)
#   make loadtest-quick   3,000 bots over 3 nodes, under a minute of load: pass/fail on correctness (part of make test)
#   make loadtest-monday  30,000 joins in 5 minutes through the fair-wide join rate, then a burst of 5,000
#   make loadtest-100k    100,000 connections held 5 minutes over 6 nodes (about 10 minutes; loads the whole machine)
#   make loadtest-idle100k 100,000 idle visitors spread over the zone, memory per connection (loads the whole machine)
#   make bench   the benchmarks
#   make figures-nodes   one node, then three over Redis, under the same bots (docs/PERFORMANCE.md § Several nodes)
#   make screenshots   refresh docs/img/ (the page at quality high, with bots)

GO      ?= go
NPM     ?= npm
WEB_SRC := $(wildcard web/src/*) web/build.mjs web/package.json web/package-lock.json

.PHONY: run cluster figures-nodes web test test-go test-web deps bench fuzz check-zone screenshots clean loadtest-quick loadtest-monday loadtest-100k loadtest-idle100k load-bins

run: web/dist/index.html
	$(GO) run ./cmd/fairserver $(ARGS)

# Redis (appendonly yes), three nodes and HAProxy; ARGS go to cmd/cluster
# (e.g. ARGS="-nodes 2 -- -heartbeat-ttl 1s").
cluster: web/dist/index.html
	./scripts/test-deps.sh cluster
	$(GO) run ./cmd/cluster $(ARGS)

# The figures of docs/PERFORMANCE.md § Several nodes (about 6 minutes; the
# environment variables are in the script: N, PAIRS, WARMUP, DURATION, OUT).
figures-nodes: web/dist/index.html
	./scripts/test-deps.sh figures
	./scripts/figures-nodes.sh

web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund --loglevel=error

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SRC)
	cd web && $(NPM) run --silent build

deps:
	./scripts/test-deps.sh

test: deps web
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...
	cd web && $(NPM) test
	$(MAKE) loadtest-quick

# The whole chain under load with built binaries, without -race (cmd/loadfair):
# a correctness smoke test (every bot welcomed, no unexpected disconnect, the
# probes find nothing wrong), not a speed test. LOADTEST_OUT keeps the report.
LOADTEST_OUT ?= $(shell mktemp -d /tmp/loadtest-quick.XXXXXX)
# What every load run needs: Redis and the three binaries (the nodes embed the page).
load-bins: web/dist/index.html
	./scripts/test-deps.sh cluster
	$(GO) build -o bin/loadfair ./cmd/loadfair
	$(GO) build -o bin/fairserver ./cmd/fairserver
	$(GO) build -o bin/bots ./cmd/bots

loadtest-quick: load-bins
	timeout 170 ./bin/loadfair -preset quick -fairserver bin/fairserver -bots bin/bots -out $(LOADTEST_OUT)

# Monday morning (docs/PERFORMANCE.md): 30,000 joins in 5 minutes, then 5,000 in 10 s.
loadtest-monday: load-bins
	./bin/loadfair -preset monday -fairserver bin/fairserver -bots bin/bots -out docs/load/monday

# 100,000 connections (docs/PERFORMANCE.md); report and plots in docs/load/100k.
loadtest-100k: load-bins
	./bin/loadfair -preset 100k -fairserver bin/fairserver -bots bin/bots -out docs/load/100k

# Memory per connection (docs/PERFORMANCE.md): 100,000 idle visitors spread over the zone, 6 nodes.
loadtest-idle100k: load-bins
	./bin/loadfair -preset idle100k -fairserver bin/fairserver -bots bin/bots -out docs/load/idle100k

test-go:
	$(GO) test -race -count=1 ./...

test-web: deps web
	cd web && $(NPM) test

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./protocol/ ./world/... ./server/pseudonym/ ./server/feed/

fuzz:
	$(GO) test -run '^$$' -fuzz FuzzDecodeClient -fuzztime 30s ./protocol/
	$(GO) test -run '^$$' -fuzz FuzzDecodeServer -fuzztime 30s ./protocol/
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime 30s -fuzzminimizetime 3s ./world/zone/
	$(GO) test -run '^$$' -fuzz FuzzLoad -fuzztime 30s -fuzzminimizetime 3s ./world/content/
	$(GO) test -run '^$$' -fuzz FuzzCheck -fuzztime 30s ./server/pseudonym/
	$(GO) test -run '^$$' -fuzz FuzzDecodeRecord -fuzztime 30s ./server/feed/
	$(GO) test -run '^$$' -fuzz FuzzParseToken -fuzztime 30s ./server/presence/

screenshots: deps web
	cd web && $(NPM) run --silent screenshots

check-zone:
	$(GO) run ./cmd/zonecheck $(if $(CONTENTS),-contents $(CONTENTS)) $(ZONE)

clean:
	find web/dist -mindepth 1 ! -name .gitkeep -delete
