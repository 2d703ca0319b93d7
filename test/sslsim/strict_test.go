package sslsim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// This file shows the strict readings of the reference: the instance cache,
// checked deletion, the bound-resource tasks, every item status, the error
// codes of missing records, regions, rate-limit keys, time and latency.

// cdnTarget is a CDN InstanceIdList entry.
func cdnTarget(domain string) string { return domain + "|on" }

func TestDeployAndListsReadCachedInstanceDataUnlessIsCacheIsZero(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	inv := testInventory()
	inv.CDN = append(inv.CDN, Domain{Domain: "new.example.com"}, Domain{Domain: "aged.example.com"})
	if err := e.sim.SetInventory(inv); err != nil {
		t.Fatal(err)
	}
	st := e.sim.State()
	if b, _ := st.Binding("cdn", "new.example.com"); !b.CreatedAt.Equal(e.clock.Now()) {
		t.Errorf("the added domain was created at %v, want now", b.CreatedAt)
	}
	if b, _ := st.Binding("cdn", "cdn.example.com"); !b.CreatedAt.IsZero() {
		t.Errorf("the seeded domain was created at %v, want long ago (zero)", b.CreatedAt)
	}
	e.clock.Advance(time.Minute)
	deploy := func(isCache any, rt, target, region string) apiResponse {
		t.Helper()
		params := map[string]any{"CertificateId": cert, "InstanceIdList": []string{target}, "ResourceType": rt}
		if isCache != nil {
			params["IsCache"] = isCache
		}
		return e.callIn(region, "DeployCertificateInstance", params)
	}

	// A domain created a minute ago is missing from the cached data.
	wantCode(t, deploy(nil, "cdn", cdnTarget("new.example.com"), ""), CodeCertificateNotDeployInstance)
	wantCode(t, deploy(1, "cdn", cdnTarget("new.example.com"), ""), CodeCertificateNotDeployInstance)
	// Resources seeded at the start count as old.
	wantCode(t, deploy(nil, "clb", "lb-web1|lbl-https", "ap-guangzhou"), "")
	// IsCache 0 reads live data.
	wantCode(t, deploy(0, "cdn", cdnTarget("new.example.com"), ""), "")
	e.clock.Advance(3 * time.Second)

	listed := func(isCache any) (domains []string, cacheTime string) {
		t.Helper()
		params := map[string]any{}
		if isCache != nil {
			params["IsCache"] = isCache
		}
		var out struct {
			InstanceList   []struct{ Domain, CertId string }
			AsyncCacheTime string
		}
		e.mustCall("", "DescribeHostCdnInstanceList", params, &out)
		for _, d := range out.InstanceList {
			domains = append(domains, d.Domain+"="+d.CertId)
		}
		return domains, out.AsyncCacheTime
	}
	got, cacheTime := listed(nil)
	if want := []string{"cdn.example.com=", "cdn.example.org="}; !slices.Equal(got, want) {
		t.Errorf("cached list = %v, want %v: the new domains are not cached yet", got, want)
	}
	if want := plainTime(e.clock.Now().Add(-30 * time.Minute)); cacheTime != want {
		t.Errorf("AsyncCacheTime = %s, want %s, the age of the cached data", cacheTime, want)
	}
	if got, _ := listed(0); !slices.Contains(got, "new.example.com="+cert) {
		t.Errorf("fresh list = %v, want new.example.com serving %s", got, cert)
	}

	// Aging a resource through the admin endpoint brings it into the cache.
	req, err := http.NewRequest(http.MethodPost, e.url+"/_sim/age",
		strings.NewReader(`{"resourceType":"cdn","target":"aged.example.com","age":"30m"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_sim/age: %v %v", resp, err)
	}
	resp.Body.Close()
	wantCode(t, deploy(nil, "cdn", cdnTarget("aged.example.com"), ""), "")
	e.clock.Advance(3 * time.Second)
	if got := e.bindingOf("cdn", "aged.example.com"); got != cert {
		t.Fatalf("the aged domain serves %q, want %s", got, cert)
	}

	// A binding changed out of band a moment ago still shows its old
	// certificate in the cache, so redeploying it is refused as "already
	// deployed" until the deploy reads fresh data.
	if err := e.sim.Age("", "", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Bind("clb", "lb-web1|lbl-https", ""); err != nil {
		t.Fatal(err)
	}
	wantCode(t, deploy(nil, "clb", "lb-web1|lbl-https", "ap-guangzhou"), CodeCertificateNotDeployInstance)
	wantCode(t, deploy(0, "clb", "lb-web1|lbl-https", "ap-guangzhou"), "")

	// Half an hour later the cache has caught up.
	inv = e.sim.State().Inventory
	inv.CDN = append(inv.CDN, Domain{Domain: "later.example.com"})
	if err := e.sim.SetInventory(inv); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Minute)
	if got, _ := listed(nil); !slices.Contains(got, "later.example.com=") {
		t.Errorf("cached list after half an hour = %v, want later.example.com", got)
	}

	t.Run("the time scale shortens the cache age", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.TimeScale = 60 })
		inv := testInventory()
		inv.CDN = append(inv.CDN, Domain{Domain: "new.example.com"})
		if err := e.sim.SetInventory(inv); err != nil {
			t.Fatal(err)
		}
		cert := e.upload(exampleCert(t))
		params := map[string]any{"CertificateId": cert, "InstanceIdList": []string{cdnTarget("new.example.com")}, "ResourceType": "cdn"}
		e.clock.Advance(29 * time.Second)
		wantCode(t, e.call("DeployCertificateInstance", params), CodeCertificateNotDeployInstance)
		e.clock.Advance(time.Second)
		wantCode(t, e.call("DeployCertificateInstance", params), "")
	})
	t.Run("inventory replaced with an age is cached at once", func(t *testing.T) {
		e := newEnv(t, nil)
		inv := testInventory()
		inv.CDN = append(inv.CDN, Domain{Domain: "new.example.com"})
		if err := e.sim.SetInventoryAged(inv, 45*time.Minute); err != nil {
			t.Fatal(err)
		}
		cert := e.upload(exampleCert(t))
		wantCode(t, e.call("DeployCertificateInstance", map[string]any{"CertificateId": cert,
			"InstanceIdList": []string{cdnTarget("new.example.com")}, "ResourceType": "cdn"}), "")
	})
	t.Run("the cache can be turned off", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.InstanceCache = -1 })
		inv := testInventory()
		inv.CDN = append(inv.CDN, Domain{Domain: "new.example.com"})
		if err := e.sim.SetInventory(inv); err != nil {
			t.Fatal(err)
		}
		cert := e.upload(exampleCert(t))
		wantCode(t, e.call("DeployCertificateInstance", map[string]any{"CertificateId": cert,
			"InstanceIdList": []string{cdnTarget("new.example.com")}, "ResourceType": "cdn"}), "")
	})
}

type deleteTaskResults struct {
	DeleteTaskResult []struct {
		TaskId, CertId, Error, CacheTime string
		Status                           int
		Domains                          []string
	}
}

func TestDeleteCertificateChecksBindingsOnlyWhenAsked(t *testing.T) {
	e := newEnv(t, nil)
	bound, free, lighthouseOnly, unchecked := e.upload(exampleCert(t)), e.upload(exampleCert(t)), e.upload(exampleCert(t)), e.upload(exampleCert(t))
	for _, b := range []struct{ rt, target, cert string }{
		{"cdn", "cdn.example.com", bound},
		{"lighthouse", "ap-shanghai|lhins-1|lh.example.com", lighthouseOnly},
		{"cdn", "cdn.example.org", unchecked},
	} {
		if err := e.sim.Bind(b.rt, b.target, b.cert); err != nil {
			t.Fatal(err)
		}
	}

	// Without IsCheckResource nothing is checked: the certificate goes, and
	// the domain keeps serving it.
	var sync struct {
		DeleteResult bool
		TaskId       *string
	}
	e.mustCall("", "DeleteCertificate", map[string]any{"CertificateId": unchecked}, &sync)
	if !sync.DeleteResult || sync.TaskId != nil {
		t.Fatalf("unchecked delete = %+v, want DeleteResult true and no task", sync)
	}
	wantCode(t, e.call("DescribeCertificateDetail", map[string]any{"CertificateId": unchecked}), CodeCertificateNotFound)
	if got := e.bindingOf("cdn", "cdn.example.org"); got != unchecked {
		t.Fatalf("the domain serves %q, want the deleted certificate still", got)
	}

	var tasks []string
	for _, id := range []string{bound, free, lighthouseOnly} {
		var async struct {
			DeleteResult bool
			TaskId       string
		}
		e.mustCall("", "DeleteCertificate", map[string]any{"CertificateId": id, "IsCheckResource": true}, &async)
		if async.DeleteResult || async.TaskId == "" {
			t.Fatalf("checked delete = %+v, want DeleteResult false and a task", async)
		}
		tasks = append(tasks, async.TaskId)
	}
	var res deleteTaskResults
	e.mustCall("", "DescribeDeleteCertificatesTaskResult", map[string]any{"TaskIds": tasks}, &res)
	for _, r := range res.DeleteTaskResult {
		if r.Status != deleteRunning {
			t.Fatalf("task %+v, want status 0 while it runs", r)
		}
	}
	if n := len(e.sim.Certificates()); n != 3 {
		t.Fatalf("%d certificates while the checks run, want 3", n)
	}

	e.clock.Advance(2 * time.Second)
	e.mustCall("", "DescribeDeleteCertificatesTaskResult", map[string]any{"TaskIds": tasks}, &res)
	got := map[string]int{}
	for _, r := range res.DeleteTaskResult {
		got[r.CertId] = r.Status
		if r.CertId == bound && r.Error != "有未解绑的云资源" {
			t.Errorf("the refused task says %q", r.Error)
		}
	}
	if got[bound] != deleteBound || got[free] != deleteSuccess || got[lighthouseOnly] != deleteSuccess {
		t.Fatalf("statuses = %v, want 4 for the bound certificate and 1 for the others", got)
	}
	left := e.sim.Certificates()
	if len(left) != 1 || left[0].ID != bound {
		t.Fatalf("certificates left = %+v, want only the bound one: the check does not see Lighthouse", left)
	}
	wantCode(t, e.call("DescribeDeleteCertificatesTaskResult", map[string]any{"TaskIds": []string{"999999"}}), CodeFailedOperation)
}

// bindEverything binds cert to one unit of every resource type, two CLB
// units of one load balancer and one in another region.
func bindEverything(t *testing.T, e *testEnv, cert string) {
	t.Helper()
	for _, b := range [][2]string{
		{"clb", "lb-web1|lbl-https"}, {"clb", "lb-web1|lbl-sni|a.example.com"}, {"clb", "lb-sh|lbl-sh"},
		{"cdn", "cdn.example.com"}, {"waf", "waf.example.com"}, {"teo", "teo.example.com"}, {"live", "live.example.com"},
		{"vod", "vod.example.com"}, {"tke", "cls-1|default|tls-web"}, {"cos", "ap-guangzhou|assets-1250000000|cos.example.com"},
		{"apigateway", "service-1|gw.example.com"}, {"ddos", "bgpip-1|ddos.example.com|443"},
		{"lighthouse", "ap-shanghai|lhins-1|lh.example.com"}, {"tse", "gateway-1|fa61bc05-cc54-4eea-c932-24de52577372"},
		{"tcb", "AccessService|ap-shanghai|env-1|tcb.example.com"},
	} {
		if err := e.sim.Bind(b[0], b[1], cert); err != nil {
			t.Fatal(err)
		}
	}
}

type bindTaskResults struct {
	SyncTaskBindResourceResult []struct {
		TaskId             string
		Status             int
		CacheTime          string
		BindResourceResult []struct {
			ResourceType             string
			BindResourceRegionResult []struct {
				Region     string
				TotalCount int
			}
		}
	}
}

type bindTaskDetail struct {
	Status int
	CLB    []struct {
		Region       string
		TotalCount   int
		InstanceList []struct {
			LoadBalancerId string
			Listeners      []struct {
				ListenerId  string
				Certificate *struct{ CertId string }
				Rules       []struct {
					Domain      string
					Certificate *struct{ CertId string }
				}
			}
		}
	}
	TSE []struct {
		Region       string
		InstanceList []struct {
			GatewayId       string
			CertificateList []struct{ Id, CertId string }
		}
	}
	TCB []struct {
		Region       string
		Environments []struct {
			Environment   struct{ ID string }
			AccessService struct {
				TotalCount   int
				InstanceList []struct{ Domain, OldCertificateId string }
			}
		}
	}
}

func TestBindResourceTasksReportEveryTypeButLighthouse(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	bindEverything(t, e, cert)
	create := func(isCache int) string {
		t.Helper()
		var out struct {
			CertTaskIds []struct{ CertId, TaskId string }
		}
		e.mustCall("", "CreateCertificateBindResourceSyncTask", map[string]any{"CertificateIds": []string{cert}, "IsCache": isCache}, &out)
		if len(out.CertTaskIds) != 1 || out.CertTaskIds[0].CertId != cert || out.CertTaskIds[0].TaskId == "" {
			t.Fatalf("CertTaskIds = %+v", out.CertTaskIds)
		}
		return out.CertTaskIds[0].TaskId
	}
	task := create(1)
	if again := create(0); again != task {
		t.Fatalf("a second query while the first runs got task %s, want %s", again, task)
	}
	var result bindTaskResults
	e.mustCall("", "DescribeCertificateBindResourceTaskResult", map[string]any{"TaskIds": []string{task}}, &result)
	if r := result.SyncTaskBindResourceResult[0]; r.Status != 0 || len(r.BindResourceResult) != 0 || r.CacheTime != "" {
		t.Fatalf("running task result = %+v, want status 0 and nothing yet", r)
	}
	var detail bindTaskDetail
	e.mustCall("", "DescribeCertificateBindResourceTaskDetail", map[string]any{"TaskId": task}, &detail)
	if detail.Status != 0 || len(detail.CLB) != 0 {
		t.Fatalf("running task detail = %+v", detail)
	}

	e.clock.Advance(2 * time.Second)
	e.mustCall("", "DescribeCertificateBindResourceTaskResult", map[string]any{"TaskIds": []string{task}}, &result)
	totals := map[string]int{}
	for _, r := range result.SyncTaskBindResourceResult[0].BindResourceResult {
		for _, rr := range r.BindResourceRegionResult {
			totals[r.ResourceType+" "+rr.Region] = rr.TotalCount
		}
	}
	wantTotals := map[string]int{
		"clb ap-guangzhou": 1, "clb ap-shanghai": 1, "cdn ": 1, "waf ap-guangzhou": 1, "live ": 1, "vod ": 1,
		"ddos ": 1, "tke ap-guangzhou": 1, "apigateway ap-guangzhou": 1, "tcb ap-shanghai": 1, "teo ": 1,
	}
	if !mapsEqual(totals, wantTotals) {
		t.Errorf("totals = %v, want %v (the totals have no cos, tse or lighthouse)", totals, wantTotals)
	}

	resp := e.mustCall("", "DescribeCertificateBindResourceTaskDetail", map[string]any{"TaskId": task}, &detail)
	if _, ok := resp.Fields["LIGHTHOUSE"]; ok {
		t.Error("the detail reports Lighthouse")
	}
	for _, key := range []string{"CDN", "WAF", "DDOS", "LIVE", "VOD", "TEO", "APIGATEWAY", "COS", "TKE"} {
		var wrappers []struct{ TotalCount int }
		if err := json.Unmarshal(resp.Fields[key], &wrappers); err != nil || len(wrappers) != 1 || wrappers[0].TotalCount != 1 {
			t.Errorf("%s = %s, want one instance", key, resp.Fields[key])
		}
	}
	var clbSeen []string
	for _, w := range detail.CLB {
		for _, lb := range w.InstanceList {
			for _, l := range lb.Listeners {
				if l.Certificate != nil {
					clbSeen = append(clbSeen, w.Region+" "+l.ListenerId+" "+l.Certificate.CertId)
				}
				for _, r := range l.Rules {
					clbSeen = append(clbSeen, w.Region+" "+l.ListenerId+" "+r.Domain+" "+r.Certificate.CertId)
				}
			}
		}
	}
	slices.Sort(clbSeen)
	wantCLB := []string{"ap-guangzhou lbl-https " + cert, "ap-guangzhou lbl-sni a.example.com " + cert, "ap-shanghai lbl-sh " + cert}
	if !slices.Equal(clbSeen, wantCLB) {
		t.Errorf("CLB bindings = %v, want %v", clbSeen, wantCLB)
	}
	if len(detail.TSE) != 1 || detail.TSE[0].Region != "ap-guangzhou" ||
		detail.TSE[0].InstanceList[0].CertificateList[0].CertId != cert {
		t.Errorf("TSE = %+v, want gateway-1 holding %s", detail.TSE, cert)
	}
	if len(detail.TCB) != 1 || detail.TCB[0].Region != "ap-shanghai" ||
		detail.TCB[0].Environments[0].AccessService.InstanceList[0].OldCertificateId != cert {
		t.Errorf("TCB = %+v, want env-1 serving %s", detail.TCB, cert)
	}

	e.mustCall("", "DescribeCertificateBindResourceTaskDetail", map[string]any{"TaskId": task,
		"ResourceTypes": []string{"clb", "cdn"}, "Regions": []string{"ap-shanghai"}, "Limit": "1", "Offset": "0"}, &detail)
	if len(detail.CLB) != 1 || detail.CLB[0].Region != "ap-shanghai" || len(detail.TCB) != 0 {
		t.Errorf("filtered detail = %+v, want the ap-shanghai CLB only", detail)
	}

	// A finished query is reused for IsCache 1 within the cache age.
	if again := create(1); again != task {
		t.Errorf("a cached query got task %s, want %s", again, task)
	}
	fresh := create(0)
	if fresh == task {
		t.Error("IsCache 0 reused the finished query")
	}
	e.clock.Advance(31 * time.Minute)
	if again := create(1); again == fresh {
		t.Error("a query older than the cache age was reused")
	}

	wantCode(t, e.call("CreateCertificateBindResourceSyncTask", map[string]any{"CertificateIds": []string{cert}}), CodeMissingParameter)
	wantCode(t, e.call("CreateCertificateBindResourceSyncTask", map[string]any{"CertificateIds": []string{"missing1"}, "IsCache": 1}), CodeCertificateNotFound)
	tooMany := make([]string, 101)
	for i := range tooMany {
		tooMany[i] = cert
	}
	wantCode(t, e.call("CreateCertificateBindResourceSyncTask", map[string]any{"CertificateIds": tooMany, "IsCache": 1}), CodeSyncTaskCertificateIDCountInvalid)
	wantCode(t, e.call("DescribeCertificateBindResourceTaskDetail", map[string]any{"TaskId": task, "ResourceTypes": []string{"lighthouse"}}), CodeInvalidParameterValue)
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestItemStatusesCoverEveryDocumentedCode(t *testing.T) {
	t.Run("items wait in the queue (0) before they deploy (3)", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.DeployDuration = 0; o.Seed = 7 })
		cert := e.upload(exampleCert(t))
		res := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-https")
		if d := e.deployDetail(res.DeployRecordId); d.DeployRecordDetailList[0].Status != statusPending || d.RunningTotalCount != 1 {
			t.Fatalf("new record = %+v, want the item pending and counted as running", d)
		}
		e.clock.Advance(30 * time.Second)
		if d := e.deployDetail(res.DeployRecordId); d.DeployRecordDetailList[0].Status != statusDeploying {
			t.Fatalf("after the queue = %+v, want the item deploying", d)
		}
		e.settle()
		if d := e.deployDetail(res.DeployRecordId); d.DeployRecordDetailList[0].Status != statusSuccess {
			t.Fatalf("after the deploy = %+v, want success", d)
		}
	})

	t.Run("rollback items end in 4 or 5 and are not retried", func(t *testing.T) {
		e := newEnv(t, nil)
		cert := e.upload(exampleCert(t))
		res := e.deploy("ap-guangzhou", cert, "clb", "lb-web1|lbl-https", "lb-web1|lbl-tcpssl")
		e.settle()
		if err := e.sim.SetFaults(Faults{Targets: []TargetFault{{ResourceType: "clb", Target: "lb-web1|lbl-tcpssl"}}}); err != nil {
			t.Fatal(err)
		}
		var back struct{ DeployRecordId int64 }
		e.mustCall("", "DeployCertificateRecordRollback", map[string]any{"DeployRecordId": res.DeployRecordId}, &back)
		e.settle()
		d := e.deployDetail(back.DeployRecordId)
		statuses := []int{d.DeployRecordDetailList[0].Status, d.DeployRecordDetailList[1].Status}
		if !slices.Equal(statuses, []int{statusRollbackSuccess, statusRollbackFailed}) || d.SuccessTotalCount != 1 || d.FailedTotalCount != 1 {
			t.Fatalf("rollback record = %+v, want 4 and 5, counted as one success and one failure", d)
		}
		var list struct{ DeployRecordList []struct{ Id, Status int64 } }
		e.mustCall("", "DescribeHostDeployRecord", map[string]any{"CertificateId": cert}, &list)
		if list.DeployRecordList[0].Id != back.DeployRecordId || list.DeployRecordList[0].Status != 2 {
			t.Errorf("record list = %+v, want the rollback record failed (2)", list)
		}
		wantCode(t, e.call("DeployCertificateRecordRetry", map[string]any{"DeployRecordId": back.DeployRecordId}), CodeDeployRetryStatusInvalid)
		wantCode(t, e.call("DeployCertificateRecordRollback", map[string]any{"DeployRecordId": back.DeployRecordId}), CodeDeployRollbackStatusInvalid)
		// The original record shows the rollback too, so a client that lost the rollback's
		// answer learns from the record it knows that its items were rolled back.
		orig := e.deployDetail(res.DeployRecordId)
		got := []int{orig.DeployRecordDetailList[0].Status, orig.DeployRecordDetailList[1].Status}
		if !slices.Equal(got, []int{statusRollbackSuccess, statusRollbackFailed}) {
			t.Errorf("original record items = %v, want 4 and 5 after the rollback", got)
		}
	})

	t.Run("a deploy to an instance that disappears ends in 6", func(t *testing.T) {
		e := newEnv(t, nil)
		cert := e.upload(exampleCert(t))
		res := e.deploy("", cert, "cdn", cdnTarget("cdn.example.com"))
		inv := testInventory()
		inv.CDN = inv.CDN[1:]
		if err := e.sim.SetInventory(inv); err != nil {
			t.Fatal(err)
		}
		e.settle()
		d := e.deployDetail(res.DeployRecordId)
		if d.DeployRecordDetailList[0].Status != statusNoResource || d.TotalCount != 1 ||
			d.SuccessTotalCount+d.FailedTotalCount+d.RunningTotalCount != 0 {
			t.Fatalf("record = %+v, want the item 6 and counted in no counter", d)
		}
		wantCode(t, e.call("DeployCertificateRecordRetry", map[string]any{"DeployRecordId": res.DeployRecordId}), CodeDeployRetryStatusInvalid)
		wantCode(t, e.call("DeployCertificateRecordRollback", map[string]any{"DeployRecordId": res.DeployRecordId}), CodeDeployRollbackStatusInvalid)
	})

	t.Run("an update item whose target changed certificate ends in 6", func(t *testing.T) {
		e := newEnv(t, nil)
		old, next, other := e.upload(exampleCert(t)), e.upload(exampleCert(t)), e.upload(exampleCert(t))
		for _, d := range []string{"cdn.example.com", "cdn.example.org"} {
			if err := e.sim.Bind("cdn", d, old); err != nil {
				t.Fatal(err)
			}
		}
		var up updateResult
		for up.DeployRecordId == 0 {
			e.mustCall("", "UpdateCertificateInstance", map[string]any{"OldCertificateId": old, "CertificateId": next, "ResourceTypes": []string{"cdn"}}, &up)
		}
		if err := e.sim.Bind("cdn", "cdn.example.org", other); err != nil {
			t.Fatal(err)
		}
		e.settle()
		var d updateDetailList
		e.mustCall("", "DescribeHostUpdateRecordDetail", map[string]any{"DeployRecordId": up.DeployRecordId}, &d)
		got := map[string]int{}
		for _, it := range d.RecordDetailList[0].List {
			got[it.OldCertId] = it.Status
		}
		if d.SuccessTotalCount != 1 || d.FailedTotalCount != 0 || d.TotalCount != 2 || !slices.Contains(slices.Collect(mapValues(got)), statusNoResource) {
			t.Fatalf("update record = %+v, want one success and one 6", d)
		}
		if e.bindingOf("cdn", "cdn.example.org") != other {
			t.Fatal("the update overwrote a certificate it was not replacing")
		}
	})
}

func mapValues(m map[string]int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

func TestMissingRecordsAnswerEachActionsDocumentedCode(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		action string
		params map[string]any
		code   string
	}{
		{"DescribeHostDeployRecordDetail", map[string]any{"DeployRecordId": 999}, CodeDeployNotExist},
		{"DeployCertificateRecordRetry", map[string]any{"DeployRecordId": 999}, CodeInvalidParam},
		{"DeployCertificateRecordRetry", map[string]any{"DeployRecordDetailId": 999}, CodeInvalidParam},
		{"DeployCertificateRecordRollback", map[string]any{"DeployRecordId": 999}, CodeDeployNotExist},
		{"DescribeHostUpdateRecordDetail", map[string]any{"DeployRecordId": 999}, CodeDeployNotExist},
		{"UpdateCertificateRecordRetry", map[string]any{"DeployRecordId": 999}, CodeInvalidParam},
		{"UpdateCertificateRecordRollback", map[string]any{"DeployRecordId": 999}, CodeInvalidParam},
		{"DescribeHostUploadUpdateRecordDetail", map[string]any{"DeployRecordId": 999}, CodeInvalidParam},
		{"UploadUpdateCertificateRecordRetry", map[string]any{"DeployRecordId": 999}, CodeInvalidParam},
		{"UploadUpdateCertificateRecordRollback", map[string]any{"DeployRecordId": 999}, CodeInvalidParam},
		{"DescribeDeleteCertificatesTaskResult", map[string]any{"TaskIds": []string{"999"}}, CodeFailedOperation},
		{"DescribeCertificateBindResourceTaskResult", map[string]any{"TaskIds": []string{"999"}}, CodeSyncTaskIDInvalid},
		{"DescribeCertificateBindResourceTaskDetail", map[string]any{"TaskId": "999"}, CodeSyncTaskIDInvalid},
		{"DescribeHostDeployRecord", map[string]any{"CertificateId": "missing1"}, CodeCertificateNotFound},
		{"DeleteCertificate", map[string]any{"CertificateId": "missing1"}, CodeCertificateNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) { wantCode(t, e.call(tt.action, tt.params), tt.code) })
	}
}

func TestRegionsAreValidated(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	describe := func(region, host string) apiResponse {
		return e.do(request{action: "DescribeCertificates", body: []byte(`{}`), region: region, host: host})
	}
	wantCode(t, describe("ap-mars", ""), CodeUnsupportedRegion)
	wantCode(t, describe("ap-qingyuan", ""), CodeUnsupportedRegion)
	wantCode(t, describe("ap-hongkong", ""), "")
	wantCode(t, e.callIn("eu-moscow", "DeployCertificateInstance", map[string]any{"CertificateId": cert,
		"InstanceIdList": []string{"lb-web1|lbl-https"}}), CodeUnsupportedRegion)
	// Financial regions are isolated: only their own endpoint serves them.
	wantCode(t, describe("ap-shanghai-fsi", ""), CodeUnsupportedRegion)
	wantCode(t, describe("ap-shanghai-fsi", "ssl.ap-shanghai-fsi.tencentcloudapi.com"), "")
	wantCode(t, describe("ap-guangzhou", "ssl.ap-shanghai-fsi.tencentcloudapi.com"), CodeUnsupportedRegion)

	update := func(region string) apiResponse {
		return e.call("UpdateCertificateInstance", map[string]any{"OldCertificateId": cert, "CertificateId": e.upload(exampleCert(t)),
			"ResourceTypes": []string{"clb"}, "ResourceTypesRegions": clbRegions(region)})
	}
	wantCode(t, update("ap-mars"), CodeWithDetailReason)
	// ap-qingyuan, used by a documented example, is accepted in bodies.
	wantCode(t, update("ap-qingyuan"), CodeDeployInstanceEmpty)
}

func TestRateLimitsAreKeyedByActionAccessRegionAndSecretID(t *testing.T) {
	const secondID, secondKey = "AKIDsecondaccount", "second-key"
	e := newEnv(t, func(o *Options) {
		o.DisableRateLimits = false
		o.Credentials[secondID] = secondKey
	})
	describe := func(rq request) string {
		rq.action, rq.body = "DescribeCertificates", []byte(`{}`)
		return e.do(rq).Code
	}
	for i, region := range []string{"", "ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-tokyo", "", "ap-seoul", "ap-jakarta", "ap-nanjing", "ap-chengdu"} {
		if code := describe(request{region: region}); code != "" {
			t.Fatalf("call %d: %s", i, code)
		}
	}
	if code := describe(request{region: "ap-hongkong"}); code != CodeRateLimitExceeded {
		t.Fatalf("the 11th call with yet another Region header answered %q, want throttling: the header is not the key", code)
	}
	if code := describe(request{host: "ssl.tencentcloudapi.com"}); code != CodeRateLimitExceeded {
		t.Fatalf("the nearest-region endpoint answered %q, want the same (Guangzhou) budget", code)
	}
	if code := describe(request{host: "ssl.ap-shanghai.tencentcloudapi.com"}); code != "" {
		t.Fatalf("another access region answered %q, want its own budget", code)
	}
	if code := describe(request{secretID: secondID, secretKey: secondKey}); code != "" {
		t.Fatalf("another sub-account answered %q, want its own budget", code)
	}
	if code := e.call("DescribeCertificateDetail", map[string]any{"CertificateId": "missing1"}).Code; code != CodeCertificateNotFound {
		t.Fatalf("another action answered %q, want its own budget", code)
	}
}

// completionTimes deploys to every listener of a 20-listener load balancer
// and returns when each item completed.
func completionTimes(t *testing.T, seed uint64) []string {
	lb := LoadBalancer{ID: "lb-spread", Region: "ap-guangzhou"}
	var targets []string
	for i := range 20 {
		id := "lbl-" + string(rune('a'+i))
		lb.Listeners = append(lb.Listeners, Listener{ID: id, Protocol: "TCP_SSL"})
		targets = append(targets, "lb-spread|"+id)
	}
	e := newEnv(t, func(o *Options) {
		o.DeployDuration, o.TimeScale, o.Seed = 0, 60, seed
		o.Inventory = &Inventory{CLB: []LoadBalancer{lb}}
	})
	cert := e.upload(exampleCert(t))
	res := e.deploy("ap-guangzhou", cert, "clb", targets...)
	start := e.clock.Now()
	e.clock.Advance(500 * time.Millisecond)
	if d := e.deployDetail(res.DeployRecordId); d.RunningTotalCount != 20 {
		t.Fatalf("after 0.5s (30 simulated seconds): %+v, want every item still running", d)
	}
	e.clock.Advance(4500 * time.Millisecond)
	var d struct {
		SuccessTotalCount      int
		DeployRecordDetailList []struct{ UpdateTime string }
	}
	e.mustCall("", "DescribeHostDeployRecordDetail", map[string]any{"DeployRecordId": res.DeployRecordId, "Limit": 20}, &d)
	if d.SuccessTotalCount != 20 {
		t.Fatalf("after 5s (5 simulated minutes): %+v, want every item done", d)
	}
	var out []string
	for _, it := range d.DeployRecordDetailList {
		done, err := time.Parse("2006-01-02T15:04:05.000000Z", it.UpdateTime)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, done.Sub(start.Truncate(time.Second)).String())
	}
	return out
}

func TestTimeScaleCompressesRealisticSpreadDurations(t *testing.T) {
	first, again, other := completionTimes(t, 1), completionTimes(t, 1), completionTimes(t, 2)
	if !slices.Equal(first, again) {
		t.Errorf("the same seed gave %v and %v", first, again)
	}
	if slices.Equal(first, other) {
		t.Errorf("another seed gave the same durations %v", first)
	}
	distinct := slices.Compact(slices.Sorted(slices.Values(first)))
	if len(distinct) < 5 {
		t.Errorf("durations %v, want a spread", first)
	}
}

func TestRegionalListsScopeInstanceListsToTheRequestRegion(t *testing.T) {
	lbs := func(e *testEnv, rq request) []string {
		t.Helper()
		rq.action, rq.body = "DescribeHostClbInstanceList", []byte(`{}`)
		resp := e.do(rq)
		var out struct {
			InstanceList []struct{ LoadBalancerId string }
		}
		resp.decode(t, &out)
		var ids []string
		for _, lb := range out.InstanceList {
			ids = append(ids, lb.LoadBalancerId)
		}
		return ids
	}
	regional := newEnv(t, nil)
	for _, tt := range []struct {
		name string
		rq   request
		want []string
	}{
		{"no Region header lists the access region", request{}, []string{"lb-web1"}},
		{"the Region header selects the region", request{region: "ap-shanghai"}, []string{"lb-sh"}},
		{"a regional endpoint selects its region", request{host: "ssl.ap-shanghai.tencentcloudapi.com"}, []string{"lb-sh"}},
	} {
		if got := lbs(regional, tt.rq); !slices.Equal(got, tt.want) {
			t.Errorf("%s: listed %v, want %v", tt.name, got, tt.want)
		}
	}
	var lh struct{ TotalCount int }
	regional.mustCall("", "DescribeHostLighthouseInstanceList", map[string]any{}, &lh)
	if lh.TotalCount != 0 {
		t.Errorf("the ap-shanghai Lighthouse instance is listed without its region")
	}
	var cdn struct{ TotalCount int }
	regional.mustCall("ap-shanghai", "DescribeHostCdnInstanceList", map[string]any{}, &cdn)
	if cdn.TotalCount != 2 {
		t.Errorf("CDN, a global product, lists %d domains from ap-shanghai, want 2", cdn.TotalCount)
	}

	global := newEnv(t, globalLists)
	if got := lbs(global, request{}); !slices.Equal(got, []string{"lb-web1", "lb-sh"}) {
		t.Errorf("global lists: %v, want both regions", got)
	}
}

func TestLatencyIsParsedAndDelaysEveryAnswer(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Latency
		bad  bool
	}{
		{in: "150ms±50ms", want: Latency{150 * time.Millisecond, 50 * time.Millisecond}},
		{in: "150ms+-50ms", want: Latency{150 * time.Millisecond, 50 * time.Millisecond}},
		{in: " 20ms ", want: Latency{Mean: 20 * time.Millisecond}},
		{in: "", want: Latency{}},
		{in: "50ms±60ms", bad: true},
		{in: "-5ms", bad: true},
		{in: "fast", bad: true},
		{in: "10ms±x", bad: true},
	} {
		got, err := ParseLatency(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("ParseLatency(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.bad)
		}
		if err == nil && tt.in != "" {
			if back, err := ParseLatency(got.String()); err != nil || back != got {
				t.Errorf("%v does not round-trip through its string %q", got, got.String())
			}
		}
	}
	if _, err := Open(Options{Latency: Latency{Mean: time.Millisecond, Jitter: time.Second}}); err == nil {
		t.Error("Open accepted a jitter larger than the mean")
	}

	draws := func(seed uint64) []time.Duration {
		s := New(Options{Seed: seed, Latency: Latency{100 * time.Millisecond, 50 * time.Millisecond}})
		var out []time.Duration
		for range 200 {
			out = append(out, s.delay())
		}
		return out
	}
	first := draws(3)
	if !slices.Equal(first, draws(3)) {
		t.Error("the same seed drew other latencies")
	}
	if lo, hi := slices.Min(first), slices.Max(first); lo < 50*time.Millisecond || hi > 150*time.Millisecond || hi-lo < 50*time.Millisecond {
		t.Errorf("latencies span %v to %v, want a spread within 50ms to 150ms", lo, hi)
	}

	e := newEnv(t, func(o *Options) { o.Latency = Latency{Mean: 30 * time.Millisecond} })
	start := time.Now()
	wantCode(t, e.call("DescribeCertificateDetail", map[string]any{"CertificateId": "missing1"}), CodeCertificateNotFound)
	if elapsed := time.Since(start); elapsed < 30*time.Millisecond {
		t.Fatalf("answered after %v, want at least the 30ms latency", elapsed)
	}
}
