package apigsim

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configure a simulator.
type Options struct {
	// Credentials maps accepted access keys to their secret keys.
	Credentials map[string]string
	// SecurityTokens maps temporary access keys to the X-Security-Token they must send.
	SecurityTokens map[string]string
	// Inventory holds the instances, groups and domains.
	Inventory *Inventory
	// Faults inject failures.
	Faults Faults
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives a line per call; bodies and keys are never logged.
	Logger *slog.Logger
}

// Simulator is an in-memory APIG. It implements http.Handler.
type Simulator struct {
	opts Options
	now  func() time.Time
	log  *slog.Logger
	mux  *http.ServeMux

	mu      sync.Mutex
	domains map[string]*domainState // instance/group/domain
	groups  map[string]*groupState  // instance/group
	inst    map[string]string       // instance → project
	faults  []*faultRule
	calls   map[string]map[string]int
}

type groupState struct {
	id, name string
	domains  []*domainState
}

type domainState struct {
	id, urlDomain string
	cname         int32
	bound         *Bound
}

// Bound is the certificate a domain serves.
type Bound struct {
	SSLID   string            `json:"sslId"`
	SSLName string            `json:"sslName"`
	Leaf    *x509.Certificate `json:"-"`
	// Fingerprint is the lowercase hex SHA-256 of the leaf's DER.
	Fingerprint string    `json:"fingerprint"`
	BoundAt     time.Time `json:"boundAt"`
}

// New returns a simulator; it panics on an invalid inventory or fault, which Open returns.
func New(opts Options) *Simulator {
	s, err := Open(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// Open returns a simulator, or the error of an invalid inventory or fault.
func Open(opts Options) (*Simulator, error) {
	s := &Simulator{opts: opts, now: opts.Now, log: opts.Logger, calls: map[string]map[string]int{}}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	inv := opts.Inventory
	if inv == nil {
		inv = &Inventory{}
	}
	if err := s.SetInventory(inv); err != nil {
		return nil, err
	}
	if err := s.SetFaults(opts.Faults); err != nil {
		return nil, err
	}
	s.mux = http.NewServeMux()
	base := "/v2/{project}/apigw/instances/{instance}/api-groups/{group}"
	s.mux.HandleFunc("GET "+base, s.api(actionShowGroup, s.showGroup))
	s.mux.HandleFunc("POST "+base+"/domains/{domain}/certificate", s.api(actionAssociate, s.associate))
	s.mux.HandleFunc("GET "+base+"/domains/{domain}/certificate/{certificate}", s.api(actionShowCertificate, s.showCertificate))
	s.mux.HandleFunc("DELETE "+base+"/domains/{domain}/certificate/{certificate}", s.api(actionDisassociate, s.disassociate))
	s.mux.HandleFunc("/_sim/", s.serveAdmin)
	return s, nil
}

// Start serves a new simulator on a local test server closed when the test ends, and returns
// it with its base URL.
func Start(t testing.TB, opts Options) (*Simulator, string) {
	t.Helper()
	s := New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// Action names, as the SDK and API Explorer name the calls.
const (
	actionShowGroup       = "ShowDetailsOfApiGroupV2"
	actionAssociate       = "AssociateCertificateV2"
	actionShowCertificate = "ShowDetailsOfDomainNameCertificateV2"
	actionDisassociate    = "DisassociateCertificateV2"
)

// ServeHTTP serves the API and the admin endpoints (see serveAdmin).
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// apiError is an error answer.
type apiError struct {
	status int
	code   string
	msg    string
}

// handler serves one call after authentication and faults; it returns the status and body.
type handler func(r *http.Request, body []byte) (int, any, *apiError)

// maxBody bounds request bodies; a certificate chain and key fit easily.
const maxBody = 1 << 20

func (s *Simulator) api(action string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		requestID := newID()
		w.Header().Set("X-Request-Id", requestID)
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil || len(body) > maxBody {
			s.answer(w, action, requestID, 0, nil, &apiError{http.StatusBadRequest, codeInvalidParameter, "The request body is unreadable or too large"})
			return
		}
		if aerr := s.authenticate(r, body); aerr != nil {
			s.answer(w, action, requestID, 0, nil, aerr)
			return
		}
		f := s.injectFault(action)
		if f.Latency > 0 {
			// A client that gives up ends the wait, as a real server's would.
			select {
			case <-time.After(f.Latency):
			case <-r.Context().Done():
				return
			}
		}
		if f.Drop {
			s.count(action, "Dropped")
			dropConnection(w)
			return
		}
		if f.Code != "" {
			s.answer(w, action, requestID, 0, nil, f.apiError())
			return
		}
		status, out, aerr := h(r, body)
		s.answer(w, action, requestID, status, out, aerr)
	}
}

func (s *Simulator) answer(w http.ResponseWriter, action, requestID string, status int, out any, aerr *apiError) {
	code := "Success"
	if aerr != nil {
		code, status = aerr.code, aerr.status
		out = map[string]string{"error_code": aerr.code, "error_msg": aerr.msg}
	}
	s.count(action, code)
	s.log.Debug("APIG call", "action", action, "code", code, "requestID", requestID)
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Simulator) count(action, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls[action] == nil {
		s.calls[action] = map[string]int{}
	}
	s.calls[action][code]++
}

// Error codes the simulator answers (see the package documentation).
const (
	codeInvalidParameter    = "APIG.2012"
	codeInvalidToken        = "APIG.1002"
	codeGroupNotFound       = "APIG.3001"
	codeDomainNotFound      = "APIG.3020"
	codeCertificateNotFound = "APIG.3021"
	codeInstanceNotFound    = "APIG.3030"
	codeSystemError         = "APIG.9999"
)

// lookup finds the group and, when domainID is set, the domain of a path, checking the
// project and instance first.
func (s *Simulator) lookup(r *http.Request) (*groupState, *domainState, *apiError) {
	project, instance, group := r.PathValue("project"), r.PathValue("instance"), r.PathValue("group")
	if p, ok := s.inst[instance]; !ok || p != project {
		return nil, nil, &apiError{http.StatusNotFound, codeInstanceNotFound, "The instance does not exist;id:" + instance}
	}
	g := s.groups[instance+"/"+group]
	if g == nil {
		return nil, nil, &apiError{http.StatusNotFound, codeGroupNotFound, "API group " + group + " does not exist"}
	}
	id := r.PathValue("domain")
	if id == "" {
		return g, nil, nil
	}
	d := s.domains[instance+"/"+group+"/"+id]
	if d == nil {
		return nil, nil, &apiError{http.StatusNotFound, codeDomainNotFound, "The URL domain does not exist"}
	}
	return g, d, nil
}

func (s *Simulator) showGroup(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, _, aerr := s.lookup(r)
	if aerr != nil {
		return 0, nil, aerr
	}
	domains := []map[string]any{}
	for _, d := range g.domains {
		entry := map[string]any{"id": d.id, "domain": d.urlDomain, "cname_status": d.cname, "min_ssl_version": "TLSv1.2"}
		if d.bound != nil {
			entry["ssl_id"], entry["ssl_name"] = d.bound.SSLID, d.bound.SSLName
		}
		domains = append(domains, entry)
	}
	t := s.now().UTC().Format(time.RFC3339)
	return http.StatusOK, map[string]any{
		"id": g.id, "name": g.name, "status": 1, "sl_domain": g.id + ".apic.example.com",
		"register_time": t, "update_time": t, "on_sell_status": 2, "url_domains": domains,
	}, nil
}

// certForm is AssociateCertificateV2's body.
type certForm struct {
	CertContent *string `json:"cert_content"`
	Name        *string `json:"name"`
	PrivateKey  *string `json:"private_key"`
}

// certName is the reference's rule for name.
var certName = regexp.MustCompile(`^[A-Za-z\p{Han}][A-Za-z0-9_\p{Han}]{3,49}$`)

func invalid(param, why string) *apiError {
	return &apiError{http.StatusBadRequest, codeInvalidParameter,
		"Invalid parameter value,parameterName:" + param + ". " + why}
}

func (s *Simulator) associate(r *http.Request, body []byte) (int, any, *apiError) {
	var f certForm
	if err := json.Unmarshal(body, &f); err != nil {
		return 0, nil, invalid("body", "The body is not a JSON object")
	}
	switch {
	case f.Name == nil || !certName.MatchString(*f.Name):
		return 0, nil, invalid("name", "Please refer to the support documentation")
	case f.CertContent == nil:
		return 0, nil, invalid("cert_content", "It is required")
	case f.PrivateKey == nil:
		return 0, nil, invalid("private_key", "It is required")
	}
	chain, err := parseCertificates(*f.CertContent)
	if err != nil {
		return 0, nil, invalid("cert_content", err.Error())
	}
	pub, err := parsePrivateKey(*f.PrivateKey)
	if err != nil {
		return 0, nil, invalid("private_key", err.Error())
	}
	leaf := chain[0]
	if !keyMatches(leaf, pub) {
		return 0, nil, invalid("private_key", "The private key does not match the certificate")
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	_, d, aerr := s.lookup(r)
	if aerr != nil {
		return 0, nil, aerr
	}
	if !covers(leaf, d.urlDomain) {
		return 0, nil, invalid("cert_content", "The certificate does not match the domain name "+d.urlDomain)
	}
	d.bound = &Bound{SSLID: newID(), SSLName: *f.Name, Leaf: leaf, Fingerprint: fingerprint(leaf), BoundAt: s.now()}
	return http.StatusCreated, map[string]any{
		"url_domain": d.urlDomain, "id": d.id, "status": d.cname, "min_ssl_version": "TLSv1.2",
		"ssl_name": d.bound.SSLName, "ssl_id": d.bound.SSLID,
	}, nil
}

// boundCertificate finds the domain's certificate named in the path.
func (s *Simulator) boundCertificate(r *http.Request) (*domainState, *apiError) {
	_, d, aerr := s.lookup(r)
	if aerr != nil {
		return nil, aerr
	}
	if d.bound == nil || d.bound.SSLID != r.PathValue("certificate") {
		return nil, &apiError{http.StatusNotFound, codeCertificateNotFound, "The certificate is not bound to the domain"}
	}
	return d, nil
}

func (s *Simulator) showCertificate(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, aerr := s.boundCertificate(r)
	if aerr != nil {
		return 0, nil, aerr
	}
	b := d.bound
	t := b.BoundAt.UTC().Format(time.RFC3339)
	return http.StatusOK, map[string]any{
		"id": b.SSLID, "name": b.SSLName, "type": "instance", "instance_id": r.PathValue("instance"),
		"project_id": r.PathValue("project"), "common_name": b.Leaf.Subject.CommonName, "san": b.Leaf.DNSNames,
		"version": b.Leaf.Version, "not_before": b.Leaf.NotBefore.UTC().Format(time.RFC3339),
		"not_after": b.Leaf.NotAfter.UTC().Format(time.RFC3339),
		// Upper case, as consoles print serials; clients must not compare case-sensitively.
		"serial_number":       strings.ToUpper(b.Leaf.SerialNumber.Text(16)),
		"issuer":              []string{b.Leaf.Issuer.CommonName},
		"signature_algorithm": b.Leaf.SignatureAlgorithm.String(),
		"create_time":         t, "update_time": t,
	}, nil
}

func (s *Simulator) disassociate(r *http.Request, _ []byte) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, aerr := s.boundCertificate(r)
	if aerr != nil {
		return 0, nil, aerr
	}
	d.bound = nil
	return http.StatusNoContent, nil, nil
}

func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
