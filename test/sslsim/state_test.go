package sslsim

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStateFileSurvivesARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	clock := newFakeClock()
	opts := Options{
		Credentials: map[string]string{testSecretID: testSecretKey}, DeployDuration: 2 * time.Second,
		Now: clock.Now, DisableRateLimits: true, Inventory: testInventory(), StateFile: path,
	}
	sim, url := Start(t, opts)
	e := &testEnv{t: t, sim: sim, url: url, clock: clock}
	c := exampleCert(t)
	cert := e.upload(c)
	done := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-https")
	e.settle()
	running := e.deploy("", cert, "cdn", "cdn.example.com|on")
	inv := sim.State().Inventory
	inv.VOD = append(inv.VOD, Domain{Domain: "new.example.com"})
	if err := sim.SetInventory(inv); err != nil {
		t.Fatal(err)
	}

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600 since it holds private keys", info.Mode().Perm())
	}
	if leftovers, _ := filepath.Glob(path + ".tmp-*"); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	opts.Inventory = nil // the state file's inventory, with its bindings, wins
	restarted, url2 := Start(t, opts)
	e2 := &testEnv{t: t, sim: restarted, url: url2, clock: clock}
	if got := e2.bindingOf("clb", "lb-web1|lbl-https"); got != cert {
		t.Fatalf("after restart the listener serves %q, want %s", got, cert)
	}
	var d certificateDetail
	e2.mustCall("", "DescribeCertificateDetail", map[string]any{"CertificateId": cert}, &d)
	if d.CertificatePublicKey != string(c.FullChainPEM) {
		t.Fatal("the certificate did not survive the restart")
	}
	if got := e2.deployDetail(done.DeployRecordId); got.SuccessTotalCount != 1 {
		t.Fatalf("finished record after restart: %+v", got)
	}
	// The instance cache remembers that the domain is new.
	wantCode(t, e2.call("DeployCertificateInstance", map[string]any{"CertificateId": cert,
		"InstanceIdList": []string{"new.example.com"}, "ResourceType": "vod"}), CodeCertificateNotDeployInstance)
	if got := e2.deployDetail(running.DeployRecordId); got.RunningTotalCount != 1 {
		t.Fatalf("running record after restart: %+v, want still running", got)
	}
	e2.settle()
	if got := e2.bindingOf("cdn", "cdn.example.com"); got != cert {
		t.Fatalf("the task running at restart did not finish: cdn serves %q", got)
	}
	// IDs continue after the restart instead of colliding.
	next := e2.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-tcpssl")
	if next.DeployRecordId <= running.DeployRecordId {
		t.Fatalf("record ID %d reused after restart (last %d)", next.DeployRecordId, running.DeployRecordId)
	}
	if _, err := Open(Options{StateFile: filepath.Join(t.TempDir(), "missing.json")}); err != nil {
		t.Fatalf("a missing state file must start empty: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{StateFile: bad}); err == nil {
		t.Fatal("a corrupt state file was accepted")
	}
}

func TestAdminEndpoints(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	admin := func(method, path, body string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, data
	}

	status, _ := admin(http.MethodPost, "/_sim/bind", `{"resourceType":"cdn","target":"cdn.example.com|on","certificateId":"`+cert+`"}`)
	if status != http.StatusOK || e.bindingOf("cdn", "cdn.example.com") != cert {
		t.Fatalf("bind answered %d", status)
	}
	if status, _ := admin(http.MethodPost, "/_sim/bind", `{"resourceType":"cdn","target":"missing.example.com","certificateId":"x"}`); status != http.StatusNotFound {
		t.Fatalf("binding an unknown target answered %d, want 404", status)
	}
	if status, _ := admin(http.MethodPost, "/_sim/bind", `{"resourceType":"clb","target":"nope","certificateId":"x"}`); status != http.StatusBadRequest {
		t.Fatalf("binding a malformed target answered %d, want 400", status)
	}

	status, body := admin(http.MethodGet, "/_sim/state", "")
	var st State
	if status != http.StatusOK || json.Unmarshal(body, &st) != nil {
		t.Fatalf("state answered %d: %s", status, body)
	}
	if len(st.Certificates) != 1 || len(st.BoundTo(cert)) != 1 || !st.Certificates[0].HasPrivateKey {
		t.Fatalf("state = %+v", st)
	}
	if bytes.Contains(body, []byte("PRIVATE KEY")) {
		t.Fatal("the state endpoint returned a private key")
	}

	inventory := "cdn:\n- domain: new.example.com\n"
	if status, body := admin(http.MethodPut, "/_sim/inventory", inventory); status != http.StatusOK {
		t.Fatalf("inventory answered %d: %s", status, body)
	}
	if got := e.sim.State().Bindings; len(got) != 1 || got[0].Target != "new.example.com" {
		t.Fatalf("bindings after the inventory change: %+v", got)
	}
	if status, _ := admin(http.MethodPut, "/_sim/inventory", "cdn:\n- domain: a.example.com\n  colour: red\n"); status != http.StatusBadRequest {
		t.Fatalf("an inventory with an unknown field answered %d, want 400", status)
	}
	if status, _ := admin(http.MethodPut, "/_sim/inventory", "cdn:\n- domain: a.example.com\n- domain: a.example.com\n"); status != http.StatusBadRequest {
		t.Fatalf("an inventory with a duplicate target answered %d, want 400", status)
	}

	faults := "rules:\n- action: DescribeCertificates\n  code: InternalError\n  times: 1\n  latency: 1ms\n"
	if status, body := admin(http.MethodPut, "/_sim/faults", faults); status != http.StatusOK {
		t.Fatalf("faults answered %d: %s", status, body)
	}
	wantCode(t, e.call("DescribeCertificates", map[string]any{}), CodeInternalError)
	if status, _ := admin(http.MethodPut, "/_sim/faults", "rules:\n- probability: 2\n  code: InternalError\n"); status != http.StatusBadRequest {
		t.Fatalf("invalid faults answered %d, want 400", status)
	}

	status, body = admin(http.MethodGet, "/_sim/calls", "")
	var calls CallCounts
	if status != http.StatusOK || json.Unmarshal(body, &calls) != nil || calls.Count("DescribeCertificates", CodeInternalError) != 1 {
		t.Fatalf("calls answered %d: %s", status, body)
	}
	if status, _ := admin(http.MethodPost, "/_sim/calls/reset", ""); status != http.StatusOK || len(e.sim.Calls()) != 0 {
		t.Fatal("reset did not clear the counts")
	}
	if status, _ := admin(http.MethodGet, "/_sim/nope", ""); status != http.StatusNotFound {
		t.Fatalf("an unknown admin endpoint answered %d, want 404", status)
	}
	if status, _ := admin(http.MethodDelete, "/_sim/state", ""); status != http.StatusNotFound {
		t.Fatalf("a wrong method answered %d, want 404", status)
	}
}

func TestInventoryYAMLRoundTrips(t *testing.T) {
	data := `
clb:
- id: lb-1
  region: ap-guangzhou
  listeners:
  - id: lbl-1
    protocol: HTTPS
    sni: true
    rules:
    - domain: a.example.com
      url: /
      certificateId: abcd1234
tke:
- id: cls-1
  region: ap-guangzhou
  namespaces:
  - name: default
    secrets:
    - name: tls
      ingresses:
      - name: web
        tlsDomains: [a.example.com]
tcb:
- id: env-1
  region: ap-shanghai
  domains:
  - type: HostService
    domain: site.example.com
`
	inv, err := ParseInventory([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, u := range inv.units() {
		keys = append(keys, u.ResourceType+" "+u.Key+" "+u.get())
	}
	want := []string{"clb lb-1|lbl-1|a.example.com abcd1234", "tke cls-1|default|tls ", "tcb HostService|ap-shanghai|env-1|site.example.com "}
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Fatalf("units = %q, want %q", keys, want)
	}
	if _, err := ParseInventory([]byte("tcb:\n- id: e\n  region: r\n  domains:\n  - type: Other\n    domain: x.example.com\n")); err == nil {
		t.Fatal("an unknown TCB type was accepted")
	}
	path := filepath.Join(t.TempDir(), "inv.yaml")
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadInventory(path); err != nil {
		t.Fatal(err)
	}
}

// TestSecretsNeverLeak drives every kind of call and checks that neither
// the SecretKey nor a private key appears in any response, the state
// endpoint, the call counts or the logs.
func TestSecretsNeverLeak(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o.Faults.Targets = []TargetFault{{ResourceType: "cdn", Target: "cdn.example.com", Attempts: 1}}
	})
	c := exampleCert(t)
	other := exampleCert(t)
	keyBody := func(pemText []byte) string {
		lines := strings.Split(strings.TrimSpace(string(pemText)), "\n")
		return strings.Join(lines[1:len(lines)-1], "")
	}
	secrets := []string{testSecretKey, keyBody(c.KeyPEM), keyBody(other.KeyPEM), "PRIVATE KEY"}
	var seen bytes.Buffer
	record := func(resp apiResponse) { seen.Write(resp.Raw) }

	cert := e.upload(c)
	record(e.call("DescribeCertificateDetail", map[string]any{"CertificateId": cert}))
	record(e.call("DescribeCertificates", map[string]any{}))
	record(e.call("UploadCertificate", map[string]any{"CertificatePublicKey": string(c.FullChainPEM), "CertificatePrivateKey": string(other.KeyPEM)}))
	record(e.call("UploadCertificate", map[string]any{"CertificatePublicKey": string(c.KeyPEM), "CertificatePrivateKey": string(c.KeyPEM)}))
	record(e.do(request{action: "DescribeCertificates", body: []byte(`{}`), secretKey: "wrong"}))
	record(e.callIn("ap-guangzhou", "DeployCertificateInstance", map[string]any{"CertificateId": cert, "InstanceIdList": []string{"lb-web1|lbl-https"}}))
	record(e.call("DeployCertificateInstance", map[string]any{"CertificateId": cert, "InstanceIdList": []string{"cdn.example.com|on"}, "ResourceType": "cdn"}))
	e.settle()
	record(e.call("DescribeHostDeployRecordDetail", map[string]any{"DeployRecordId": 10002}))
	record(e.call("DescribeHostClbInstanceList", map[string]any{"CertificateId": cert}))
	params := map[string]any{"OldCertificateId": cert, "ResourceTypes": []string{"clb"}, "ResourceTypesRegions": clbRegions("ap-guangzhou"),
		"CertificatePublicKey": string(other.FullChainPEM), "CertificatePrivateKey": string(other.KeyPEM)}
	record(e.call("UpdateCertificateInstance", params))
	record(e.call("UpdateCertificateInstance", params))
	record(e.call("UploadUpdateCertificateInstance", params))

	st, err := json.Marshal(e.sim.State())
	if err != nil {
		t.Fatal(err)
	}
	calls, err := json.Marshal(e.sim.Calls())
	if err != nil {
		t.Fatal(err)
	}
	if logs.Len() == 0 {
		t.Fatal("nothing was logged, so the log check proves nothing")
	}
	for name, text := range map[string]string{"responses": seen.String(), "state": string(st), "calls": string(calls), "logs": logs.String()} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("the %s contain secret material %.20q", name, s)
			}
		}
	}
}

func TestExampleInventoryIsValid(t *testing.T) {
	inv, err := LoadInventory("inventory.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, u := range inv.units() {
		types[u.ResourceType] = true
	}
	for _, rt := range deployResourceTypes {
		if !types[rt] {
			t.Errorf("the example has no %s resource", rt)
		}
	}
}
