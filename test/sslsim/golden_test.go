package sslsim

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

// goldenExample is a documented example request (testdata/examples.json).
// Refs maps documented IDs and placeholder PEMs to fixtures created by the
// test, so that the request references existing objects.
type goldenExample struct {
	Name           string              `json:"name"`
	Action         string              `json:"action"`
	Region         string              `json:"region"`
	Request        json.RawMessage     `json:"request"`
	Refs           map[string]string   `json:"refs"`
	ResponseFields []string            `json:"responseFields"`
	ItemFields     map[string][]string `json:"itemFields"`
}

// goldenInventory holds the resources the documented examples name.
func goldenInventory() *Inventory {
	https := func(id, domain string) Listener {
		return Listener{ID: id, Protocol: "HTTPS", Rules: []Rule{{LocationID: "loc-" + id, Domain: domain, URL: "/"}}}
	}
	domains := func(names ...string) []Domain {
		var out []Domain
		for _, n := range names {
			out = append(out, Domain{Domain: n + ".tencent.com", Region: "ap-guangzhou", ZoneID: "zone-1"})
		}
		return out
	}
	secret := func(cluster, name string) Cluster {
		return Cluster{ID: cluster, Name: cluster, Region: "ap-guangzhou", Namespaces: []Namespace{{Name: "default", Secrets: []TKESecret{
			{Name: name, Ingresses: []TKEIngress{{Name: "web", Domains: []string{"old.tencent.com"}, TLSDomains: []string{"old.tencent.com"}}}},
		}}}}
	}
	return &Inventory{
		CLB: []LoadBalancer{
			{ID: "lb-pk278gkq", Region: "ap-guangzhou", Listeners: []Listener{https("lbl-2yju432e", "clb.tencent.com")}},
			{ID: "lb-mmgz14kg", Region: "ap-guangzhou", Listeners: []Listener{{ID: "lbl-5q6yn03o", Protocol: "HTTPS", SNI: true,
				Rules: []Rule{{Domain: "clb1.tencent.com", URL: "/"}}}}},
			{ID: "lb-old1", Region: "ap-guangzhou", Listeners: []Listener{https("lbl-o1", "old1.tencent.com")}},
			{ID: "lb-old2", Region: "ap-guangzhou", Listeners: []Listener{https("lbl-o2", "old2.tencent.com")}},
			{ID: "lb-upd", Region: "ap-guangzhou", Listeners: []Listener{https("lbl-upd", "upd.tencent.com")}},
			{ID: "lb-prep", Region: "ap-guangzhou", Listeners: []Listener{https("lbl-prep", "prep.tencent.com")}},
			{ID: "lb-qy", Region: "ap-qingyuan", Listeners: []Listener{
				https("lbl-qy1", "uu1.tencent.com"), https("lbl-qy2", "uu2.tencent.com"), https("lbl-qy3", "uu3.tencent.com"),
			}},
		},
		CDN:  domains("cdn1", "cdn2", "cdn3", "fail", "upd", "updfail", "bound"),
		Teo:  domains("edgeone1", "edgeone2", "edgeone3"),
		WAF:  domains("waf1", "waf2", "waf3"),
		Live: domains("live1", "live2", "live3"),
		VOD:  domains("vod1", "vod2", "vod3"),
		DDoS: []DDoSInstance{{ID: "bgpip-000001ms", Rules: []DDoSRule{{Domain: "tencent.com", Port: 443}, {Domain: "old.tencent.com", Port: 443}}}},
		APIGateway: []APIGatewayService{{ID: "service-8sk7cqmd", Name: "ninghhuang", Region: "ap-guangzhou", Domains: []APIGatewayDomain{
			{Domain: "apigw1.tencent.com"}, {Domain: "apigw2.tencent.com"}, {Domain: "apigw3.tencent.com"},
		}}},
		TKE: []Cluster{
			{ID: "cls-42sa0ae0", Region: "ap-guangzhou", Namespaces: []Namespace{{Name: "default", Secrets: []TKESecret{{Name: "test-tencent"}}}}},
			secret("cls-old1", "old"), secret("cls-old2", "old"),
		},
		COS: []Bucket{
			{Region: "ap-hongkong", Bucket: "ssl-server-1251810746", Domain: "tencent.com"},
			{Region: "ap-guangzhou", Bucket: "old-1250000000", Domain: "old.tencent.com"},
		},
		Lighthouse: []LighthouseInstance{{ID: "lhins-nh7lql34", Name: "个人网站", Region: "ap-shanghai", IPs: []string{"124.221.178.108"},
			Domains: []LighthouseDomain{{Domain: "tencent.com"}}}},
		TSE: []TSEGateway{{ID: "gateway-s1da9151", Region: "ap-guangzhou", Certificates: []TSECertificate{{ID: "fa61bc05-cc54-4eea-c932-24de52577372"}}}},
		TCB: []TCBEnvironment{{ID: "ceshi-4s5h0ymg11c839c7", Region: "ap-shanghai", Domains: []TCBDomain{{Type: "AccessService", Domain: "tencent.com"}}}},
	}
}

// TestDocumentedExamplesAreAccepted replays every documented example
// request against objects that exist and checks the documented response
// fields are present.
func TestDocumentedExamplesAreAccepted(t *testing.T) {
	data, err := os.ReadFile("testdata/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var examples []goldenExample
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(o *Options) {
		o.Inventory = goldenInventory()
		o.Faults.Targets = []TargetFault{
			{ResourceType: "cdn", Target: "fail.tencent.com"},
			{ResourceType: "cdn", Target: "updfail.tencent.com"},
			{ResourceType: "clb", Target: "lb-qy|lbl-qy2"},
		}
	})
	fixtures := goldenFixtures(t, e)

	for _, ex := range examples {
		t.Run(ex.Name, func(t *testing.T) {
			body := substitute(t, ex.Request, ex.Refs, fixtures)
			resp := e.do(request{action: ex.Action, body: body, region: ex.Region})
			if resp.Code != "" {
				t.Fatalf("%s: %s (request %s)", resp.Code, resp.Message, body)
			}
			for _, f := range ex.ResponseFields {
				if _, ok := resp.Fields[f]; !ok {
					t.Errorf("response lacks documented field %s", f)
				}
			}
			for list, fields := range ex.ItemFields {
				var items []json.RawMessage
				if err := json.Unmarshal(resp.Fields[list], &items); err != nil || len(items) == 0 {
					t.Fatalf("%s is not a non-empty list: %s", list, resp.Fields[list])
				}
				got := fieldNames(t, items[0])
				for _, f := range fields {
					if !got[f] {
						t.Errorf("%s item lacks documented field %s", list, f)
					}
				}
			}
		})
		e.clock.Advance(time.Hour)
	}
}

// goldenFixtures creates the certificates, bindings and records the
// examples refer to and returns their IDs and PEMs by fixture name.
func goldenFixtures(t *testing.T, e *testEnv) map[string]string {
	names := []string{"tencent.com", "*.tencent.com"}
	f := map[string]string{}
	for _, name := range []string{"certList", "certDeploy", "certOld", "certOld2", "certNew2", "certOld3", "certNew3",
		"certUpdOld", "certUpdNew", "certUU", "certUU2", "certUU3", "certDel1", "certDel2", "certPrep", "certBound"} {
		f[name] = e.upload(leaf(t, names...))
	}
	f["caPEM"] = string(testCA().CertPEM)
	rsaLeaf := testcerts.Must(testCA().Issue(testcerts.Leaf{DNSNames: names}))
	f["leafPEM"], f["leafKey"] = string(rsaLeaf.FullChainPEM), string(rsaLeaf.KeyPEM)
	uu := leaf(t, names...)
	f["uuPEM"], f["uuKey"] = string(uu.FullChainPEM), string(uu.KeyPEM)

	bind := func(cert, rt string, targets ...string) {
		for _, target := range targets {
			if err := e.sim.Bind(rt, target, f[cert]); err != nil {
				t.Fatal(err)
			}
		}
	}
	bind("certOld", "clb", "lb-old1|lbl-o1", "lb-old2|lbl-o2")
	bind("certOld", "cdn", "cdn3.tencent.com")
	bind("certOld", "teo", "edgeone3.tencent.com")
	bind("certOld", "waf", "waf3.tencent.com")
	bind("certOld", "live", "live3.tencent.com")
	bind("certOld", "vod", "vod3.tencent.com")
	bind("certOld", "apigateway", "service-8sk7cqmd|apigw3.tencent.com")
	bind("certOld", "ddos", "bgpip-000001ms|old.tencent.com|443")
	bind("certOld", "tke", "cls-old1|default|old", "cls-old2|default|old")
	bind("certOld", "cos", "ap-guangzhou|old-1250000000|old.tencent.com")
	bind("certOld2", "cdn", "upd.tencent.com")
	bind("certOld3", "cdn", "updfail.tencent.com")
	bind("certUpdOld", "clb", "lb-upd|lbl-upd")
	bind("certUU", "clb", "lb-qy|lbl-qy1")
	bind("certUU2", "clb", "lb-qy|lbl-qy2")
	bind("certUU3", "clb", "lb-qy|lbl-qy3")
	bind("certBound", "cdn", "bound.tencent.com")

	var deployed struct{ DeployRecordId int64 }
	e.mustCall("ap-guangzhou", "DeployCertificateInstance", map[string]any{
		"CertificateId": f["certPrep"], "InstanceIdList": []string{"lb-prep|lbl-prep"}}, &deployed)
	f["deploySuccess"] = strconv.FormatInt(deployed.DeployRecordId, 10)
	e.mustCall("", "DeployCertificateInstance", map[string]any{
		"CertificateId": f["certPrep"], "InstanceIdList": []string{"fail.tencent.com|on"}, "ResourceType": "cdn"}, &deployed)
	f["deployFailed"] = strconv.FormatInt(deployed.DeployRecordId, 10)

	update := func(action string, params map[string]any) string {
		var out struct{ DeployRecordId int64 }
		for out.DeployRecordId == 0 {
			e.mustCall("", action, params, &out)
		}
		return strconv.FormatInt(out.DeployRecordId, 10)
	}
	f["updateSuccess"] = update("UpdateCertificateInstance", map[string]any{
		"OldCertificateId": f["certOld2"], "CertificateId": f["certNew2"], "ResourceTypes": []string{"cdn"}})
	f["updateFailed"] = update("UpdateCertificateInstance", map[string]any{
		"OldCertificateId": f["certOld3"], "CertificateId": f["certNew3"], "ResourceTypes": []string{"cdn"}})
	uuParams := func(cert string) map[string]any {
		c := leaf(t, names...)
		return map[string]any{
			"OldCertificateId": f[cert], "ResourceTypes": []string{"clb"},
			"CertificatePublicKey": string(c.FullChainPEM), "CertificatePrivateKey": string(c.KeyPEM),
			"ResourceTypesRegions": []map[string]any{{"ResourceType": "clb", "Regions": []string{"ap-qingyuan"}}},
		}
	}
	f["uuSuccess"] = update("UploadUpdateCertificateInstance", uuParams("certUU"))
	f["uuFailed"] = update("UploadUpdateCertificateInstance", uuParams("certUU2"))

	var deleted struct{ TaskId string }
	e.mustCall("", "DeleteCertificate", map[string]any{"CertificateId": f["certBound"], "IsCheckResource": true}, &deleted)
	f["deleteTask"] = deleted.TaskId

	e.settle()
	for _, r := range e.sim.State().Records {
		id := strconv.FormatInt(r.ID, 10)
		switch id {
		case f["deployFailed"]:
			f["deployFailedItem"] = strconv.FormatInt(r.Items[0].ID, 10)
		case f["updateFailed"]:
			f["updateFailedItem"] = strconv.FormatInt(r.Items[0].ID, 10)
		case f["uuFailed"]:
			f["uuFailedItem"] = strconv.FormatInt(r.Items[0].ID, 10)
		}
		if id == f["deployFailed"] || id == f["updateFailed"] || id == f["uuFailed"] {
			if r.Items[0].Status != statusFailed {
				t.Fatalf("record %s item status %d, want failed", id, r.Items[0].Status)
			}
		}
	}
	return f
}

// substitute replaces documented values by fixtures, keeping their JSON
// type: a documented number stays a number, a string stays a string.
func substitute(t *testing.T, raw json.RawMessage, refs, fixtures map[string]string) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	lookup := func(documented string) (string, bool) {
		name, ok := refs[documented]
		if !ok {
			return "", false
		}
		value, ok := fixtures[name]
		if !ok {
			t.Fatalf("unknown fixture %q", name)
		}
		return value, true
	}
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				x[k] = walk(val)
			}
		case []any:
			for i, val := range x {
				x[i] = walk(val)
			}
		case string:
			if s, ok := lookup(x); ok {
				return s
			}
		case json.Number:
			if s, ok := lookup(x.String()); ok {
				return json.Number(s)
			}
		}
		return v
	}
	return mustJSON(t, walk(v))
}
