package certificatedeployment

import (
	"context"
	"strings"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud/fake"
)

func TestCheckDomainsRefusesTargetsOutsideTheNames(t *testing.T) {
	targets := func(domains ...string) *run {
		obj := &sslv1alpha1.CertificateDeployment{}
		for _, d := range domains {
			obj.Spec.Targets = append(obj.Spec.Targets, sslv1alpha1.Target{Domain: d})
		}
		return &run{obj: obj, certID: "c1", dnsNames: []string{"*.example.com", "example.com"}}
	}
	if err := checkDomains(targets("www.example.com", "EXAMPLE.com", "")); err != nil {
		t.Errorf("covered domains: %v", err)
	}
	err := checkDomains(targets("www.example.com", "a.b.example.com", "example.org"))
	o := reconcile.As(err)
	if err == nil || o.Severity != reconcile.Terminal || o.Reason != sslv1alpha1.ReasonDomainNotCovered ||
		!strings.Contains(o.Message, "targets[1] (a.b.example.com), targets[2] (example.org)") {
		t.Fatalf("got %v", err)
	}
	unnamed := targets("anything.org")
	unnamed.dnsNames = nil
	if err := checkDomains(unnamed); err != nil {
		t.Errorf("a certificate without published names is not checked: %v", err)
	}
}

func TestObserveKeepsTheBoundResourceQueryAcrossReconciles(t *testing.T) {
	r := &Reconciler{Clock: clocktesting.NewFakeClock(time.Now())}
	obj := &sslv1alpha1.CertificateDeployment{Spec: sslv1alpha1.CertificateDeploymentSpec{ResourceType: "tcb", Region: "ap-shanghai"}}
	rn := &run{obj: obj}
	var asked []tencentcloud.BindingsQuery
	answer := tencentcloud.Bindings{Pending: true, TaskID: "t1"}
	var answerErr error
	api := fake.New()
	api.BindingsFn = func(_ context.Context, q tencentcloud.BindingsQuery) (tencentcloud.Bindings, error) {
		asked = append(asked, q)
		return answer, answerErr
	}
	ctx := context.Background()

	o, err := r.observe(ctx, rn, api, "c1")
	if err != nil || !o.pending || obj.Status.BindingsQuery == nil || obj.Status.BindingsQuery.TaskID != "t1" {
		t.Fatalf("a started query: %+v, %v, status %+v", o, err, obj.Status.BindingsQuery)
	}
	if _, err := r.observe(ctx, rn, api, "c1"); err != nil || asked[1].TaskID != "t1" || asked[1].Region != "ap-shanghai" {
		t.Fatalf("the next look asks %+v, %v", asked[1], err)
	}
	answer = tencentcloud.Bindings{Serving: map[string]string{"k": "c1"}, TaskID: "t1"}
	if o, err := r.observe(ctx, rn, api, "c1"); err != nil || o.pending || o.bound["k"] != "c1" || obj.Status.BindingsQuery != nil {
		t.Fatalf("an answered query: %+v, %v, status %+v", o, err, obj.Status.BindingsQuery)
	}
	// A query of another certificate is not reused; a forgotten one is started again.
	obj.Status.BindingsQuery = &sslv1alpha1.BindingsQueryStatus{CertificateID: "old", TaskID: "t0"}
	answerErr = &tencentcloud.Error{Code: "FailedOperation.CertificateSyncTaskIdInvalid"}
	if _, err := r.observe(ctx, rn, api, "c1"); err == nil || asked[3].TaskID != "" {
		t.Fatalf("asked %+v, %v", asked[3], err)
	}
	obj.Status.BindingsQuery = &sslv1alpha1.BindingsQueryStatus{CertificateID: "c1", TaskID: "t0"}
	if _, err := r.observe(ctx, rn, api, "c1"); err == nil || obj.Status.BindingsQuery != nil {
		t.Fatalf("a forgotten query is kept: %v, %+v", err, obj.Status.BindingsQuery)
	}
	answerErr = tencentcloud.ErrUnobservable
	if o, err := r.observe(ctx, rn, api, "c1"); err != nil || o.bound != nil || o.pending {
		t.Fatalf("an unobservable type: %+v, %v", o, err)
	}
}
