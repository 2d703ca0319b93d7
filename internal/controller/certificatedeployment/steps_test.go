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

// newStepEnv stores obj and objs in the fake client and returns a run on obj as read back, so
// that it carries a resourceVersion like a cached object.
func newStepEnv(t *testing.T, obj *sslv1alpha1.CertificateDeployment, objs ...client.Object) (*stepEnv, *run) {
	t.Helper()
	// The index the running task is found by, as SetupWithManager registers it.
	byTask := steptest.Index{Object: &sslv1alpha1.CertificateDeployment{}, Field: indexRunningTask, Extract: func(o client.Object) []string {
		if cd := o.(*sslv1alpha1.CertificateDeployment); cd.Status.Record != nil && !cd.Status.Record.Ended() {
			return []string{taskKey(cd.Status.Record.CertificateID, cd.Spec.ResourceType)}
		}
		return nil
	}}
	c := steptest.Client(append(objs, obj), byTask)
	got := &sslv1alpha1.CertificateDeployment{}
	NewWithT(t).Expect(c.Get(context.Background(), client.ObjectKeyFromObject(obj), got)).To(Succeed())
	e := &stepEnv{api: fake.New(), clock: steptest.Clock()}
	e.r = &Reconciler{Client: c, APIReader: c, Cloud: &fake.Factory{API: e.api}, Recorder: steptest.Recorder(), Clock: e.clock,
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
		name   string
		obj    *sslv1alpha1.CertificateDeployment
		tc     *sslv1alpha1.TencentCertificate
		wait   string
		certID string
		creds  *sslv1alpha1.LocalObjectReference
	}{
		{name: "a certificate ID is used as it is", obj: deployment(), wait: "ok", certID: "cert-new"},
		{name: "a missing TencentCertificate is waited for", obj: deployment(byRef), wait: "Waiting CertificateNotReady"},
		{name: "a TencentCertificate that has not uploaded yet is waited for",
			obj: deployment(byRef), tc: certificate(sslv1alpha1.TencentCertificateStatus{}), wait: "Progressing CertificateNotReady"},
		{name: "an expired certificate is not deployed",
			obj: deployment(byRef), tc: certificate(sslv1alpha1.TencentCertificateStatus{CertificateID: "cert-old", NotAfter: &expired}),
			wait: "Waiting CertificateNotReady"},
		{name: "a published certificate is deployed with the certificate's credentials",
			obj: deployment(byRef), tc: certificate(sslv1alpha1.TencentCertificateStatus{CertificateID: "cert-new", NotAfter: &valid, CredentialsRef: creds}),
			wait: "ok", certID: "cert-new", creds: creds},
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
			g.Expect(e.api.Calls()).To(BeEmpty())
		})
	}
}

// rollout runs the steps up to the rollout, as Reconcile does when no record runs.
func rollout(r *Reconciler, ctx context.Context, rn *run) error {
	for _, step := range []func(context.Context, *run) error{r.reconcileSource, r.reconcileTargets, r.reconcileRollout} {
		if err := step(ctx, rn); err != nil {
			return err
		}
	}
	return nil
}

func TestRolloutStep(t *testing.T) {
	const refused = "FailedOperation.CertificateNotDeployInstance"
	stamp := metav1.NewTime(steptest.Start)
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
				c.BindingsFn = func(context.Context, string, string) (tencentcloud.Bindings, error) {
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
		// The record machine already turns the wait into progress (reconcile.InFlight), so the
		// reason is Progressing, not the DeployWaiting that deploy would give a Waiting outcome.
		{name: "a task Tencent Cloud is still running is waited for",
			obj: deployment(),
			program: func(c *fake.Client) {
				c.WithBindings(map[string]tencentcloud.Bindings{"clb": serving()}, nil).
					WithStartDeploy(tencentcloud.Task{}, fake.Error(tencentcloud.CodeCertificateDeployPending))
			},
			outcome: "Progressing Progressing", calls: []string{fake.VerbBindings, fake.VerbStartDeploy},
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
