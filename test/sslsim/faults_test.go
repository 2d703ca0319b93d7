package sslsim

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestRateLimitsFollowTheDocumentedRates(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.DisableRateLimits = false })
	burst := func(action string, n int) (ok, limited int) {
		for range n {
			resp := e.call(action, map[string]any{"DeployRecordId": 1})
			if resp.Code == CodeRateLimitExceeded {
				limited++
			} else {
				ok++
			}
		}
		return ok, limited
	}
	if ok, limited := burst("DescribeHostDeployRecordDetail", 11); ok != 10 || limited != 1 {
		t.Fatalf("a 10/s action allowed %d and limited %d of 11 calls in one second", ok, limited)
	}
	if ok, _ := burst("DescribeHostUploadUpdateRecordDetail", 20); ok != 20 {
		t.Fatalf("a 20/s action allowed %d of 20 calls", ok)
	}
	if _, limited := burst("DescribeHostUploadUpdateRecordDetail", 1); limited != 1 {
		t.Fatal("the 21st call of a 20/s action was not limited")
	}
	e.clock.Advance(time.Second)
	if ok, limited := burst("DescribeHostDeployRecordDetail", 10); ok != 10 || limited != 0 {
		t.Fatalf("after a second %d calls passed and %d were limited, want 10 and 0", ok, limited)
	}
	if got := e.sim.Calls().Count("DescribeHostDeployRecordDetail", CodeRateLimitExceeded); got != 1 {
		t.Fatalf("counted %d throttled calls, want 1", got)
	}

	unlimited := newEnv(t, nil)
	for i := range 30 {
		if resp := unlimited.call("DescribeCertificates", map[string]any{}); resp.Code != "" {
			t.Fatalf("call %d with rate limits off: %s", i, resp.Code)
		}
	}
}

func TestFaultRulesFailCallsAsConfigured(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Faults.Rules = []FaultRule{{Action: "DescribeCertificates", Code: CodeInternalError, Times: 2}}
	})
	for i := range 2 {
		wantCode(t, e.call("DescribeCertificates", map[string]any{}), CodeInternalError)
		if resp := e.call("DescribeHostDeployRecordDetail", map[string]any{"DeployRecordId": 1}); resp.Code == CodeInternalError {
			t.Fatalf("call %d: a rule for another action fired", i)
		}
	}
	wantCode(t, e.call("DescribeCertificates", map[string]any{}), "")

	if err := e.sim.SetFaults(Faults{Rules: []FaultRule{{Code: "FailedOperation", Message: "always", Probability: 1}}}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		resp := e.call("DescribeCertificates", map[string]any{})
		wantCode(t, resp, "FailedOperation")
		if resp.Message != "always" {
			t.Fatalf("message = %q", resp.Message)
		}
	}
	if err := e.sim.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.call("DescribeCertificates", map[string]any{}), "")
}

func TestFaultAfterHandlingLosesTheResponseButKeepsTheEffect(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Faults.Rules = []FaultRule{{Action: "UploadCertificate", Code: CodeInternalError, Times: 1, AfterHandling: true}}
	})
	c := exampleCert(t)
	wantCode(t, e.call("UploadCertificate", map[string]any{"CertificatePublicKey": string(c.FullChainPEM), "CertificatePrivateKey": string(c.KeyPEM)}), CodeInternalError)
	if n := len(e.sim.Certificates()); n != 1 {
		t.Fatalf("%d certificates stored, want the upload to have happened", n)
	}
}

func TestFaultLatencyDelaysTheAnswer(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Faults.Rules = []FaultRule{{Action: "DescribeCertificates", Latency: Duration{50 * time.Millisecond}}}
	})
	start := time.Now()
	wantCode(t, e.call("DescribeCertificates", map[string]any{}), "")
	if elapsed := time.Since(start); elapsed < 50*time.Millisecond {
		t.Fatalf("answered after %v, want at least 50ms", elapsed)
	}
}

func TestFaultDropClosesTheConnection(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Faults.Rules = []FaultRule{{Action: "DescribeCertificates", Drop: true, Times: 1}}
	})
	body := []byte(`{}`)
	req, err := http.NewRequest(http.MethodPost, e.url+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TC-Action", "DescribeCertificates")
	req.Header.Set("X-TC-Version", apiVersion)
	ts := e.clock.Now().Unix()
	req.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts, 10))
	signTC3(req, body, testSecretID, testSecretKey, "ssl", ts)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got HTTP %d, want the connection dropped", resp.StatusCode)
	}
	wantCode(t, e.call("DescribeCertificates", map[string]any{}), "")
	if got := e.sim.Calls().Count("DescribeCertificates", "Dropped"); got != 1 {
		t.Fatalf("counted %d dropped calls, want 1", got)
	}
}

func TestFaultsAreValidated(t *testing.T) {
	tests := []struct {
		name   string
		faults Faults
	}{
		{name: "a probability above 1 is invalid", faults: Faults{Rules: []FaultRule{{Code: "InternalError", Probability: 1.5}}}},
		{name: "an unknown action is invalid", faults: Faults{Rules: []FaultRule{{Action: "Nope", Code: "InternalError"}}}},
		{name: "a rule that does nothing is invalid", faults: Faults{Rules: []FaultRule{{Action: "DescribeCertificates"}}}},
		{name: "a malformed target is invalid", faults: Faults{Targets: []TargetFault{{ResourceType: "clb", Target: "nope"}}}},
		{name: "an unknown resource type is invalid", faults: Faults{Targets: []TargetFault{{ResourceType: "ecs", Target: "ins-1"}}}},
	}
	sim := New(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := sim.SetFaults(tt.faults); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestParseFaultFlags(t *testing.T) {
	r, err := ParseFaultRule("action=UploadCertificate,code=InternalError,times=2,probability=0.5,latency=1s,drop=false,afterHandling=true,message=boom")
	if err != nil {
		t.Fatal(err)
	}
	want := FaultRule{Action: "UploadCertificate", Code: "InternalError", Times: 2, Probability: 0.5,
		Latency: Duration{time.Second}, AfterHandling: true, Message: "boom"}
	if r != want {
		t.Fatalf("parsed %+v, want %+v", r, want)
	}
	tf, err := ParseTargetFault("resourceType=clb,target=lb-1|lbl-1,attempts=1,message=busy")
	if err != nil {
		t.Fatal(err)
	}
	if tf != (TargetFault{ResourceType: "clb", Target: "lb-1|lbl-1", Attempts: 1, Message: "busy"}) {
		t.Fatalf("parsed %+v", tf)
	}
	for _, bad := range []string{"times=x", "colour=red", "action"} {
		if _, err := ParseFaultRule(bad); err == nil {
			t.Errorf("ParseFaultRule(%q) accepted", bad)
		}
	}
}

func TestCallsCountActionsAndOutcomes(t *testing.T) {
	e := newEnv(t, nil)
	e.call("DescribeCertificates", map[string]any{})
	e.call("DescribeCertificates", map[string]any{})
	e.call("DescribeCertificateDetail", map[string]any{"CertificateId": "missing1"})
	e.do(request{action: "DescribeCertificates", body: []byte(`{}`), secretKey: "wrong"})
	calls := e.sim.Calls()
	checks := []struct {
		action, code string
		want         int
	}{
		{"DescribeCertificates", "Success", 2},
		{"DescribeCertificates", CodeSignatureFailure, 1},
		{"DescribeCertificateDetail", CodeCertificateNotFound, 1},
	}
	for _, c := range checks {
		if got := calls.Count(c.action, c.code); got != c.want {
			t.Errorf("Count(%s, %s) = %d, want %d", c.action, c.code, got, c.want)
		}
	}
	if calls.Total("DescribeCertificates") != 3 {
		t.Errorf("Total = %d, want 3", calls.Total("DescribeCertificates"))
	}
	e.sim.ResetCalls()
	if len(e.sim.Calls()) != 0 {
		t.Fatal("ResetCalls kept counts")
	}
}
