package bench

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// call is one SSL API call as the simulator answered it. Only identifiers are kept: request
// bodies, which carry private keys, are read for the fields named here and dropped.
type call struct {
	at     time.Time
	action string
	// code is the error code, or "" for success.
	code string
	// alias is an upload's alias; certificateID the uploaded certificate, or the one a
	// deployment task was created for.
	alias, certificateID string
}

// callLog wraps the simulator's handler and records every API call with its time, which the
// simulator's own counters do not keep.
type callLog struct {
	mu    sync.Mutex
	calls []call
}

func (l *callLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_sim/") {
			next.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &captureWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		c := call{at: time.Now(), action: r.Header.Get("X-TC-Action")}
		var req struct {
			Alias         string `json:"Alias"`
			CertificateID string `json:"CertificateId"`
		}
		_ = json.Unmarshal(body, &req)
		var resp struct {
			Response struct {
				Error *struct {
					Code string `json:"Code"`
				} `json:"Error"`
				CertificateID  string `json:"CertificateId"`
				DeployRecordID int64  `json:"DeployRecordId"`
			} `json:"Response"`
		}
		_ = json.Unmarshal(rec.buf.Bytes(), &resp)
		if e := resp.Response.Error; e != nil {
			c.code = e.Code
		}
		switch c.action {
		case "UploadCertificate":
			c.alias, c.certificateID = req.Alias, resp.Response.CertificateID
		case "DeployCertificateInstance":
			if resp.Response.DeployRecordID != 0 {
				c.certificateID = req.CertificateID
			}
		}
		l.mu.Lock()
		l.calls = append(l.calls, c)
		l.mu.Unlock()
	})
}

// mark is a position in the log, to count the calls made after it.
func (l *callLog) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.calls)
}

// since returns the calls recorded after mark.
func (l *callLog) since(mark int) []call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]call(nil), l.calls[mark:]...)
}

// throttled reports whether a call was answered with a throttling code.
func (c call) throttled() bool { return strings.Contains(c.code, "LimitExceeded") }

// byAction counts calls per action.
func byAction(calls []call) map[string]int {
	m := map[string]int{}
	for _, c := range calls {
		m[c.action]++
	}
	return m
}

// formatCounts renders counts as action:n pairs sorted by action, a single word.
func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+":"+strconv.Itoa(m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// rate is the calls per second of the successful calls of action over the window from the
// first to the last of them.
func rate(calls []call, action string) (perSecond float64, n int) {
	var first, last time.Time
	for _, c := range calls {
		if c.action != action || c.code != "" {
			continue
		}
		if n == 0 {
			first = c.at
		}
		last = c.at
		n++
	}
	if n < 2 || !last.After(first) {
		return 0, n
	}
	return float64(n-1) / last.Sub(first).Seconds(), n
}

type captureWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *captureWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}
