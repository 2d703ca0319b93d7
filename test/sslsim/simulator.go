package sslsim

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// maxBodyBytes is the documented POST size limit for signature v3.
const maxBodyBytes = 10 << 20

// Options configures a Simulator.
type Options struct {
	// Credentials maps each accepted SecretId to its SecretKey.
	Credentials map[string]string
	// Tokens maps SecretIds of temporary credentials to the X-TC-Token
	// they must send. Requests for other SecretIds must not send a token.
	Tokens map[string]string
	// DeployDuration, when positive, fixes how long every asynchronous
	// task takes: deploy, update and rollback items (which then skip the
	// queue and deploy at once), delete checks and bound-resource queries.
	// Zero, the default, draws realistic durations compressed by
	// TimeScale; a negative value completes work on the next request.
	DeployDuration time.Duration
	// TimeScale compresses simulated time: realistic task durations and
	// the instance cache age are divided by it, so 60 makes a task of a
	// minute take a second. Zero means 1 (real time).
	TimeScale float64
	// Seed seeds the spread of realistic durations and latencies; a given
	// sequence of requests always gets the same ones.
	Seed uint64
	// InstanceCache is how long cached instance data may be (default, 0:
	// the documented half hour, compressed by TimeScale). DeployCertificate
	// Instance and the instance lists read it unless IsCache is 0. A
	// negative value turns the cache off.
	InstanceCache time.Duration
	// RegionalLists selects the reading of §9.2 (DescribeHost*InstanceList
	// takes no Region): when true, the default (nil), regional products are
	// listed only in the request's region (the Region header, else the
	// endpoint's); when false, in every region.
	RegionalLists *bool
	// Latency delays every API answer by a duration drawn from it, in real
	// time (it is not scaled). The zero value adds none.
	Latency Latency
	// Now is the clock; nil means time.Now. Task progress is evaluated
	// lazily against it, so tests can drive tasks with a fake clock.
	Now func() time.Time
	// DisableRateLimits turns off the documented per-action rate limits,
	// which are on by default.
	DisableRateLimits bool
	// UpdateCreationPolls is how many identical UpdateCertificateInstance
	// or UploadUpdateCertificateInstance calls answer DeployRecordId 0
	// ("task being created") before the task exists. Zero means 1;
	// a negative value creates the task on the first call.
	UpdateCreationPolls int
	// Inventory is the initial set of cloud resources; nil means none.
	Inventory *Inventory
	// Faults is the initial fault injection configuration.
	Faults Faults
	// StateFile, if set, persists certificates, bindings and records as
	// JSON, rewritten atomically after every change, and is loaded on start.
	StateFile string
	// Logger receives one debug line per API call; nil discards logs.
	// Request bodies and credentials are never logged.
	Logger *slog.Logger
}

// Simulator is an in-memory Tencent Cloud SSL API. It implements
// http.Handler for both the API (POST /) and the admin endpoints (/_sim/).
type Simulator struct {
	opts Options
	now  func() time.Time
	log  *slog.Logger

	mu     sync.Mutex
	st     *store
	faults faultState
	rng    *mathrand.Rand
	// spread draws durations and latencies, seeded by Options.Seed.
	spread   *mathrand.Rand
	limiters map[string]*rate.Limiter
	calls    map[string]map[string]int
	handled  map[string]int
	// saved is the state file content last written.
	saved []byte
}

// New returns a simulator. It panics if the options are invalid or
// opts.StateFile cannot be read; use Open to handle those errors.
func New(opts Options) *Simulator {
	s, err := Open(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Open returns a simulator, loading opts.StateFile if it exists. An
// inventory in opts replaces the one in the state file.
func Open(opts Options) (*Simulator, error) {
	s := &Simulator{
		opts: opts,
		now:  opts.Now,
		log:  opts.Logger,
		// A fixed seed keeps probabilistic faults reproducible.
		rng:      mathrand.New(mathrand.NewPCG(1, 2)),
		spread:   mathrand.New(mathrand.NewPCG(opts.Seed, 0x5eed)),
		limiters: map[string]*rate.Limiter{},
		calls:    map[string]map[string]int{},
		handled:  map[string]int{},
		st:       newStore(),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if err := opts.Latency.Validate(); err != nil {
		return nil, err
	}
	if opts.TimeScale < 0 {
		return nil, fmt.Errorf("sslsim: the time scale must not be negative")
	}
	if opts.StateFile != "" {
		st, err := loadStore(opts.StateFile)
		if err != nil {
			return nil, err
		}
		s.st = st
	}
	if opts.Inventory != nil {
		if err := opts.Inventory.Validate(); err != nil {
			return nil, err
		}
		s.st.Inventory = opts.Inventory.clone()
	}
	if err := s.setFaults(opts.Faults); err != nil {
		return nil, err
	}
	s.persist()
	return s, nil
}

// Start serves a new simulator on a local test server that is closed when
// the test ends, and returns it with its base URL.
func Start(t testing.TB, opts Options) (*Simulator, string) {
	t.Helper()
	s, err := Open(opts)
	if err != nil {
		t.Fatalf("start SSL simulator: %v", err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// ServeHTTP serves the API at "/" and these admin endpoints, which need no
// signature:
//
//	GET  /_sim/state        certificates, bindings and records (no private keys)
//	PUT  /_sim/inventory    replace the inventory (YAML or JSON); new resources are
//	                        created now, or ?age=45m ago
//	POST /_sim/age          make resources older (an AgeRequest), so cached reads see them
//	PUT  /_sim/faults       replace the fault injection configuration (YAML or JSON)
//	GET  /_sim/calls        call counts per action and outcome code
//	POST /_sim/calls/reset  clear the call counts
//	POST /_sim/bind         bind a target out of band (a BindRequest)
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sim/") {
		s.serveAdmin(w, r)
		return
	}
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	s.serveAPI(w, r)
}

// call carries the request context of one API call.
type call struct {
	now time.Time
	// region is the Region header; access the region of the endpoint.
	region   string
	access   string
	secretID string
}

// regionalLists is Options.RegionalLists with its default.
func (s *Simulator) regionalLists() bool {
	return s.opts.RegionalLists == nil || *s.opts.RegionalLists
}

func (s *Simulator) serveAPI(w http.ResponseWriter, r *http.Request) {
	requestID := newRequestID()
	action := r.Header.Get("X-TC-Action")
	sleep(r.Context(), s.delay())
	resp, aerr, drop := s.handleAPI(r, action)
	if drop {
		s.count(action, "Dropped")
		dropConnection(w)
		return
	}
	envelope := map[string]any{}
	code := "Success"
	if aerr != nil {
		code = aerr.Code
		envelope["Error"] = map[string]string{"Code": aerr.Code, "Message": aerr.Message}
	} else if resp != nil {
		data, err := json.Marshal(resp)
		if err == nil {
			err = json.Unmarshal(data, &envelope)
		}
		if err != nil {
			code = CodeInternalError
			envelope = map[string]any{"Error": map[string]string{"Code": CodeInternalError, "Message": "The response could not be encoded."}}
		}
	}
	envelope["RequestId"] = requestID
	s.count(action, code)
	s.log.Debug("Handled API call", "action", action, "code", code, "requestId", requestID)
	writeJSON(w, http.StatusOK, map[string]any{"Response": envelope})
}

// handleAPI validates, authenticates and dispatches one API call.
func (s *Simulator) handleAPI(r *http.Request, action string) (any, *apiError, bool) {
	if r.Method != http.MethodPost {
		return nil, errorf(CodeUnsupportedProtocol, "Only POST requests with a JSON body are supported."), false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, errorf(CodeInvalidParameter, "The request body could not be read."), false
	}
	if len(body) > maxBodyBytes {
		return nil, errorf(CodeRequestSizeLimitExceeded, "The request body exceeds 10 MB."), false
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, errorf(CodeUnsupportedOperation, "Only application/json requests signed with TC3-HMAC-SHA256 are supported."), false
	}
	if action == "" {
		return nil, errorf(CodeMissingParameter, "The request is missing a required parameter `Action`."), false
	}
	secretID, aerr := s.authenticate(r, body, s.now())
	if aerr != nil {
		return nil, aerr, false
	}
	switch v := r.Header.Get("X-TC-Version"); {
	case v == "":
		return nil, errorf(CodeMissingParameter, "The request is missing a required parameter `Version`."), false
	case v != apiVersion:
		return nil, errorf(CodeNoSuchVersion, "The API version %q does not exist for this product.", v), false
	}
	handler, ok := actions[action]
	if !ok {
		return nil, errorf(CodeInvalidAction, "The action %q does not exist.", action), false
	}
	region, access := r.Header.Get("X-TC-Region"), accessRegion(r.Host)
	if aerr := checkRegion(region, access); aerr != nil {
		return nil, aerr, false
	}

	s.mu.Lock()
	limited := s.rateLimited(action, access, secretID, s.now())
	f := s.injectFault(action)
	s.mu.Unlock()
	if limited {
		return nil, errorf(CodeRateLimitExceeded, "The request rate of %s exceeded its limit.", action), false
	}
	if !f.AfterHandling {
		sleep(r.Context(), f.Latency.Duration)
		if f.Drop || f.Code != "" {
			return nil, f.apiError(), f.Drop
		}
	}

	s.mu.Lock()
	c := &call{now: s.now(), region: region, access: access, secretID: secretID}
	s.advance(c.now)
	resp, aerr := handler(s, c, body)
	s.handled[action]++
	s.persist()
	s.mu.Unlock()
	if f.AfterHandling {
		// The answer is slow or lost on its way back: the call has taken effect.
		sleep(r.Context(), f.Latency.Duration)
	}
	if f.Drop || f.Code != "" {
		return nil, f.apiError(), f.Drop
	}
	return resp, aerr, false
}

// Handled reports how many calls of action took effect, including those whose answer a fault
// then delayed or lost.
func (s *Simulator) Handled(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.handled[action]
}

// count records the outcome of one API call.
func (s *Simulator) count(action, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls[action] == nil {
		s.calls[action] = map[string]int{}
	}
	s.calls[action][code]++
}

// persist writes the state file, if any, when the state changed. A failed
// write is logged and retried on the next call.
func (s *Simulator) persist() {
	if s.opts.StateFile == "" {
		return
	}
	data, err := s.st.encode()
	if err == nil && bytes.Equal(data, s.saved) {
		return
	}
	if err == nil {
		err = writeFileAtomic(s.opts.StateFile, data)
	}
	if err != nil {
		s.log.Error("Failed to write the state file", "error", err)
		return
	}
	s.saved = data
}

// dropConnection closes the client connection without answering.
func dropConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// newRequestID returns a random (version 4) UUID.
func newRequestID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
