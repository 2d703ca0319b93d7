package sslsim

import (
	"testing"
)

type updateResult struct {
	DeployRecordId     int64
	DeployStatus       int
	UpdateSyncProgress []struct {
		ResourceType              string
		Status                    int
		UpdateSyncProgressRegions []struct {
			Region      string
			TotalCount  int
			OffsetCount int
		}
	}
}

type updateDetailList struct {
	TotalCount        int
	SuccessTotalCount int
	FailedTotalCount  int
	RunningTotalCount int
	RecordDetailList  []struct {
		ResourceType string
		TotalCount   int
		List         []struct {
			Id           int64
			CertId       string
			OldCertId    string
			Status       int
			ResourceType string
			Region       string
		}
	}
}

func clbRegions(regions ...string) []map[string]any {
	return []map[string]any{{"ResourceType": "clb", "Regions": regions}}
}

func TestUpdateAnswersZeroWhileTheTaskIsBeingCreated(t *testing.T) {
	e := newEnv(t, nil)
	old := e.upload(exampleCert(t))
	for _, b := range [][2]string{{"clb", "lb-web1|lbl-https"}, {"clb", "lb-sh|lbl-sh"}, {"cdn", "cdn.example.com"}, {"live", "live.example.com"}} {
		if err := e.sim.Bind(b[0], b[1], old); err != nil {
			t.Fatal(err)
		}
	}
	newCert := e.upload(exampleCert(t))
	params := map[string]any{
		"OldCertificateId": old, "CertificateId": newCert, "ResourceTypes": []string{"clb", "cdn"},
		"ResourceTypesRegions": clbRegions("ap-guangzhou"),
	}
	var first, second, third updateResult
	e.mustCall("", "UpdateCertificateInstance", params, &first)
	if first.DeployRecordId != 0 || first.DeployStatus != 0 {
		t.Fatalf("first call answered %+v, want DeployRecordId 0 (being created)", first)
	}
	e.mustCall("", "UpdateCertificateInstance", params, &second)
	if second.DeployRecordId == 0 || second.DeployStatus != 1 {
		t.Fatalf("second call answered %+v, want the created task", second)
	}
	if len(second.UpdateSyncProgress) != 2 || second.UpdateSyncProgress[1].UpdateSyncProgressRegions[0].TotalCount != 1 {
		t.Fatalf("progress = %+v, want one clb resource in ap-guangzhou", second.UpdateSyncProgress)
	}
	e.mustCall("", "UpdateCertificateInstance", params, &third)
	if third.DeployRecordId != second.DeployRecordId || third.DeployStatus != 0 {
		t.Fatalf("third call answered %+v, want DeployStatus 0 and the running task", third)
	}

	var d updateDetailList
	e.mustCall("", "DescribeHostUpdateRecordDetail", map[string]any{"DeployRecordId": second.DeployRecordId}, &d)
	if d.TotalCount != 2 || d.RunningTotalCount != 2 || len(d.RecordDetailList) != 2 {
		t.Fatalf("detail = %+v, want a cdn and a clb group, both running", d)
	}
	for _, g := range d.RecordDetailList {
		if g.TotalCount != 1 || g.List[0].ResourceType != g.ResourceType || g.List[0].OldCertId != old || g.List[0].CertId != newCert {
			t.Fatalf("group = %+v", g)
		}
	}
	e.settle()
	for _, b := range []struct{ rt, target, want string }{
		{"clb", "lb-web1|lbl-https", newCert},
		{"cdn", "cdn.example.com", newCert},
		{"clb", "lb-sh|lbl-sh", old},      // region not requested
		{"live", "live.example.com", old}, // type not requested
	} {
		if got := e.bindingOf(b.rt, b.target); got != b.want {
			t.Errorf("%s %s serves %q, want %q", b.rt, b.target, got, b.want)
		}
	}
	wantCode(t, e.call("UpdateCertificateInstance", params), CodeDeployInstanceEmpty)

	var records struct {
		TotalCount       int
		DeployRecordList []struct {
			Id            int64
			CertId        string
			OldCertId     string
			ResourceTypes []string
			Regions       []string
			Status        int
		}
	}
	e.mustCall("", "DescribeHostUpdateRecord", map[string]any{"OldCertificateId": old}, &records)
	if records.TotalCount != 1 || records.DeployRecordList[0].Status != 1 || records.DeployRecordList[0].CertId != newCert {
		t.Fatalf("records = %+v", records)
	}
}

func TestUpdateCreationPollsIsConfigurable(t *testing.T) {
	tests := []struct {
		name  string
		polls int
		zeros int
	}{
		{name: "the default answers zero once", polls: 0, zeros: 1},
		{name: "three polls answer zero three times", polls: 3, zeros: 3},
		{name: "a negative value creates the task at once", polls: -1, zeros: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.UpdateCreationPolls = tt.polls })
			old := e.upload(exampleCert(t))
			if err := e.sim.Bind("cdn", "cdn.example.com", old); err != nil {
				t.Fatal(err)
			}
			params := map[string]any{"OldCertificateId": old, "CertificateId": e.upload(exampleCert(t)), "ResourceTypes": []string{"cdn"}}
			zeros := 0
			for {
				var out updateResult
				e.mustCall("", "UpdateCertificateInstance", params, &out)
				if out.DeployRecordId != 0 {
					break
				}
				zeros++
				if zeros > 10 {
					t.Fatal("the task is never created")
				}
			}
			if zeros != tt.zeros {
				t.Fatalf("%d zero answers, want %d", zeros, tt.zeros)
			}
		})
	}
}

func TestUpdateWithAKeyPairUploadsTheNewCertificateOnce(t *testing.T) {
	e := newEnv(t, nil)
	old := e.upload(exampleCert(t))
	if err := e.sim.Bind("cdn", "cdn.example.com", old); err != nil {
		t.Fatal(err)
	}
	c := exampleCert(t)
	params := map[string]any{
		"OldCertificateId": old, "ResourceTypes": []string{"cdn"},
		"CertificatePublicKey": string(c.FullChainPEM), "CertificatePrivateKey": string(c.KeyPEM),
		"ExpiringNotificationSwitch": 1,
	}
	var out updateResult
	for out.DeployRecordId == 0 {
		e.mustCall("", "UpdateCertificateInstance", params, &out)
	}
	certs := e.sim.Certificates()
	if len(certs) != 2 {
		t.Fatalf("%d certificates, want the old one and one upload", len(certs))
	}
	if !certs[0].IgnoreExpiryNotification {
		t.Error("ExpiringNotificationSwitch=1 did not mute the old certificate")
	}
	e.settle()
	if got := e.bindingOf("cdn", "cdn.example.com"); got != certs[1].ID {
		t.Fatalf("cdn serves %q, want the uploaded %s", got, certs[1].ID)
	}
}

func TestUpdateErrors(t *testing.T) {
	e := newEnv(t, nil)
	old := e.upload(exampleCert(t))
	if err := e.sim.Bind("clb", "lb-web1|lbl-https", old); err != nil {
		t.Fatal(err)
	}
	unbound := e.upload(exampleCert(t))
	newCert := e.upload(exampleCert(t))
	other := leaf(t, "other.example.com")
	tests := []struct {
		name   string
		params map[string]any
		code   string
	}{
		{name: "nothing bound to the old certificate is empty", params: map[string]any{"OldCertificateId": unbound, "CertificateId": newCert, "ResourceTypes": []string{"cdn"}}, code: CodeDeployInstanceEmpty},
		{name: "a region-scoped type needs ResourceTypesRegions", params: map[string]any{"OldCertificateId": old, "CertificateId": newCert, "ResourceTypes": []string{"clb"}}, code: CodeWithDetailReason},
		{name: "the deprecated Regions does not select regions", params: map[string]any{"OldCertificateId": old, "CertificateId": newCert, "ResourceTypes": []string{"clb"}, "Regions": []string{"ap-guangzhou"}}, code: CodeWithDetailReason},
		{name: "lighthouse cannot be updated", params: map[string]any{"OldCertificateId": old, "CertificateId": newCert, "ResourceTypes": []string{"lighthouse"}}, code: CodeHostResourceTypeInvalid},
		{name: "an unknown old certificate is not found", params: map[string]any{"OldCertificateId": "missing1", "CertificateId": newCert, "ResourceTypes": []string{"cdn"}}, code: CodeCertificateNotFound},
		{name: "an unknown new certificate is not found", params: map[string]any{"OldCertificateId": old, "CertificateId": "missing1", "ResourceTypes": []string{"cdn"}}, code: CodeCertificateNotFound},
		{name: "a new certificate is required", params: map[string]any{"OldCertificateId": old, "ResourceTypes": []string{"cdn"}}, code: CodeMissingParameter},
		{name: "a mismatched key pair is refused", params: map[string]any{"OldCertificateId": old, "ResourceTypes": []string{"clb"}, "ResourceTypesRegions": clbRegions("ap-guangzhou"),
			"CertificatePublicKey": string(other.FullChainPEM), "CertificatePrivateKey": string(exampleCert(t).KeyPEM)}, code: CodeCertificateMatchError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, e.call("UpdateCertificateInstance", tt.params), tt.code)
		})
	}
}

func TestUpdateRefusesAnIdenticalUploadWhenNotRepeatable(t *testing.T) {
	e := newEnv(t, nil)
	old := e.upload(exampleCert(t))
	if err := e.sim.Bind("cdn", "cdn.example.com", old); err != nil {
		t.Fatal(err)
	}
	existing := exampleCert(t)
	e.upload(existing)
	wantCode(t, e.call("UpdateCertificateInstance", map[string]any{
		"OldCertificateId": old, "ResourceTypes": []string{"cdn"}, "Repeatable": false,
		"CertificatePublicKey": string(existing.FullChainPEM), "CertificatePrivateKey": string(existing.KeyPEM),
	}), CodeCertificateExists)
}

func TestUpdateRetryAndRollback(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Faults.Targets = []TargetFault{{ResourceType: "cdn", Target: "cdn.example.com", Attempts: 1}}
	})
	old := e.upload(exampleCert(t))
	for _, b := range [][2]string{{"cdn", "cdn.example.com"}, {"vod", "vod.example.com"}} {
		if err := e.sim.Bind(b[0], b[1], old); err != nil {
			t.Fatal(err)
		}
	}
	newCert := e.upload(exampleCert(t))
	params := map[string]any{"OldCertificateId": old, "CertificateId": newCert, "ResourceTypes": []string{"cdn", "vod"}}
	var up updateResult
	for up.DeployRecordId == 0 {
		e.mustCall("", "UpdateCertificateInstance", params, &up)
	}
	e.settle()
	var d updateDetailList
	e.mustCall("", "DescribeHostUpdateRecordDetail", map[string]any{"DeployRecordId": up.DeployRecordId}, &d)
	if d.FailedTotalCount != 1 || d.SuccessTotalCount != 1 {
		t.Fatalf("detail = %+v, want the cdn item failed", d)
	}
	wantCode(t, e.call("UpdateCertificateRecordRetry", map[string]any{}), CodeMissingParameter)
	e.mustCall("", "UpdateCertificateRecordRetry", map[string]any{"DeployRecordId": up.DeployRecordId}, nil)
	wantCode(t, e.call("UpdateCertificateRecordRollback", map[string]any{"DeployRecordId": up.DeployRecordId}), CodeDeployDetailRollbackStatusInvalid)
	e.settle()
	if got := e.bindingOf("cdn", "cdn.example.com"); got != newCert {
		t.Fatalf("cdn serves %q after the retry, want %s", got, newCert)
	}
	var back struct{ DeployRecordId int64 }
	e.mustCall("", "UpdateCertificateRecordRollback", map[string]any{"DeployRecordId": up.DeployRecordId}, &back)
	if back.DeployRecordId == up.DeployRecordId || back.DeployRecordId == 0 {
		t.Fatalf("rollback answered %d, want a new record", back.DeployRecordId)
	}
	e.settle()
	for _, target := range [][2]string{{"cdn", "cdn.example.com"}, {"vod", "vod.example.com"}} {
		if got := e.bindingOf(target[0], target[1]); got != old {
			t.Errorf("%s serves %q after rollback, want %s", target[1], got, old)
		}
	}
	wantCode(t, e.call("UpdateCertificateRecordRollback", map[string]any{"DeployRecordId": up.DeployRecordId}), CodeDeployRollbackStatusInvalid)
}

func TestUploadUpdateKeepsTheCertificateID(t *testing.T) {
	e := newEnv(t, nil)
	old := exampleCert(t)
	id := e.upload(old)
	if err := e.sim.Bind("clb", "lb-web1|lbl-https", id); err != nil {
		t.Fatal(err)
	}
	renewed := exampleCert(t)
	params := map[string]any{
		"OldCertificateId": id, "ResourceTypes": []string{"clb"}, "ResourceTypesRegions": clbRegions("ap-guangzhou"),
		"CertificatePublicKey": string(renewed.FullChainPEM), "CertificatePrivateKey": string(renewed.KeyPEM),
	}
	wantCode(t, e.call("UploadUpdateCertificateInstance", map[string]any{
		"OldCertificateId": id, "ResourceTypes": []string{"cdn"},
		"CertificatePublicKey": string(renewed.FullChainPEM), "CertificatePrivateKey": string(renewed.KeyPEM),
	}), CodeHostResourceTypeInvalid)

	var up updateResult
	e.mustCall("", "UploadUpdateCertificateInstance", params, &up)
	if up.DeployRecordId != 0 {
		t.Fatalf("first call answered %+v, want 0 (being created)", up)
	}
	e.mustCall("", "UploadUpdateCertificateInstance", params, &up)
	if up.DeployRecordId == 0 || up.DeployStatus != 1 {
		t.Fatalf("second call answered %+v, want the task", up)
	}
	fingerprint := func() string {
		var d certificateDetail
		e.mustCall("", "DescribeCertificateDetail", map[string]any{"CertificateId": id}, &d)
		return d.CertFingerprint
	}
	if got := fingerprint(); got != e.sim.Certificates()[0].Fingerprint || got == "" {
		t.Fatalf("fingerprint %s does not match the stored one", got)
	}
	if e.sim.Certificates()[0].CertificatePEM != string(renewed.FullChainPEM) {
		t.Fatal("the content was not replaced")
	}
	e.settle()
	if got := e.bindingOf("clb", "lb-web1|lbl-https"); got != id {
		t.Fatalf("the listener serves %q, want the same ID %s", got, id)
	}
	type pass struct {
		Type              int
		Status            int
		TotalCount        int
		SuccessTotalCount int
		RecordDetailList  []struct {
			ResourceType string
			List         []struct {
				Id                 int64
				Status             int
				OldCertId, SSLMode string
			}
		}
	}
	var detail struct{ DeployRecordDetail []pass }
	e.mustCall("", "DescribeHostUploadUpdateRecordDetail", map[string]any{"DeployRecordId": up.DeployRecordId}, &detail)
	if len(detail.DeployRecordDetail) != 1 || detail.DeployRecordDetail[0].Status != statusSuccess || detail.DeployRecordDetail[0].Type != 0 {
		t.Fatalf("passes = %+v, want one successful update pass", detail)
	}

	e.mustCall("", "UploadUpdateCertificateRecordRollback", map[string]any{"DeployRecordId": up.DeployRecordId}, nil)
	if e.sim.Certificates()[0].CertificatePEM != string(old.FullChainPEM) {
		t.Fatal("the rollback did not restore the previous content")
	}
	e.settle()
	e.mustCall("", "DescribeHostUploadUpdateRecordDetail", map[string]any{"DeployRecordId": up.DeployRecordId}, &detail)
	if len(detail.DeployRecordDetail) != 2 || detail.DeployRecordDetail[1].Type != 1 || detail.DeployRecordDetail[1].Status != statusRollbackSuccess {
		t.Fatalf("passes = %+v, want a rollback pass with status 4", detail)
	}
	var list struct {
		TotalCount       int
		DeployRecordList []struct {
			Id     int64
			Status int
		}
	}
	e.mustCall("", "DescribeHostUploadUpdateRecord", map[string]any{"OldCertificateId": id}, &list)
	if list.TotalCount != 1 || list.DeployRecordList[0].Status != statusRollbackSuccess {
		t.Fatalf("records = %+v", list)
	}
}
