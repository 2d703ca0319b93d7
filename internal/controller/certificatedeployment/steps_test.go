package certificatedeployment

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/steptest"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud/fake"
)

// stepEnv runs single steps of a Reconciler on the fake API, a fake clock and a fake client.
type stepEnv struct {
	r     *Reconciler
	api   *fake.Client
	clock *clocktesting.FakeClock
}

// The two clb targets of every deployment here, as InstanceIdList entries.
const (
	https = "lb-1|lbl-https"
	tls   = "lb-1|lbl-tls"
)

// newStepEnv stores obj, objs and the default account in the fake client and returns a run on
// obj as read back, so that it carries a resourceVersion like a cached object. The default
// account selects every namespace, uses the ambient identity and allows adoption.
func newStepEnv(t *testing.T, obj *sslv1alpha1.CertificateDeployment, objs ...client.Object) (*stepEnv, *run) {
	t.Helper()
	// The index the running task is found by, as SetupWithManager registers it.
	byTask := steptest.Index{Object: &sslv1alpha1.CertificateDeployment{}, Field: indexRunningTask, Extract: func(o client.Object) []string {
		if cd := o.(*sslv1alpha1.CertificateDeployment); cd.Status.Record != nil && !cd.Status.Record.Ended() {
			return []string{taskKey(cd.Status.Record.CertificateID, cd.Spec.ResourceType)}
		}
		return nil
	}}
	account := steptest.Account(sslv1alpha1.DefaultAccountName, func(s *sslv1alpha1.TencentCloudAccountSpec) { s.AllowAdoption = true })
	c := steptest.Client(append(objs, obj, account), byTask)
	got := &sslv1alpha1.CertificateDeployment{}
	NewWithT(t).Expect(c.Get(context.Background(), client.ObjectKeyFromObject(obj), got)).To(Succeed())
	e := &stepEnv{api: fake.New(), clock: steptest.Clock()}
	cloud := &fake.Factory{API: e.api}
	e.r = &Reconciler{Client: c, APIReader: c, Cloud: cloud, Accounts: steptest.Accounts(c, cloud), Recorder: steptest.Recorder(), Clock: e.clock,
		Outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "outcomes"}, []string{"resource_type", "outcome"})}
	e.r.Options.defaults()
	return e, &run{obj: got}
}

// deployment deploys certificate cert-new to the two clb targets.
func deployment(mutate ...func(*sslv1alpha1.CertificateDeployment)) *sslv1alpha1.CertificateDeployment {
	cd := &sslv1alpha1.CertificateDeployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-clb", Generation: 1},
		Spec: sslv1alpha1.CertificateDeploymentSpec{CertificateID: "cert-new", ResourceType: sslv1alpha1.ResourceTypeCLB, Region: "ap-guangzhou",
			Targets: []sslv1alpha1.Target{{LoadBalancerID: "lb-1", ListenerID: "lbl-https"}, {LoadBalancerID: "lb-1", ListenerID: "lbl-tls"}}},
	}
	for _, m := range mutate {
		m(cd)
	}
	return cd
}

// deployed says that both targets serve cert-new since the last drift check, checkedAgo.
func deployed(checkedAgo time.Duration) func(*sslv1alpha1.CertificateDeployment) {
	return func(cd *sslv1alpha1.CertificateDeployment) {
		checked := metav1.NewTime(steptest.Start.Add(-checkedAgo))
		cd.Status.CertificateID, cd.Status.ObservedGeneration, cd.Status.LastDriftCheckTime = "cert-new", 1, &checked
		cd.Status.Targets = []sslv1alpha1.TargetStatus{{ID: https, State: sslv1alpha1.TargetSucceeded}, {ID: tls, State: sslv1alpha1.TargetSucceeded}}
	}
}

func serving(certs ...string) tencentcloud.Bindings {
	b := tencentcloud.Bindings{Serving: map[string]string{}, RequestID: "req-list"}
	for i, target := range []string{https, tls} {
		if i < len(certs) {
			b.Serving[target] = certs[i]
		}
	}
	return b
}

func states(cd *sslv1alpha1.CertificateDeployment) []sslv1alpha1.TargetState {
	var out []sslv1alpha1.TargetState
	for _, t := range cd.Status.Targets {
		out = append(out, t.State)
	}
	return out
}

func TestSourceStep(t *testing.T) {
	expired := metav1.NewTime(steptest.Start.Add(-time.Second))
	valid := metav1.NewTime(steptest.Start.Add(time.Hour))
	certificate := func(st sslv1alpha1.TencentCertificateStatus) *sslv1alpha1.TencentCertificate {
		return &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"}, Status: st}
	}
	byRef := func(cd *sslv1alpha1.CertificateDeployment) {
		cd.Spec.CertificateID, cd.Spec.CertificateRef = "", &sslv1alpha1.LocalObjectReference{Name: "web"}
	}
	creds := &sslv1alpha1.LocalObjectReference{Name: "tencent-creds"}
	cases := []struct {
		name    string
		obj     *sslv1alpha1.CertificateDeployment
		tc      *sslv1alpha1.TencentCertificate
		wait    string
		certID  string
		creds   *sslv1alpha1.LocalObjectReference
		account *sslv1alpha1.AccountReference
		adopted bool
		names   []string
	}{
		{name: "a certificate ID is used as it is", obj: deployment(), wait: "ok", certID: "cert-new"},
		{name: "a missing TencentCertificate is waited for", obj: deployment(byRef), wait: "Waiting CertificateNotReady"},
		{name: "a TencentCertificate that has not uploaded yet is waited for",
			obj: deployment(byRef), tc: certificate(sslv1alpha1.TencentCertificateStatus{}), wait: "Progressing CertificateNotReady"},
		{name: "an expired certificate is not deployed",
			obj: deployment(byRef), tc: certificate(sslv1alpha1.TencentCertificateStatus{CertificateID: "cert-old", NotAfter: &expired}),
			wait: "Waiting CertificateNotReady"},
		{name: "a published certificate is deployed with the certificate's credentials and names",
			obj: deployment(byRef), tc: certificate(sslv1alpha1.TencentCertificateStatus{CertificateID: "cert-new", NotAfter: &valid, CredentialsRef: creds,
				DNSNames: []string{"www.example.com"}}),
			wait: "ok", certID: "cert-new", creds: creds, names: []string{"www.example.com"}},
		{name: "an adopted certificate is marked, so that the certificate's account must allow adoption",
			obj: deployment(byRef), tc: certificate(sslv1alpha1.TencentCertificateStatus{CertificateID: "adopted-1", NotAfter: &valid, Adopted: true,
				AccountRef: &sslv1alpha1.AccountReference{Name: "team"}}),
			wait: "ok", certID: "adopted-1", account: &sslv1alpha1.AccountReference{Name: "team"}, adopted: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			var objs []client.Object
			if c.tc != nil {
				objs = append(objs, c.tc)
			}
			e, rn := newStepEnv(t, c.obj, objs...)
			g.Expect(e.r.reconcileSource(context.Background(), rn)).To(Succeed(), "a missing certificate is reported after the record is polled")
			g.Expect(steptest.Outcome(rn.certWait)).To(Equal(c.wait))
			g.Expect(rn.certID).To(Equal(c.certID))
			g.Expect(rn.creds).To(Equal(c.creds))
			g.Expect(rn.sourceAccount).To(Equal(c.account))
			g.Expect(rn.adopted).To(Equal(c.adopted))
			g.Expect(rn.dnsNames).To(Equal(c.names))
			g.Expect(e.api.Calls()).To(BeEmpty())
		})
	}
}

// rollout runs the steps up to the rollout, as Reconcile does when no record runs.
func rollout(r *Reconciler, ctx context.Context, rn *run) error {
	for _, step := range []func(context.Context, *run) error{r.reconcileSource, r.reconcileAccount, r.reconcileTargets, r.reconcileRollout} {
		if err := step(ctx, rn); err != nil {
			return err
		}
	}
	return nil
}

func TestRolloutStep(t *testing.T) {
	const refused = "FailedOperation.CertificateNotDeployInstance"
	stamp := metav1.NewTime(steptest.Start)
	valid := metav1.NewTime(steptest.Start.Add(time.Hour))
	// published is the TencentCertificate web, which published cert-new for www.example.com.
	published := &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
		Status: sslv1alpha1.TencentCertificateStatus{CertificateID: "cert-new", NotAfter: &valid, DNSNames: []string{"www.example.com"}}}
	byRef := func(cd *sslv1alpha1.CertificateDeployment) {
		cd.Spec.CertificateID, cd.Spec.CertificateRef = "", &sslv1alpha1.LocalObjectReference{Name: "web"}
	}
	withDomain := func(domain string) func(*sslv1alpha1.CertificateDeployment) {
		return func(cd *sslv1alpha1.CertificateDeployment) {
			for i := range cd.Spec.Targets {
				cd.Spec.Targets[i].Domain = domain
			}
		}
	}
	strict := func(cd *sslv1alpha1.CertificateDeployment) {
		cd.Spec.AccountRef = &sslv1alpha1.AccountReference{Name: "strict"}
	}
	accounts := []client.Object{steptest.Account("strict"), steptest.Account("cdn-only", func(s *sslv1alpha1.TencentCloudAccountSpec) {
		s.AllowedResourceTypes = []sslv1alpha1.ResourceType{sslv1alpha1.ResourceTypeCDN}
	})}
	cases := []struct {
		name    string
		obj     *sslv1alpha1.CertificateDeployment
		others  []client.Object
		program func(*fake.Client)
		outcome string
		calls   []string
		states  []sslv1alpha1.TargetState
		// record is the record kept in status, nil when none.
		record *sslv1alpha1.RecordStatus
		notes  []string
	}{
		{name: "targets that need the certificate get one task, whose record is kept",
			obj: deployment(),
			program: func(c *fake.Client) {
				c.WithBindings(map[string]tencentcloud.Bindings{"clb": serving()}, nil).WithStartDeploy(tencentcloud.Task{RecordID: 9, RequestID: "req-9"}, nil)
			},
			outcome: "Progressing DeployInProgress", calls: []string{fake.VerbBindings, fake.VerbStartDeploy},
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetDeploying, sslv1alpha1.TargetDeploying},
			record: &sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, ID: 9, CertificateID: "cert-new", Phase: sslv1alpha1.RecordRunning, StartTime: &stamp},
			notes:  []string{"DeployInProgress: Started deployment record 9 (certificate cert-new) (RequestId req-9)"}},
		{name: "targets already serving the certificate are AlreadyBound and need no task",
			obj: deployment(),
			program: func(c *fake.Client) {
				c.WithBindings(map[string]tencentcloud.Bindings{"clb": serving("cert-new", "cert-new")}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbBindings},
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetAlreadyBound, sslv1alpha1.TargetAlreadyBound}},
		{name: "a refused task whose targets a second look finds serving the certificate is success",
			obj: deployment(),
			program: func(c *fake.Client) {
				// An earlier task whose answer was lost finished between the look and the call.
				var looks atomic.Int32
				c.BindingsFn = func(context.Context, tencentcloud.BindingsQuery) (tencentcloud.Bindings, error) {
					if looks.Add(1) == 1 {
						return serving(), nil
					}
					return serving("cert-new", "cert-new"), nil
				}
				c.WithStartDeploy(tencentcloud.Task{}, fake.Error(refused))
			},
			outcome: "ok", calls: []string{fake.VerbBindings, fake.VerbStartDeploy, fake.VerbBindings},
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetAlreadyBound, sslv1alpha1.TargetAlreadyBound}},
		{name: "a refused task with nothing serving the certificate stalls, naming the code",
			obj: deployment(),
			program: func(c *fake.Client) {
				c.WithBindings(map[string]tencentcloud.Bindings{"clb": serving()}, nil).WithStartDeploy(tencentcloud.Task{}, fake.Error(refused))
			},
			outcome: "Terminal DeployRefused", calls: []string{fake.VerbBindings, fake.VerbStartDeploy, fake.VerbBindings},
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetPending, sslv1alpha1.TargetPending},
			notes:  []string{"DeployRefused: Failed to create the deployment task: " + refused + " (m) (code " + refused + ", RequestId req-err)"}},
		{name: "a task Tencent Cloud is still running is waited for",
			obj: deployment(),
			program: func(c *fake.Client) {
				c.WithBindings(map[string]tencentcloud.Bindings{"clb": serving()}, nil).
					WithStartDeploy(tencentcloud.Task{}, fake.Error(tencentcloud.CodeCertificateDeployPending))
			},
			outcome: "Progressing DeployWaiting", calls: []string{fake.VerbBindings, fake.VerbStartDeploy},
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetPending, sslv1alpha1.TargetPending}},
		{name: "another object's running task of the certificate is waited for without a call",
			obj: deployment(),
			others: []client.Object{deployment(func(cd *sslv1alpha1.CertificateDeployment) {
				cd.Name = "other"
				cd.Status.Record = &sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, ID: 3, CertificateID: "cert-new", Phase: sslv1alpha1.RecordRunning}
			})},
			outcome: "Progressing DeployWaiting",
			states:  []sslv1alpha1.TargetState{sslv1alpha1.TargetPending, sslv1alpha1.TargetPending}},
		{name: "a certificate whose deployment failed waits for the user without a call",
			obj: deployment(deployed(0), func(cd *sslv1alpha1.CertificateDeployment) {
				cd.Status.FailedCertificateID = "cert-new"
				cd.Status.Targets[1].State = sslv1alpha1.TargetFailed
			}),
			outcome: "Degraded DeployFailed",
			states:  []sslv1alpha1.TargetState{sslv1alpha1.TargetSucceeded, sslv1alpha1.TargetFailed}},
		{name: "in the steady state nothing is called until a drift check is due",
			obj:     deployment(deployed(59 * time.Minute)),
			outcome: "ok",
			states:  []sslv1alpha1.TargetState{sslv1alpha1.TargetSucceeded, sslv1alpha1.TargetSucceeded}},
		{name: "a due drift check redeploys only the target that drifted",
			obj: deployment(deployed(time.Hour)),
			program: func(c *fake.Client) {
				c.WithBindings(map[string]tencentcloud.Bindings{"clb": serving("cert-new", "cert-other")}, nil).
					WithStartDeploy(tencentcloud.Task{RecordID: 10, RequestID: "req-10"}, nil)
			},
			outcome: "Progressing DeployInProgress", calls: []string{fake.VerbBindings, fake.VerbStartDeploy},
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetSucceeded, sslv1alpha1.TargetDeploying},
			record: &sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, ID: 10, CertificateID: "cert-new", Phase: sslv1alpha1.RecordRunning, StartTime: &stamp},
			notes: []string{
				"DriftDetected: Targets no longer serve certificate cert-new and are redeployed: " + tls + " (RequestId req-list)",
				"DeployInProgress: Started deployment record 10 (certificate cert-new) (RequestId req-10)",
			}},
		{name: "targets whose domain the certificate does not cover are refused before any call",
			obj: deployment(byRef, withDomain("shop.example.org")), others: []client.Object{published},
			outcome: "Terminal " + sslv1alpha1.ReasonDomainNotCovered,
			states:  []sslv1alpha1.TargetState{sslv1alpha1.TargetPending, sslv1alpha1.TargetPending}},
		{name: "targets whose domain the certificate covers are deployed",
			obj: deployment(byRef, withDomain("www.example.com")), others: []client.Object{published},
			program: func(c *fake.Client) {
				c.WithBindings(map[string]tencentcloud.Bindings{"clb": {Serving: map[string]string{
					https + "|www.example.com": "cert-new", tls + "|www.example.com": "cert-new"}}}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbBindings},
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetAlreadyBound, sslv1alpha1.TargetAlreadyBound}},
		{name: "a certificate adopted under an account that does not allow adoption is refused before any call",
			obj: deployment(byRef), others: append([]client.Object{&sslv1alpha1.TencentCertificate{
				ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
				Status: sslv1alpha1.TencentCertificateStatus{CertificateID: "adopted-1", NotAfter: &valid, Adopted: true,
					AccountRef: &sslv1alpha1.AccountReference{Name: "strict"}}}}, accounts...),
			outcome: "Terminal " + sslv1alpha1.ReasonAdoptionNotAllowed},
		{name: "an account that does not allow the resource type refuses before any call",
			obj: deployment(func(cd *sslv1alpha1.CertificateDeployment) {
				cd.Spec.AccountRef = &sslv1alpha1.AccountReference{Name: "cdn-only"}
			}),
			others:  accounts,
			outcome: "Terminal " + sslv1alpha1.ReasonResourceTypeNotAllowed},
		{name: "without adoption, a certificate ID that no object of the namespace uploaded is refused",
			obj: deployment(strict), others: accounts,
			program: func(c *fake.Client) {
				c.WithTags(map[string]map[string]string{"cert-new": steptest.OwnerTags("elsewhere", "web")}, nil)
			},
			outcome: "Terminal " + sslv1alpha1.ReasonCertificateNotOwned, calls: []string{fake.VerbTags}},
		{name: "without adoption, a certificate ID the namespace uploaded is deployed",
			obj: deployment(strict), others: accounts,
			program: func(c *fake.Client) {
				c.WithTags(map[string]map[string]string{"cert-new": steptest.OwnerTags("shop", "another")}, nil).
					WithBindings(map[string]tencentcloud.Bindings{"clb": serving("cert-new", "cert-new")}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbTags, fake.VerbBindings},
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetAlreadyBound, sslv1alpha1.TargetAlreadyBound}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn := newStepEnv(t, c.obj, c.others...)
			if c.program != nil {
				c.program(e.api)
			}
			err := rollout(e.r, context.Background(), rn)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Verbs()).To(Equal(c.calls))
			g.Expect(states(rn.obj)).To(Equal(c.states))
			g.Expect(rn.obj.Status.Record).To(BeComparableTo(c.record))
			g.Expect(steptest.Notes(rn.events)).To(Equal(c.notes))
		})
	}
	t.Run("the task names exactly the targets that need the certificate", func(t *testing.T) {
		g := NewWithT(t)
		e, rn := newStepEnv(t, deployment())
		e.api.WithBindings(map[string]tencentcloud.Bindings{"clb": serving("cert-new")}, nil).WithStartDeploy(tencentcloud.Task{RecordID: 9}, nil)
		g.Expect(steptest.Outcome(rollout(e.r, context.Background(), rn))).To(Equal("Progressing DeployInProgress"))
		g.Expect(e.api.Calls(fake.VerbStartDeploy)[0].Args[0]).To(Equal(tencentcloud.DeployInput{
			CertificateID: "cert-new", ResourceType: "clb", Region: "ap-guangzhou", Targets: []string{tls}}))
	})
}

// Types that only the bound-resource query reports on wait for its task across reconciles,
// keeping its ID in status, and plan from its answer.
func TestRolloutFollowsTheBoundResourceQuery(t *testing.T) {
	g := NewWithT(t)
	stamp := metav1.NewTime(steptest.Start)
	const gateway = "gateway-1|tse-cert-1"
	e, rn := newStepEnv(t, deployment(func(cd *sslv1alpha1.CertificateDeployment) {
		cd.Spec.ResourceType = sslv1alpha1.ResourceTypeTSE
		cd.Spec.Targets = []sslv1alpha1.Target{{GatewayID: "gateway-1", CertificateID: "tse-cert-1"}}
	}))
	answer := tencentcloud.Bindings{Pending: true, TaskID: "bq-1"}
	e.api.BindingsFn = func(context.Context, tencentcloud.BindingsQuery) (tencentcloud.Bindings, error) { return answer, nil }

	err := rollout(e.r, context.Background(), rn)
	g.Expect(steptest.Outcome(err)).To(Equal("Progressing DeployInProgress"))
	g.Expect(rn.obj.Status.BindingsQuery).To(Equal(&sslv1alpha1.BindingsQueryStatus{CertificateID: "cert-new", TaskID: "bq-1", StartTime: &stamp}))
	g.Expect(states(rn.obj)).To(Equal([]sslv1alpha1.TargetState{sslv1alpha1.TargetPending}))

	answer = tencentcloud.Bindings{Serving: map[string]string{gateway: "cert-new"}, RequestID: "req-bq"}
	rn = &run{obj: rn.obj}
	g.Expect(rollout(e.r, context.Background(), rn)).To(Succeed())
	g.Expect(e.api.Verbs()).To(Equal([]string{fake.VerbBindings, fake.VerbBindings}), "no task for a target that serves the certificate")
	g.Expect(e.api.Calls(fake.VerbBindings)[1].Args[0]).To(Equal(tencentcloud.BindingsQuery{
		ResourceType: "tse", CertificateID: "cert-new", Region: "ap-guangzhou", TaskID: "bq-1"}), "the query started before is asked again")
	g.Expect(rn.obj.Status.BindingsQuery).To(BeNil())
	g.Expect(states(rn.obj)).To(Equal([]sslv1alpha1.TargetState{sslv1alpha1.TargetAlreadyBound}))
}

// running has record 9 of cert-new deploying to both targets, with no retries allowed.
func running(cd *sslv1alpha1.CertificateDeployment) {
	start := metav1.NewTime(steptest.Start.Add(-time.Minute))
	cd.Spec.RetryLimit = ptr.To[int32](0)
	cd.Status.Record = &sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, ID: 9, CertificateID: "cert-new", Phase: sslv1alpha1.RecordRunning, StartTime: &start}
	cd.Status.Targets = []sslv1alpha1.TargetStatus{{ID: https, State: sslv1alpha1.TargetDeploying}, {ID: tls, State: sslv1alpha1.TargetDeploying}}
}

func record(statuses ...tencentcloud.ItemStatus) map[int64]tencentcloud.Record {
	r := tencentcloud.Record{RequestID: "req-rec"}
	for i, s := range statuses {
		r.Items = append(r.Items, tencentcloud.RecordItem{Target: []string{https, tls}[i], Name: "clb " + []string{https, tls}[i], Status: s, Message: "listener busy"})
	}
	return map[int64]tencentcloud.Record{9: r}
}

func TestRecordStep(t *testing.T) {
	stamp := metav1.NewTime(steptest.Start)
	cases := []struct {
		name       string
		records    map[int64]tencentcloud.Record
		outcome    string
		states     []sslv1alpha1.TargetState
		phase      sslv1alpha1.RecordPhase
		deployed   string
		failed     string
		lastDeploy *metav1.Time
		counted    map[string]float64
	}{
		{name: "a running record is polled again later",
			records: record(tencentcloud.ItemSucceeded, tencentcloud.ItemRunning),
			outcome: "Progressing DeployInProgress", phase: sslv1alpha1.RecordRunning,
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetSucceeded, sslv1alpha1.TargetDeploying}},
		{name: "a record that succeeded publishes the certificate and is counted once",
			records: record(tencentcloud.ItemSucceeded, tencentcloud.ItemSucceeded),
			outcome: "ok", phase: sslv1alpha1.RecordSucceeded, deployed: "cert-new", lastDeploy: &stamp,
			states:  []sslv1alpha1.TargetState{sslv1alpha1.TargetSucceeded, sslv1alpha1.TargetSucceeded},
			counted: map[string]float64{"Succeeded": 1}},
		{name: "a record with a failure and no retries left is degraded and counted as failed",
			records: record(tencentcloud.ItemSucceeded, tencentcloud.ItemFailed),
			outcome: "Degraded DeployFailed", phase: sslv1alpha1.RecordFailed, deployed: "cert-new", failed: "cert-new", lastDeploy: &stamp,
			states:  []sslv1alpha1.TargetState{sslv1alpha1.TargetSucceeded, sslv1alpha1.TargetFailed},
			counted: map[string]float64{sslv1alpha1.ReasonDeployFailed: 1}},
		{name: "a record Tencent Cloud forgot ends, to be planned again",
			outcome: "ok", phase: sslv1alpha1.RecordFailed,
			states: []sslv1alpha1.TargetState{sslv1alpha1.TargetDeploying, sslv1alpha1.TargetDeploying}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn := newStepEnv(t, deployment(running))
			e.api.WithRecord(c.records, nil)
			g.Expect(e.r.reconcileSource(context.Background(), rn)).To(Succeed())
			g.Expect(e.r.reconcileAccount(context.Background(), rn)).To(Succeed())
			g.Expect(e.r.reconcileTargets(context.Background(), rn)).To(Succeed())
			err := e.r.reconcileRecord(context.Background(), rn)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Verbs()).To(Equal([]string{fake.VerbRecord}))
			st := rn.obj.Status
			g.Expect(states(rn.obj)).To(Equal(c.states))
			g.Expect(st.Record.Phase).To(Equal(c.phase))
			g.Expect(st.CertificateID).To(Equal(c.deployed))
			g.Expect(st.FailedCertificateID).To(Equal(c.failed))
			g.Expect(st.LastDeployTime).To(BeComparableTo(c.lastDeploy))
			for _, outcome := range []string{"Succeeded", sslv1alpha1.ReasonDeployFailed, sslv1alpha1.ReasonRolledBack} {
				g.Expect(testutil.ToFloat64(e.r.Outcomes.WithLabelValues("clb", outcome))).To(Equal(c.counted[outcome]), outcome)
			}
		})
	}
}
