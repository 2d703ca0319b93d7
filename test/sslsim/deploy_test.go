package sslsim

import (
	"testing"
	"time"
)

type deployResult struct {
	DeployRecordId int64
	DeployStatus   int
}

type deployDetailList struct {
	TotalCount             int
	SuccessTotalCount      int
	FailedTotalCount       int
	RunningTotalCount      int
	DeployRecordDetailList []struct {
		Id        int64
		CertId    string
		OldCertId string
		Status    int
		ErrorMsg  string
		Domains   []string
	}
}

func (e *testEnv) deploy(region, cert, resourceType string, targets ...string) deployResult {
	e.t.Helper()
	var out deployResult
	e.mustCall(region, "DeployCertificateInstance", map[string]any{
		"CertificateId": cert, "InstanceIdList": targets, "ResourceType": resourceType}, &out)
	return out
}

func (e *testEnv) deployDetail(id int64) deployDetailList {
	e.t.Helper()
	var out deployDetailList
	e.mustCall("", "DescribeHostDeployRecordDetail", map[string]any{"DeployRecordId": id}, &out)
	return out
}

func (e *testEnv) bindingOf(resourceType, target string) string {
	e.t.Helper()
	b, ok := e.sim.State().Binding(resourceType, target)
	if !ok {
		e.t.Fatalf("no %s target %s", resourceType, target)
	}
	return b.CertificateID
}

func TestDeployMovesFromDeployingToSuccessWithTheClock(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	res := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-https", "lb-web1|lbl-sni|a.example.com")
	if res.DeployStatus != 1 || res.DeployRecordId == 0 {
		t.Fatalf("deploy answered %+v, want a new task", res)
	}
	d := e.deployDetail(res.DeployRecordId)
	if d.TotalCount != 2 || d.RunningTotalCount != 2 || d.DeployRecordDetailList[0].Status != statusDeploying {
		t.Fatalf("right after creation: %+v, want 2 items deploying (3)", d)
	}
	if got := e.bindingOf("clb", "lb-web1|lbl-https"); got != "" {
		t.Fatalf("bound to %q before the deploy finished", got)
	}

	e.clock.Advance(1999 * time.Millisecond)
	if d := e.deployDetail(res.DeployRecordId); d.RunningTotalCount != 2 {
		t.Fatalf("before DeployDuration: %+v, want still running", d)
	}
	e.clock.Advance(time.Millisecond)
	d = e.deployDetail(res.DeployRecordId)
	if d.SuccessTotalCount != 2 || d.RunningTotalCount != 0 || d.DeployRecordDetailList[1].Status != statusSuccess {
		t.Fatalf("after DeployDuration: %+v, want 2 successes", d)
	}
	for _, target := range []string{"lb-web1|lbl-https", "lb-web1|lbl-sni|a.example.com"} {
		if got := e.bindingOf("clb", target); got != cert {
			t.Errorf("%s serves %q, want %s", target, got, cert)
		}
	}
	if got := e.bindingOf("clb", "lb-web1|lbl-sni|b.example.com"); got != "" {
		t.Errorf("an SNI domain not deployed to serves %q", got)
	}

	var records struct {
		TotalCount       int
		DeployRecordList []struct {
			Id           int64
			CertId       string
			ResourceType string
			Region       string
			Status       int
		}
	}
	e.mustCall("", "DescribeHostDeployRecord", map[string]any{"CertificateId": cert}, &records)
	if records.TotalCount != 1 || records.DeployRecordList[0].Status != 1 || records.DeployRecordList[0].Region != "ap-guangzhou" {
		t.Fatalf("records = %+v, want one successful clb record in ap-guangzhou", records)
	}
}

func TestDeployToEveryResourceType(t *testing.T) {
	tests := []struct {
		name, resourceType, region, target string
	}{
		{name: "a layer-4 CLB listener", resourceType: "clb", region: "ap-guangzhou", target: "lb-web1|lbl-tcpssl"},
		{name: "a CDN domain", resourceType: "cdn", target: "cdn.example.com|off"},
		{name: "an Anti-DDoS rule", resourceType: "ddos", target: "bgpip-1|ddos.example.com|443"},
		{name: "a live domain", resourceType: "live", target: "live.example.com"},
		{name: "a VOD domain", resourceType: "vod", target: "vod.example.com"},
		{name: "a WAF domain", resourceType: "waf", region: "ap-guangzhou", target: "waf.example.com"},
		{name: "an API Gateway domain", resourceType: "apigateway", region: "ap-guangzhou", target: "service-1|gw.example.com"},
		{name: "an EdgeOne domain", resourceType: "teo", target: "teo.example.com"},
		{name: "a TKE secret", resourceType: "tke", region: "ap-guangzhou", target: "cls-1|default|tls-web"},
		{name: "a COS bucket domain", resourceType: "cos", region: "ap-guangzhou", target: "ap-guangzhou|assets-1250000000|cos.example.com"},
		{name: "a Lighthouse domain", resourceType: "lighthouse", region: "ap-shanghai", target: "ap-shanghai|lhins-1|lh.example.com"},
		{name: "a TSE gateway certificate", resourceType: "tse", region: "ap-guangzhou", target: "gateway-1|fa61bc05-cc54-4eea-c932-24de52577372"},
		{name: "a CloudBase domain", resourceType: "tcb", region: "ap-shanghai", target: "AccessService|ap-shanghai|env-1|tcb.example.com"},
	}
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.deploy(tt.region, cert, tt.resourceType, tt.target)
			e.settle()
			if d := e.deployDetail(res.DeployRecordId); d.SuccessTotalCount != 1 {
				t.Fatalf("detail = %+v, want one success", d)
			}
			if got := e.bindingOf(tt.resourceType, tt.target); got != cert {
				t.Fatalf("target serves %q, want %s", got, cert)
			}
		})
	}
}

func TestDeployRefusals(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-https")
	e.settle()
	ca := func() string {
		var out struct{ CertificateId string }
		e.mustCall("", "UploadCertificate", map[string]any{"CertificatePublicKey": string(testCA().CertPEM), "CertificateType": "CA"}, &out)
		return out.CertificateId
	}()
	tests := []struct {
		name         string
		cert         string
		region       string
		resourceType string
		targets      []string
		code         string
	}{
		{name: "a target already serving the certificate is refused", targets: []string{"lb-web1|lbl-https"}, code: CodeCertificateNotDeployInstance},
		{name: "a domain the certificate does not cover is refused", targets: []string{"lb-web1|lbl-sni|other.example.org"}, code: CodeCertificateNotDeployInstance},
		{name: "a non-SNI listener with an uncovered domain is refused", targets: []string{"lb-web1|lbl-mixed"}, code: CodeCertificateNotDeployInstance},
		{name: "a layer-7 listener without rules is refused", targets: []string{"lb-web1|lbl-norules"}, code: CodeCertificateNotDeployInstance},
		{name: "a listener with a regular-expression rule is refused", targets: []string{"lb-web1|lbl-regex"}, code: CodeCertificateNotDeployInstance},
		{name: "a regular-expression SNI domain is refused", targets: []string{"lb-web1|lbl-sni|~^c[0-9]+\\.example\\.com$"}, code: CodeCertificateNotDeployInstance},
		{name: "an SNI listener needs a domain", targets: []string{"lb-web1|lbl-sni"}, code: CodeCertificateNotDeployInstance},
		{name: "a non-SNI listener takes no domain", targets: []string{"lb-web1|lbl-tcpssl|www.example.com"}, code: CodeCertificateNotDeployInstance},
		{name: "an HTTP listener takes no certificate", targets: []string{"lb-web1|lbl-http"}, code: CodeCertificateNotDeployInstance},
		{name: "a nonexistent load balancer is refused", targets: []string{"lb-missing|lbl-https"}, code: CodeCertificateNotDeployInstance},
		{name: "a load balancer in another region is refused", targets: []string{"lb-sh|lbl-sh"}, code: CodeCertificateNotDeployInstance},
		{name: "one bad target refuses the whole task", targets: []string{"lb-web1|lbl-tcpssl", "lb-web1|lbl-norules"}, code: CodeCertificateNotDeployInstance},
		{name: "a nonexistent CDN domain is refused", resourceType: "cdn", targets: []string{"missing.example.com|on"}, code: CodeCertificateNotDeployInstance},
		{name: "an uncovered CDN domain is refused", resourceType: "cdn", targets: []string{"cdn.example.org|on"}, code: CodeCertificateNotDeployInstance},
		{name: "a CLB deploy needs the Region header", region: "-", targets: []string{"lb-web1|lbl-tcpssl"}, code: CodeRegionNotEmpty},
		{name: "a TKE deploy needs the Region header", region: "-", resourceType: "tke", targets: []string{"cls-1|default|tls-web"}, code: CodeRegionNotEmpty},
		{name: "a CLB entry needs two or three fields", targets: []string{"lb-web1"}, code: CodeDeployInstanceFormatError},
		{name: "a CLB entry needs lb- and lbl- IDs", targets: []string{"web1|https"}, code: CodeDeployInstanceFormatError},
		{name: "a CDN entry needs the billing switch", resourceType: "cdn", targets: []string{"cdn.example.com"}, code: CodeDeployInstanceFormatError},
		{name: "a CDN billing switch is on or off", resourceType: "cdn", targets: []string{"cdn.example.com|yes"}, code: CodeDeployInstanceFormatError},
		{name: "an Anti-DDoS port is numeric", resourceType: "ddos", targets: []string{"bgpip-1|ddos.example.com|https"}, code: CodeDeployInstanceFormatError},
		{name: "a TCB type is AccessService or HostService", resourceType: "tcb", region: "ap-shanghai", targets: []string{"Other|ap-shanghai|env-1|tcb.example.com"}, code: CodeDeployInstanceFormatError},
		{name: "an empty field is a format error", resourceType: "tke", targets: []string{"cls-1||tls-web"}, code: CodeDeployInstanceFormatError},
		{name: "an empty list is a format error", targets: []string{}, code: CodeDeployInstanceFormatError},
		{name: "a duplicate entry is a format error", targets: []string{"lb-web1|lbl-tcpssl", "lb-web1|lbl-tcpssl"}, code: CodeDeployInstanceFormatError},
		{name: "an unknown resource type is invalid", resourceType: "ecs", targets: []string{"ins-1"}, code: CodeHostResourceTypeInvalid},
		{name: "an unknown certificate is not found", cert: "missing1", targets: []string{"lb-web1|lbl-tcpssl"}, code: CodeCertificateNotFound},
		{name: "a CA certificate cannot be deployed", cert: ca, targets: []string{"lb-web1|lbl-tcpssl"}, code: CodeCertificateNotAvailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			region := tt.region
			switch region {
			case "":
				region = "ap-guangzhou"
			case "-":
				region = ""
			}
			params := map[string]any{"CertificateId": orDefault(tt.cert, cert), "InstanceIdList": tt.targets}
			if tt.resourceType != "" {
				params["ResourceType"] = tt.resourceType
			}
			wantCode(t, e.callIn(region, "DeployCertificateInstance", params), tt.code)
		})
	}
	if n := len(e.sim.State().Records); n != 1 {
		t.Fatalf("%d records, want only the first deploy", n)
	}
}

func TestDeployAllowsOneTaskPerCertificateAndResourceType(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	first := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-https")
	second := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-tcpssl")
	if second.DeployStatus != 0 || second.DeployRecordId != first.DeployRecordId {
		t.Fatalf("second deploy answered %+v, want DeployStatus 0 and the running task %d", second, first.DeployRecordId)
	}
	if got := e.deployDetail(first.DeployRecordId); got.TotalCount != 1 {
		t.Fatalf("the running task changed: %+v", got)
	}
	cdn := e.deploy("", cert, "cdn", "cdn.example.com|on")
	if cdn.DeployStatus != 1 || cdn.DeployRecordId == first.DeployRecordId {
		t.Fatalf("another resource type answered %+v, want a new task", cdn)
	}
	other := e.upload(exampleCert(t))
	if res := e.deploy("ap-guangzhou", other, "clb", "lb-web1|lbl-tcpssl"); res.DeployStatus != 1 {
		t.Fatalf("another certificate answered %+v, want a new task", res)
	}
	e.settle()
	if third := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-tcpssl"); third.DeployStatus != 1 || third.DeployRecordId == first.DeployRecordId {
		t.Fatalf("after the task finished: %+v, want a new task", third)
	}
}

func TestDeployRetryFollowsTheStatusRules(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Faults.Targets = []TargetFault{{ResourceType: "clb", Target: "lb-web1|lbl-tcpssl", Message: "listener busy", Attempts: 1}}
	})
	cert := e.upload(exampleCert(t))
	res := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-tcpssl", "lb-web1|lbl-https")
	retry := func(params map[string]any) apiResponse { return e.call("DeployCertificateRecordRetry", params) }

	wantCode(t, retry(map[string]any{"DeployRecordId": res.DeployRecordId}), CodeDeployHasPendingRecord)
	e.settle()
	d := e.deployDetail(res.DeployRecordId)
	failed, succeeded := d.DeployRecordDetailList[0], d.DeployRecordDetailList[1]
	if failed.Status != statusFailed || failed.ErrorMsg != "listener busy" || succeeded.Status != statusSuccess {
		t.Fatalf("detail = %+v, want the faulty target failed with its message", d)
	}
	if got := e.bindingOf("clb", "lb-web1|lbl-tcpssl"); got != "" {
		t.Fatalf("a failed target serves %q", got)
	}
	wantCode(t, retry(map[string]any{"DeployRecordDetailId": succeeded.Id}), CodeDeployRetryStatusInvalid)
	wantCode(t, retry(map[string]any{"DeployRecordDetailId": failed.Id, "DeployRecordId": res.DeployRecordId + 1}), CodeInvalidParam)
	wantCode(t, retry(map[string]any{"DeployRecordId": 1}), CodeInvalidParam)
	wantCode(t, retry(map[string]any{}), CodeMissingParameter)

	e.mustCall("", "DeployCertificateRecordRetry", map[string]any{"DeployRecordId": res.DeployRecordId, "DeployRecordDetailId": failed.Id}, nil)
	if d := e.deployDetail(res.DeployRecordId); d.RunningTotalCount != 1 || d.SuccessTotalCount != 1 {
		t.Fatalf("after retry: %+v, want the failed item deploying again", d)
	}
	e.settle()
	if d := e.deployDetail(res.DeployRecordId); d.SuccessTotalCount != 2 {
		t.Fatalf("after the retry finished: %+v, want two successes", d)
	}
	if got := e.bindingOf("clb", "lb-web1|lbl-tcpssl"); got != cert {
		t.Fatalf("the retried target serves %q, want %s", got, cert)
	}
	wantCode(t, retry(map[string]any{"DeployRecordId": res.DeployRecordId}), CodeDeployRetryStatusInvalid)
}

func TestDeployRollbackCreatesANewRecord(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Faults.Targets = []TargetFault{{ResourceType: "cdn", Target: "cdn.example.com"}}
	})
	previous := e.upload(exampleCert(t))
	if err := e.sim.Bind("clb", "lb-web1|lbl-https", previous); err != nil {
		t.Fatal(err)
	}
	cert := e.upload(exampleCert(t))
	res := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-https", "lb-web1|lbl-tcpssl")
	rollback := func(id int64) apiResponse {
		return e.call("DeployCertificateRecordRollback", map[string]any{"DeployRecordId": id})
	}
	wantCode(t, rollback(res.DeployRecordId), CodeDeployDetailRollbackStatusInvalid)
	e.settle()

	var back struct{ DeployRecordId int64 }
	e.mustCall("", "DeployCertificateRecordRollback", map[string]any{"DeployRecordId": res.DeployRecordId}, &back)
	if back.DeployRecordId == 0 || back.DeployRecordId == res.DeployRecordId {
		t.Fatalf("rollback answered %d, want a new record ID", back.DeployRecordId)
	}
	d := e.deployDetail(back.DeployRecordId)
	if d.TotalCount != 2 || d.RunningTotalCount != 2 {
		t.Fatalf("rollback record = %+v, want two running items", d)
	}
	wantCode(t, rollback(res.DeployRecordId), CodeDeployRollbackStatusInvalid)
	e.settle()
	if got := e.bindingOf("clb", "lb-web1|lbl-https"); got != previous {
		t.Errorf("rolled-back listener serves %q, want the previous %s", got, previous)
	}
	if got := e.bindingOf("clb", "lb-web1|lbl-tcpssl"); got != "" {
		t.Errorf("rolled-back listener serves %q, want none as before", got)
	}

	failed := e.deploy("", cert, "cdn", "cdn.example.com|on")
	e.settle()
	wantCode(t, rollback(failed.DeployRecordId), CodeDeployRollbackStatusInvalid)
	wantCode(t, rollback(999), CodeDeployNotExist)
}
