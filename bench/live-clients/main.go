// Command live-clients holds thousands of graphql-transport-ws subscribers for the live benchmark
// (bench/scenarios/live.ts) and records when each event reaches each of them.
//
// Why a separate Go program: on the benchmark machine the clients share the cores with the gateway
// they measure. Node's per-socket read path cost the Node harness about as much CPU per delivery as the
// gateway spent sending it, and its lag was part of every figure. Here each message costs a goroutine
// wake-up and a small JSON decode, so the figures say more about the gateway and less about the clients.
//
// It is driven by the scenario over stdin and stdout, one JSON object per line:
//
//	stdin:  {"cmd":"subscribe","query":"...","variables":{...}}
//	        {"cmd":"reset"}   forget every receive time and count recorded so far
//	        {"cmd":"take"}    print {"take":[[ms,...],...],"errors":n}: per client, receive times in ms since the epoch
//	        {"cmd":"close"}   close every connection and exit
//	stdout: {"connected":n} once every client has its connection_ack, then {"gen":g,"received":n,"errors":e}
//	        as they change (g: how many resets so far)
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

type client struct {
	conn  *websocket.Conn
	write sync.Mutex // gorilla allows one writer at a time: subscribe (main) and pong (reader)
	mu    sync.Mutex
	times []float64
}

type message struct {
	Type    string `json:"type"`
	Payload struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []json.RawMessage          `json:"errors"`
	} `json:"payload"`
}

var (
	// generation counts resets; progress lines carry it so the scenario ignores counts from before one.
	stateMu    sync.Mutex
	generation int64
	received   atomic.Int64
	errors     atomic.Int64
	out        = bufio.NewWriterSize(os.Stdout, 1<<20)
	outMu      sync.Mutex
)

func emit(v any) {
	outMu.Lock()
	defer outMu.Unlock()
	b, _ := json.Marshal(v)
	out.Write(append(b, '\n'))
	out.Flush()
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func (c *client) send(v any) error {
	c.write.Lock()
	defer c.write.Unlock()
	return c.conn.WriteJSON(v)
}

func dial(url string) (*client, error) {
	dialer := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 30 * time.Second}
	conn, _, err := dialer.Dial(url, http.Header{})
	if err != nil {
		return nil, err
	}
	c := &client{conn: conn}
	if err := c.send(map[string]any{"type": "connection_init", "payload": map[string]any{}}); err != nil {
		return nil, err
	}
	var ack message
	if err := conn.ReadJSON(&ack); err != nil || ack.Type != "connection_ack" {
		return nil, fmt.Errorf("no connection_ack (got %q): %v", ack.Type, err)
	}
	return c, nil
}

// read records each `next` the moment it is read, before decoding it, and answers pings.
func (c *client) read() {
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		at := float64(time.Now().UnixNano()) / 1e6
		var m message
		if json.Unmarshal(data, &m) != nil {
			errors.Add(1)
			continue
		}
		switch m.Type {
		case "next":
			if !delivered(&m) {
				errors.Add(1)
				continue
			}
			c.mu.Lock()
			c.times = append(c.times, at)
			c.mu.Unlock()
			received.Add(1)
		case "ping":
			c.send(map[string]string{"type": "pong"})
		case "error", "complete":
			errors.Add(1)
		}
	}
}

// delivered is true for a result without errors whose root field has a value.
func delivered(m *message) bool {
	if len(m.Payload.Errors) > 0 || len(m.Payload.Data) == 0 {
		return false
	}
	for _, v := range m.Payload.Data {
		if string(v) == "null" {
			return false
		}
	}
	return true
}

func main() {
	url := flag.String("url", "", "the gateway's WebSocket URL")
	count := flag.Int("count", 1000, "clients to open")
	concurrency := flag.Int("concurrency", 100, "connections being opened at once")
	flag.Parse()
	if *url == "" {
		fail("--url is required")
	}

	clients := make([]*client, *count)
	var wg sync.WaitGroup
	slots := make(chan struct{}, *concurrency)
	var dialErr atomic.Value
	for i := range clients {
		wg.Add(1)
		slots <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-slots }()
			c, err := dial(*url)
			if err != nil {
				dialErr.Store(fmt.Sprintf("client %d: %v", i, err))
				return
			}
			clients[i] = c
		}(i)
	}
	wg.Wait()
	if e := dialErr.Load(); e != nil {
		fail("%s", e)
	}
	for _, c := range clients {
		go c.read()
	}
	emit(map[string]int{"connected": len(clients)})

	// Progress: the scenario waits on these counts to send its next event.
	go func() {
		var last, lastErr int64 = -1, -1
		for range time.Tick(2 * time.Millisecond) {
			stateMu.Lock()
			g, r, e := generation, received.Load(), errors.Load()
			stateMu.Unlock()
			if r != last || e != lastErr {
				last, lastErr = r, e
				emit(map[string]int64{"gen": g, "received": r, "errors": e})
			}
		}
	}()

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		var cmd struct {
			Cmd       string         `json:"cmd"`
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if err := json.Unmarshal(in.Bytes(), &cmd); err != nil {
			fail("bad command %q: %v", in.Text(), err)
		}
		switch cmd.Cmd {
		case "subscribe":
			for _, c := range clients {
				msg := map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": cmd.Query, "variables": cmd.Variables}}
				if err := c.send(msg); err != nil {
					fail("subscribe: %v", err)
				}
			}
		case "reset":
			stateMu.Lock()
			for _, c := range clients {
				c.mu.Lock()
				c.times = c.times[:0]
				c.mu.Unlock()
			}
			received.Store(0)
			errors.Store(0)
			generation++
			stateMu.Unlock()
		case "take":
			times := make([][]float64, len(clients))
			for i, c := range clients {
				c.mu.Lock()
				times[i] = append([]float64(nil), c.times...)
				c.mu.Unlock()
			}
			emit(map[string]any{"take": times, "errors": errors.Load()})
		case "close":
			for _, c := range clients {
				c.write.Lock()
				c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
				c.write.Unlock()
				c.conn.Close()
			}
			os.Exit(0)
		default:
			fail("unknown command %q", cmd.Cmd)
		}
	}
}
