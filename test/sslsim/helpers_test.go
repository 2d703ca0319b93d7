package sslsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

const (
	testSecretID  = "AKIDsimulatortest"
	testSecretKey = "s3cr3t-KEY-never-in-output"
)

// fakeClock is an injectable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testEnv is a simulator served over HTTP with a fake clock.
type testEnv struct {
	t     *testing.T
	sim   *Simulator
	url   string
	clock *fakeClock
}

// newEnv starts a simulator with the test inventory, a 2s deploy duration
// and rate limits off; mutate adjusts the options.
func newEnv(t *testing.T, mutate func(*Options)) *testEnv {
	t.Helper()
	clock := newFakeClock()
	opts := Options{
		Credentials:       map[string]string{testSecretID: testSecretKey},
		DeployDuration:    2 * time.Second,
		Now:               clock.Now,
		DisableRateLimits: true,
		Inventory:         testInventory(),
	}
	if mutate != nil {
		mutate(&opts)
	}
	sim, url := Start(t, opts)
	return &testEnv{t: t, sim: sim, url: url, clock: clock}
}

// apiResponse is a decoded response envelope.
type apiResponse struct {
	Fields    map[string]json.RawMessage
	Code      string
	Message   string
	RequestID string
	Raw       []byte
}

func (r apiResponse) decode(t *testing.T, v any) {
	t.Helper()
	data, err := json.Marshal(r.Fields)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode response %s: %v", data, err)
	}
}

// request describes one signed API request.
type request struct {
	action    string
	body      []byte
	region    string
	secretID  string
	secretKey string
	timestamp int64
	version   string
	service   string
	token     string
	// host is the Host header, e.g. a regional endpoint; empty means the
	// simulator's address.
	host    string
	headers map[string]string
}

// signTC3 signs req the way the documentation describes, independently of
// the simulator's verifier.
func signTC3(req *http.Request, body []byte, secretID, secretKey, service string, ts int64) {
	date := time.Unix(ts, 0).UTC().Format("2006-01-02")
	hash := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	mac := func(key []byte, msg string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		return m.Sum(nil)
	}
	canonical := "POST\n/\n\ncontent-type:" + req.Header.Get("Content-Type") + "\nhost:" + req.Host +
		"\n\ncontent-type;host\n" + hash(body)
	scope := date + "/" + service + "/tc3_request"
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + scope + "\n" + hash([]byte(canonical))
	key := mac(mac(mac([]byte("TC3"+secretKey), date), service), "tc3_request")
	sig := hex.EncodeToString(mac(key, toSign))
	req.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential="+secretID+"/"+scope+
		", SignedHeaders=content-type;host, Signature="+sig)
}

// do sends a request built from rq, filling defaults from the environment.
func (e *testEnv) do(rq request) apiResponse {
	e.t.Helper()
	if rq.secretID == "" {
		rq.secretID = testSecretID
	}
	if rq.secretKey == "" {
		rq.secretKey = testSecretKey
	}
	if rq.timestamp == 0 {
		rq.timestamp = e.clock.Now().Unix()
	}
	if rq.version == "" {
		rq.version = apiVersion
	}
	if rq.service == "" {
		rq.service = "ssl"
	}
	req, err := http.NewRequest(http.MethodPost, e.url+"/", bytes.NewReader(rq.body))
	if err != nil {
		e.t.Fatal(err)
	}
	if rq.host != "" {
		req.Host = rq.host
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TC-Action", rq.action)
	req.Header.Set("X-TC-Version", rq.version)
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(rq.timestamp, 10))
	if rq.region != "" {
		req.Header.Set("X-TC-Region", rq.region)
	}
	if rq.token != "" {
		req.Header.Set("X-TC-Token", rq.token)
	}
	signTC3(req, rq.body, rq.secretID, rq.secretKey, rq.service, rq.timestamp)
	for k, v := range rq.headers {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	return e.send(req)
}

func (e *testEnv) send(req *http.Request) apiResponse {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s: %v", req.Header.Get("X-TC-Action"), err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		e.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("HTTP status %d, want 200 as Tencent answers even errors: %s", resp.StatusCode, buf.String())
	}
	return parseEnvelope(e.t, buf.Bytes())
}

func parseEnvelope(t *testing.T, raw []byte) apiResponse {
	t.Helper()
	var env struct {
		Response map[string]json.RawMessage
	}
	if err := json.Unmarshal(raw, &env); err != nil || env.Response == nil {
		t.Fatalf("response is not a Tencent envelope: %s", raw)
	}
	out := apiResponse{Fields: env.Response, Raw: raw}
	if err := json.Unmarshal(env.Response["RequestId"], &out.RequestID); err != nil || !isUUID(out.RequestID) {
		t.Fatalf("RequestId missing or not a UUID: %s", raw)
	}
	if errRaw, ok := env.Response["Error"]; ok {
		var e struct{ Code, Message string }
		if err := json.Unmarshal(errRaw, &e); err != nil || e.Code == "" || e.Message == "" {
			t.Fatalf("Error must have Code and Message: %s", raw)
		}
		out.Code, out.Message = e.Code, e.Message
	}
	return out
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", r) {
				return false
			}
		}
	}
	return true
}

// call signs and sends action with params marshalled as JSON.
func (e *testEnv) call(action string, params any) apiResponse {
	e.t.Helper()
	return e.callIn("", action, params)
}

// callIn is call with the X-TC-Region header.
func (e *testEnv) callIn(region, action string, params any) apiResponse {
	e.t.Helper()
	body, err := json.Marshal(params)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.do(request{action: action, body: body, region: region})
}

// mustCall fails the test on an error response and decodes the response into out.
func (e *testEnv) mustCall(region, action string, params any, out any) apiResponse {
	e.t.Helper()
	resp := e.callIn(region, action, params)
	if resp.Code != "" {
		e.t.Fatalf("%s: %s: %s", action, resp.Code, resp.Message)
	}
	if out != nil {
		resp.decode(e.t, out)
	}
	return resp
}

// wantCode fails the test unless the response is the error code.
func wantCode(t *testing.T, resp apiResponse, code string) {
	t.Helper()
	if resp.Code != code {
		t.Fatalf("got code %q (%s), want %q", resp.Code, resp.Message, code)
	}
}

// upload uploads a server certificate and returns its ID.
func (e *testEnv) upload(c *testcerts.Cert) string {
	e.t.Helper()
	var out struct{ CertificateId string }
	e.mustCall("", "UploadCertificate", map[string]any{
		"CertificatePublicKey":  string(c.FullChainPEM),
		"CertificatePrivateKey": string(c.KeyPEM),
	}, &out)
	return out.CertificateId
}

// settle lets every running item complete.
func (e *testEnv) settle() {
	e.clock.Advance(time.Hour)
}

var testCA = sync.OnceValue(func() *testcerts.CA { return testcerts.Must(testcerts.NewCA()) })

// leaf issues an ECDSA server certificate for names from the shared test CA.
func leaf(t *testing.T, names ...string) *testcerts.Cert {
	t.Helper()
	c, err := testCA().Issue(testcerts.Leaf{DNSNames: names, ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testInventory has one or more bindable units of every resource type.
func testInventory() *Inventory {
	return &Inventory{
		CLB: []LoadBalancer{
			{ID: "lb-web1", Name: "web", Region: "ap-guangzhou", Forward: 1, Listeners: []Listener{
				{ID: "lbl-https", Name: "https", Protocol: "HTTPS", Rules: []Rule{
					{LocationID: "loc-1", Domain: "www.example.com", URL: "/"},
					{LocationID: "loc-2", Domain: "api.example.com", URL: "/v1"},
				}},
				{ID: "lbl-sni", Name: "sni", Protocol: "HTTPS", SNI: true, Rules: []Rule{
					{LocationID: "loc-3", Domain: "a.example.com", URL: "/"},
					{LocationID: "loc-4", Domain: "b.example.com", URL: "/"},
					{LocationID: "loc-5", Domain: "~^c[0-9]+\\.example\\.com$", URL: "/"},
					{LocationID: "loc-6", Domain: "other.example.org", URL: "/"},
				}},
				{ID: "lbl-tcpssl", Name: "tls", Protocol: "TCP_SSL"},
				{ID: "lbl-norules", Name: "empty", Protocol: "HTTPS"},
				{ID: "lbl-regex", Name: "regex", Protocol: "HTTPS", Rules: []Rule{
					{LocationID: "loc-7", Domain: "www.example.com", URL: "/", Regex: true},
				}},
				{ID: "lbl-mixed", Name: "mixed", Protocol: "HTTPS", Rules: []Rule{
					{LocationID: "loc-8", Domain: "www.example.com", URL: "/"},
					{LocationID: "loc-9", Domain: "www.example.org", URL: "/"},
				}},
				{ID: "lbl-http", Name: "plain", Protocol: "HTTP"},
			}},
			{ID: "lb-sh", Name: "shanghai", Region: "ap-shanghai", Listeners: []Listener{
				{ID: "lbl-sh", Protocol: "HTTPS", Rules: []Rule{{Domain: "www.example.com", URL: "/"}}},
			}},
		},
		CDN:  []Domain{{Domain: "cdn.example.com", HTTPSBillingSwitch: "on"}, {Domain: "cdn.example.org"}},
		WAF:  []Domain{{Domain: "waf.example.com", Region: "ap-guangzhou"}},
		Teo:  []Domain{{Domain: "teo.example.com", ZoneID: "zone-1"}},
		Live: []Domain{{Domain: "live.example.com"}},
		VOD:  []Domain{{Domain: "vod.example.com"}},
		TKE: []Cluster{{ID: "cls-1", Name: "prod", Region: "ap-guangzhou", Namespaces: []Namespace{
			{Name: "default", Secrets: []TKESecret{{Name: "tls-web", Ingresses: []TKEIngress{
				{Name: "web", Domains: []string{"www.example.com"}, TLSDomains: []string{"www.example.com"}},
			}}}},
		}}},
		COS:        []Bucket{{Region: "ap-guangzhou", Bucket: "assets-1250000000", Domain: "cos.example.com"}},
		APIGateway: []APIGatewayService{{ID: "service-1", Name: "api", Region: "ap-guangzhou", Domains: []APIGatewayDomain{{Domain: "gw.example.com"}}}},
		DDoS:       []DDoSInstance{{ID: "bgpip-1", Rules: []DDoSRule{{Domain: "ddos.example.com", Port: 443}}}},
		Lighthouse: []LighthouseInstance{{ID: "lhins-1", Name: "blog", Region: "ap-shanghai", IPs: []string{"203.0.113.7"},
			Domains: []LighthouseDomain{{Domain: "lh.example.com"}}}},
		TSE: []TSEGateway{{ID: "gateway-1", Name: "gw", Region: "ap-guangzhou", Certificates: []TSECertificate{
			{ID: "fa61bc05-cc54-4eea-c932-24de52577372", Name: "tls", BindDomains: []string{"tse.example.com"}},
		}}},
		TCB: []TCBEnvironment{{ID: "env-1", Name: "site", Region: "ap-shanghai", Domains: []TCBDomain{
			{Type: "AccessService", Domain: "tcb.example.com"},
		}}},
	}
}

// exampleCert covers every domain of testInventory under example.com.
func exampleCert(t *testing.T) *testcerts.Cert {
	return leaf(t, "example.com", "*.example.com")
}

// fieldNames lists the keys of a JSON object.
func fieldNames(t *testing.T, raw json.RawMessage) map[string]bool {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not an object: %s", raw)
	}
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// globalLists selects the reading of §9.2 in which instance lists cover
// every region.
func globalLists(o *Options) {
	global := false
	o.RegionalLists = &global
}

// fresh adds IsCache 0 to the parameters of a call, for fresh instance data.
func fresh(params map[string]any) map[string]any {
	out := map[string]any{"IsCache": 0}
	for k, v := range params {
		out[k] = v
	}
	return out
}
