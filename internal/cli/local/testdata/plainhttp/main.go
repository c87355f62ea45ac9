// Command plainhttp is the plain net/http baseline that docs/PERFORMANCE.md
// compares `gochalice local` with: it answers every request with the JSON
// the scaffolded hello app returns.
//
//	go run ./internal/cli/local/testdata/plainhttp -addr 127.0.0.1:8001
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8001", "address to listen on")
	body := flag.String("body", `{"hello":"world"}`, "JSON body of every answer")
	flag.Parse()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, *body)
	})
	log.Fatal(http.ListenAndServe(*addr, h))
}
