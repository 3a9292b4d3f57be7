module github.com/usine-extraordinaire/fairworld

go 1.26.8

require (
	github.com/coder/websocket v1.8.15 // indirect
	github.com/lafriks/go-tiled v0.15.0 // indirect
	github.com/prometheus/client_golang v1.25.0 // indirect
	github.com/vmihailenco/msgpack/v5 v5.4.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)
