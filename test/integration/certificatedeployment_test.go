package integration_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/controller/certificatedeployment"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// exampleInventory is the simulator's example inventory: one resource of every type, for
// domains under example.com.
func exampleInventory(t testing.TB) *sslsim.Inventory {
	inv, err := sslsim.LoadInventory(testenv.RepoRoot() + "/test/sslsim/inventory.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// deploymentHarness starts the manager with a certificate for *.example.com uploaded and Ready.
func deploymentHarness(t testing.TB, mutate ...func(*harnessConfig)) (*harness, *sslv1alpha1.TencentCertificate) {
	t.Helper()
	h := newHarness(t, append([]func(*harnessConfig){func(c *harnessConfig) {
		c.sim.Inventory = exampleInventory(t)
		c.options.CertificateDeployment.PollInterval = 100 * time.Millisecond
		c.options.CertificateDeployment.MaxPollInterval = 300 * time.Millisecond
	}}, mutate...)...)
	h.createTLSSecret("web-tls", issue(t, "*.example.com", "example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	return h, tc
}

func (h *harness) createDeployment(name string, rt sslv1alpha1.ResourceType, region sslv1alpha1.Region, ts []sslv1alpha1.Target, mutate ...func(*sslv1alpha1.CertificateDeploymentSpec)) *sslv1alpha1.CertificateDeployment {
	h.t.Helper()
	cd := &sslv1alpha1.CertificateDeployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name},
		Spec: sslv1alpha1.CertificateDeploymentSpec{
			CertificateRef: &sslv1alpha1.LocalObjectReference{Name: "web"},
			ResourceType:   rt, Region: region, Targets: ts,
		},
	}
	for _, m := range mutate {
		m(&cd.Spec)
	}
	NewWithT(h.t).Expect(h.k8s.Create(h.ctx, cd)).To(Succeed())
	return cd
}

func (h *harness) getDeployment(name string) *sslv1alpha1.CertificateDeployment {
	cd := &sslv1alpha1.CertificateDeployment{}
	NewWithT(h.t).Expect(h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: name}, cd)).To(Succeed())
	return cd
}

// deployRecords counts the simulator's deploy records of a certificate and resource type.
func deployRecords(sim *sslsim.Simulator, certID, rt string) int {
	n := 0
	for _, r := range sim.State().Records {
		if r.Kind == "deploy" && r.CertificateID == certID && len(r.ResourceTypes) > 0 && r.ResourceTypes[0] == rt && r.RollbackOf == 0 {
			n++
		}
	}
	return n
}

// everyType has a deployment of the example inventory for each resource type.
var everyType = []struct {
	rt      sslv1alpha1.ResourceType
	region  sslv1alpha1.Region
	targets []sslv1alpha1.Target
}{
	{"clb", "ap-guangzhou", []sslv1alpha1.Target{
		{LoadBalancerID: "lb-demo0001", ListenerID: "lbl-sni00001", Domain: "api.example.com"},
		{LoadBalancerID: "lb-demo0001", ListenerID: "lbl-https001"},
		{LoadBalancerID: "lb-demo0001", ListenerID: "lbl-tls00001"},
	}},
	{"cdn", "", []sslv1alpha1.Target{{Domain: "static.example.com", HTTPSBilling: "on"}}},
	{"ddos", "", []sslv1alpha1.Target{{InstanceID: "bgpip-demo0001", Domain: "www.example.com", Port: 443}}},
	{"live", "", []sslv1alpha1.Target{{Domain: "live.example.com"}}},
	{"vod", "", []sslv1alpha1.Target{{Domain: "video.example.com"}}},
	{"waf", "ap-guangzhou", []sslv1alpha1.Target{{Domain: "www.example.com"}}},
	{"apigateway", "ap-guangzhou", []sslv1alpha1.Target{{ServiceID: "service-demo0001", Domain: "gw.example.com"}}},
	{"teo", "", []sslv1alpha1.Target{{Domain: "edge.example.com"}}},
	{"tke", "ap-guangzhou", []sslv1alpha1.Target{{ClusterID: "cls-demo0001", Namespace: "default", SecretName: "web-tls"}}},
	{"cos", "ap-guangzhou", []sslv1alpha1.Target{{Bucket: "assets-1250000000", Domain: "assets.example.com"}}},
	{"lighthouse", "ap-shanghai", []sslv1alpha1.Target{{InstanceID: "lhins-demo0001", Domain: "blog.example.com"}}},
	{"tse", "ap-guangzhou", []sslv1alpha1.Target{{GatewayID: "gateway-demo0001", CertificateID: "8d3c2a34-5b1e-4c8f-9a6d-1f2e3d4c5b6a"}}},
	{"tcb", "ap-shanghai", []sslv1alpha1.Target{{Type: "AccessService", EnvID: "site-demo0001", Domain: "app.example.com"}}},
}

func TestEveryResourceTypeDeploysToReady(t *testing.T) {
	h, tc := deploymentHarness(t)
	g := NewWithT(t)
	for _, c := range everyType {
		h.createDeployment(string(c.rt), c.rt, c.region, c.targets)
	}
	for _, c := range everyType {
		cd := &sslv1alpha1.CertificateDeployment{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: string(c.rt)}}
		h.waitCurrent(cd)
		g.Expect(cd.Status.CertificateID).To(Equal(tc.Status.CertificateID), c.rt)
		g.Expect(cd.Status.Summary).To(Equal(fmt.Sprintf("%d/%d", len(c.targets), len(c.targets))), c.rt)
		for _, ts := range cd.Status.Targets {
			g.Expect(ts.State).To(Equal(sslv1alpha1.TargetSucceeded), "%s %s", c.rt, ts.ID)
		}
		g.Expect(deployRecords(h.sim, tc.Status.CertificateID, string(c.rt))).To(Equal(1), c.rt)
	}
	state := h.sim.State()
	g.Expect(state.BoundTo(tc.Status.CertificateID)).To(HaveLen(15))
	g.Expect(h.sim.Calls().Count("DeployCertificateInstance", "CertificateNotDeployInstance")).To(BeZero())
	h.assertNoSecrets()
}

func TestAlreadyBoundTargetIsNotRedeployed(t *testing.T) {
	h, tc := deploymentHarness(t)
	g := NewWithT(t)
	id := tc.Status.CertificateID
	g.Expect(h.sim.Bind("cdn", "static.example.com", id)).To(Succeed())
	cd := h.createDeployment("cdn", "cdn", "", []sslv1alpha1.Target{{Domain: "static.example.com", HTTPSBilling: "on"}})
	h.waitCurrent(cd)
	g.Expect(cd.Status.Targets[0].State).To(Equal(sslv1alpha1.TargetAlreadyBound))
	g.Expect(h.sim.Calls().Total("DeployCertificateInstance")).To(BeZero())

	// A new target next to the bound one deploys only the new one.
	h.sim.ResetCalls()
	patch := client.MergeFrom(cd.DeepCopy())
	cd.Spec.ResourceType = "teo"
	cd.Spec.Targets = []sslv1alpha1.Target{{Domain: "edge.example.com"}}
	g.Expect(h.k8s.Patch(h.ctx, cd, patch)).To(Succeed())
	h.waitCurrent(cd)
	g.Expect(h.sim.Calls().Count("DeployCertificateInstance", "Success")).To(Equal(1))
	g.Expect(h.sim.Calls().Count("DeployCertificateInstance", "FailedOperation.CertificateNotDeployInstance")).To(BeZero())
	h.waitEvent(sslv1alpha1.ReasonTargetsRemoved, "static.example.com")
}

func TestFailedTargetSucceedsOnRetry(t *testing.T) {
	h, tc := deploymentHarness(t, func(c *harnessConfig) {
		c.sim.Faults = sslsim.Faults{Targets: []sslsim.TargetFault{{ResourceType: "clb", Target: "lb-demo0001|lbl-https001", Message: "listener busy", Attempts: 1}}}
	})
	g := NewWithT(t)
	cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets)
	h.waitCurrent(cd)
	g.Expect(cd.Status.Record.Retries).To(Equal(int32(1)))
	g.Expect(cd.Status.Summary).To(Equal("3/3"))
	g.Expect(h.sim.Calls().Count("DeployCertificateRecordRetry", "Success")).To(Equal(1))
	g.Expect(deployRecords(h.sim, tc.Status.CertificateID, "clb")).To(Equal(1))
	h.waitEvent(sslv1alpha1.ReasonDeployInProgress, "clb lb-demo0001/lbl-https001")
}

func TestPersistentFailureRollsBack(t *testing.T) {
	h, _ := deploymentHarness(t, func(c *harnessConfig) {
		c.sim.Faults = sslsim.Faults{Targets: []sslsim.TargetFault{{ResourceType: "clb", Target: "lb-demo0001|lbl-https001", Message: "listener busy"}}}
	})
	g := NewWithT(t)
	// Every target starts on a previous certificate uploaded by another object.
	h.createTLSSecret("prev-tls", issue(t, "*.example.com"))
	prev := h.createCertificate("prev", "prev-tls")
	h.waitCurrent(prev)
	for _, target := range []string{"lb-demo0001|lbl-sni00001|api.example.com", "lb-demo0001|lbl-https001", "lb-demo0001|lbl-tls00001"} {
		g.Expect(h.sim.Bind("clb", target, prev.Status.CertificateID)).To(Succeed())
	}
	one := int32(1)
	cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets, func(s *sslv1alpha1.CertificateDeploymentSpec) {
		s.FailurePolicy, s.RetryLimit = sslv1alpha1.FailurePolicyRollback, &one
	})
	h.waitCondition(cd, sslv1alpha1.DegradedCondition, metav1.ConditionTrue, sslv1alpha1.ReasonRolledBack)
	h.waitCondition(cd, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, sslv1alpha1.ReasonRolledBack)
	g.Expect(cd.Status.Record.RollbackID).NotTo(BeZero())
	g.Expect(h.sim.State().BoundTo(prev.Status.CertificateID)).To(HaveLen(3), "all targets are back on the previous certificate")
	g.Expect(cd.Status.Targets).To(ContainElement(HaveField("State", sslv1alpha1.TargetRolledBack)))
	g.Expect(cd.Status.Targets).To(ContainElement(HaveField("State", sslv1alpha1.TargetFailed)))
	h.waitEvent(sslv1alpha1.ReasonRollingBack, "listener busy")
	// No loop of new tasks while Degraded.
	calls := h.sim.Calls().Total("DeployCertificateInstance")
	h.nudge(cd)
	h.nudge(cd)
	g.Expect(h.sim.Calls().Total("DeployCertificateInstance")).To(Equal(calls))
}

func TestRotationRedeploysAutomatically(t *testing.T) {
	h, tc := deploymentHarness(t)
	g := NewWithT(t)
	cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets)
	h.waitCurrent(cd)
	oldID := tc.Status.CertificateID

	h.rotateSecret("web-tls", issue(t, "*.example.com", "example.com"))
	g.Eventually(func(g Gomega) {
		cd = h.getDeployment("clb")
		tc = h.getCertificate("web")
		g.Expect(tc.Status.CertificateID).NotTo(Equal(oldID))
		g.Expect(cd.Status.CertificateID).To(Equal(tc.Status.CertificateID))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	h.waitCurrent(cd)
	g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(3))
	for _, ts := range cd.Status.Targets {
		g.Expect(ts.OldCertificateID).To(Equal(oldID), ts.ID)
	}
}

func TestDriftIsRepaired(t *testing.T) {
	h, tc := deploymentHarness(t)
	g := NewWithT(t)
	cd := h.createDeployment("cdn", "cdn", "", []sslv1alpha1.Target{{Domain: "static.example.com", HTTPSBilling: "on"}},
		func(s *sslv1alpha1.CertificateDeploymentSpec) {
			s.DriftCheckInterval = &metav1.Duration{Duration: 500 * time.Millisecond}
		})
	h.waitCurrent(cd)
	g.Expect(h.sim.Bind("cdn", "static.example.com", "")).To(Succeed())
	h.waitEvent(sslv1alpha1.ReasonDriftDetected, "static.example.com|on")
	g.Eventually(func() string {
		b, _ := h.sim.State().Binding("cdn", "static.example.com")
		return b.CertificateID
	}).WithTimeout(30 * time.Second).Should(Equal(tc.Status.CertificateID))
	h.waitCurrent(cd)
	g.Expect(cd.Status.LastDriftCheckTime).NotTo(BeNil())
}

func TestSteadyStateDeploysNothingAndDriftChecksAreBounded(t *testing.T) {
	clock := clocktesting.NewFakeClock(time.Now())
	h, _ := deploymentHarness(t, func(c *harnessConfig) { c.options.Clock = clock })
	g := NewWithT(t)
	cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets,
		func(s *sslv1alpha1.CertificateDeploymentSpec) {
			s.DriftCheckInterval = &metav1.Duration{Duration: time.Hour}
		})
	h.waitCurrent(cd)
	h.sim.ResetCalls()
	// Reconciles before the interval has passed cost nothing; each one after it costs one list
	// call for all three targets.
	for i := 1; i <= 3; i++ {
		h.nudge(cd)
		clock.Step(time.Hour)
		h.nudge(cd)
		g.Eventually(func() int { return h.sim.Calls().Total("DescribeHostClbInstanceList") }).
			WithTimeout(30 * time.Second).Should(Equal(i))
	}
	h.nudge(cd)
	calls := h.sim.Calls()
	g.Expect(calls.Total("DeployCertificateInstance")).To(BeZero())
	g.Expect(totalCalls(calls)).To(Equal(3), "a drift check of 3 targets is one list call")
}

func TestTwoDeploymentsOfOneCertificateAreSerialized(t *testing.T) {
	h, tc := deploymentHarness(t)
	g := NewWithT(t)
	a := h.createDeployment("a", "clb", "ap-guangzhou", everyType[0].targets[:1])
	b := h.createDeployment("b", "clb", "ap-guangzhou", everyType[0].targets[1:])
	h.waitCurrent(a)
	h.waitCurrent(b)
	g.Expect(deployRecords(h.sim, tc.Status.CertificateID, "clb")).To(Equal(2))
	g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(3))
	g.Expect(h.sim.Calls().Count("DeployCertificateInstance", "FailedOperation.CertificateNotDeployInstance")).To(BeZero())
	g.Expect(h.sim.Calls().Count("DeployCertificateInstance", "FailedOperation.CertificateDeployHasPendingRecord")).To(BeZero())
}

func TestRefusedTargetIsStalledWithoutHotLoop(t *testing.T) {
	h, _ := deploymentHarness(t)
	g := NewWithT(t)
	cd := h.createDeployment("missing", "teo", "", []sslv1alpha1.Target{{Domain: "nowhere.example.com"}})
	h.waitCondition(cd, sslv1alpha1.StalledCondition, metav1.ConditionTrue, sslv1alpha1.ReasonDeployRefused)
	g.Expect(conditionsOf(cd)).To(ContainElement(HaveField("Message", ContainSubstring("nowhere.example.com"))))
	calls := h.sim.Calls().Total("DeployCertificateInstance")
	h.nudge(cd)
	h.nudge(cd)
	g.Expect(h.sim.Calls().Total("DeployCertificateInstance")).To(Equal(calls), "a Stalled object is not retried by reconciles")
}

func TestSuspendStopsAPICalls(t *testing.T) {
	h, _ := deploymentHarness(t)
	g := NewWithT(t)
	h.sim.ResetCalls()
	cd := h.createDeployment("cdn", "cdn", "", []sslv1alpha1.Target{{Domain: "static.example.com", HTTPSBilling: "on"}},
		func(s *sslv1alpha1.CertificateDeploymentSpec) { s.Suspend = true })
	h.waitCondition(cd, sslv1alpha1.ReadyCondition, metav1.ConditionUnknown, sslv1alpha1.ReasonSuspended)
	g.Expect(totalCalls(h.sim.Calls())).To(BeZero())
}

func TestRestartMidPollResumesTheSameRecord(t *testing.T) {
	var simClock *clocktesting.FakeClock
	h, tc := deploymentHarness(t, func(c *harnessConfig) { simClock = holdTasks(c) })
	g := NewWithT(t)
	cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets)
	h.waitCondition(cd, sslv1alpha1.ReconcilingCondition, metav1.ConditionTrue, sslv1alpha1.ReasonDeployInProgress)
	g.Eventually(func() int64 { return recordID(h.getDeployment("clb")) }).ShouldNot(BeZero())
	record := recordID(h.getDeployment("clb"))

	h.stopManager()
	h.startManager()
	// The task runs until the simulator's clock moves, so the restart is certain to find it running.
	simClock.Step(time.Minute)
	h.waitCurrent(cd)
	g.Expect(recordID(cd)).To(Equal(record))
	g.Expect(deployRecords(h.sim, tc.Status.CertificateID, "clb")).To(Equal(1))
	g.Expect(h.sim.Calls().Count("DeployCertificateInstance", "Success")).To(Equal(1))
}

// BenchmarkFiftyTargetCLBDeployment reports the time from creating a CertificateDeployment of
// 50 CLB listeners to Ready, with the simulator taking 2s per deployment task.
func BenchmarkFiftyTargetCLBDeployment(b *testing.B) {
	lb := sslsim.LoadBalancer{ID: "lb-bench0001", Region: "ap-guangzhou"}
	var ts []sslv1alpha1.Target
	for i := 0; i < 50; i++ {
		id := fmt.Sprintf("lbl-bench%04d", i)
		lb.Listeners = append(lb.Listeners, sslsim.Listener{ID: id, Protocol: "HTTPS", Rules: []sslsim.Rule{{Domain: "www.example.com"}}})
		ts = append(ts, sslv1alpha1.Target{LoadBalancerID: lb.ID, ListenerID: id})
	}
	h, _ := deploymentHarness(b, func(c *harnessConfig) {
		c.sim.Inventory = &sslsim.Inventory{CLB: []sslsim.LoadBalancer{lb}}
		c.sim.DeployDuration = 2 * time.Second
		c.options.CertificateDeployment = certificatedeployment.Options{}
	})
	total := time.Duration(0)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for _, t := range ts {
			NewWithT(b).Expect(h.sim.Bind("clb", t.LoadBalancerID+"|"+t.ListenerID, "")).To(Succeed())
		}
		b.StartTimer()
		start := time.Now()
		cd := h.createDeployment(fmt.Sprintf("bench-%d", i), "clb", "ap-guangzhou", ts)
		h.waitCurrent(cd)
		total += time.Since(start)
		NewWithT(b).Expect(cd.Status.Summary).To(Equal("50/50"))
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "s-to-ready")
	b.ReportMetric(float64(h.sim.Calls().Total("DescribeHostDeployRecordDetail"))/float64(b.N), "polls/op")
}

// The metrics of a manager live in its own registry, so the counts are exact: one record per
// deployment, counted once when it ends.
func TestDeploymentGaugesAndOutcomes(t *testing.T) {
	reg := prometheus.NewRegistry()
	h, _ := deploymentHarness(t, func(c *harnessConfig) {
		c.options.Metrics = reg
		c.sim.Faults = sslsim.Faults{Targets: []sslsim.TargetFault{{ResourceType: "live", Target: "live.example.com", Message: "stream busy"}}}
	})
	g := NewWithT(t)
	cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets)
	zero := int32(0)
	live := h.createDeployment("live", "live", "", everyType[3].targets, func(s *sslv1alpha1.CertificateDeploymentSpec) { s.RetryLimit = &zero })
	h.waitCurrent(cd)
	h.waitCondition(live, sslv1alpha1.DegradedCondition, metav1.ConditionTrue, sslv1alpha1.ReasonDeployFailed)

	// The gauges read the informer cache, which follows the API server shortly after.
	g.Eventually(func() map[string]float64 {
		out := map[string]float64{}
		for _, name := range []string{"clb", "live"} {
			for _, state := range []string{"Succeeded", "Failed"} {
				out[name+"/"+state] = gauge(t, reg, "certificatedeployment_targets", map[string]string{"namespace": h.ns, "name": name, "state": state})
			}
		}
		return out
	}).Should(Equal(map[string]float64{"clb/Succeeded": 3, "clb/Failed": 0, "live/Succeeded": 0, "live/Failed": 1}))
	outcomes := map[string]float64{}
	families, err := reg.Gather()
	g.Expect(err).NotTo(HaveOccurred())
	for _, f := range families {
		if f.GetName() == "certificatedeployment_deploy_outcomes_total" {
			for _, m := range f.GetMetric() {
				outcomes[labelsOf(m)] = m.GetCounter().GetValue()
			}
		}
	}
	g.Expect(outcomes).To(Equal(map[string]float64{
		"outcome=Succeeded,resource_type=clb":     1,
		"outcome=DeployFailed,resource_type=live": 1,
	}))
}

// labelsOf formats a series' labels as name=value pairs in name order.
func labelsOf(m *dto.Metric) string {
	var pairs []string
	for _, l := range m.GetLabel() {
		pairs = append(pairs, l.GetName()+"="+l.GetValue())
	}
	sort.Strings(pairs)
	return strings.Join(pairs, ",")
}

func TestLostDeployResponseAdoptsTheRunningTask(t *testing.T) {
	h, tc := deploymentHarness(t, func(c *harnessConfig) {
		c.sim.DeployDuration = 2 * time.Second
		// The task is created, but the answer is lost, as in a crash right after the call.
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "DeployCertificateInstance", Code: "InternalError", Times: 1, AfterHandling: true}}}
	})
	g := NewWithT(t)
	cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets)
	h.waitCurrent(cd)
	g.Expect(deployRecords(h.sim, tc.Status.CertificateID, "clb")).To(Equal(1), "the second call finds the running task")
	g.Expect(h.sim.Calls().Count("DeployCertificateInstance", "InternalError")).To(Equal(1))
}

func TestCDNBillingSwitchesDeploy(t *testing.T) {
	h, tc := deploymentHarness(t, func(c *harnessConfig) {
		c.sim.Inventory.CDN = append(c.sim.Inventory.CDN, sslsim.Domain{Domain: "cdn2.example.com", HTTPSBillingSwitch: "off"})
	})
	g := NewWithT(t)
	cd := h.createDeployment("cdn", "cdn", "", []sslv1alpha1.Target{
		{Domain: "static.example.com", HTTPSBilling: "on"}, {Domain: "cdn2.example.com", HTTPSBilling: "off"},
	})
	h.waitCurrent(cd)
	g.Expect(cd.Status.Summary).To(Equal("2/2"))
	g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(2))
}

// recordID is the deployment's current record, or 0.
func recordID(cd *sslv1alpha1.CertificateDeployment) int64 {
	if cd.Status.Record == nil {
		return 0
	}
	return cd.Status.Record.ID
}

// TestRenewalRollsOutWhileOldCertificateDeletionFails keeps deleting the superseded certificate
// failing: that housekeeping is reported on the TencentCertificate and never holds back the
// deployments of the renewed certificate.
func TestRenewalRollsOutWhileOldCertificateDeletionFails(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = exampleInventory(t)
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "DeleteCertificate", Code: "FailedOperation"}}}
		c.options.CertificateDeployment.PollInterval = 100 * time.Millisecond
		c.options.CertificateDeployment.MaxPollInterval = 300 * time.Millisecond
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "*.example.com", "example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = &sslv1alpha1.RotationSpec{OldCertificates: sslv1alpha1.OldCertificatesDelete}
	})
	h.waitCurrent(tc)
	clb := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets)
	cdn := h.createDeployment("cdn", "cdn", "", everyType[1].targets)
	h.waitCurrent(clb)
	h.waitCurrent(cdn)
	old := tc.Status.CertificateID

	h.rotateSecret("web-tls", issue(t, "*.example.com", "example.com"))
	h.waitCondition(tc, sslv1alpha1.OldCertificatesHandledCondition, metav1.ConditionUnknown, sslv1alpha1.ReasonAPIError)
	renewed := tc.Status.CertificateID
	g.Expect(renewed).NotTo(Equal(old))
	for _, cd := range []*sslv1alpha1.CertificateDeployment{clb, cdn} {
		g.Eventually(func() string { return h.getDeployment(cd.Name).Status.CertificateID }).WithTimeout(30 * time.Second).Should(Equal(renewed))
		h.waitCurrent(cd)
	}
	g.Expect(h.sim.State().BoundTo(renewed)).To(HaveLen(4))
	g.Expect(h.sim.Calls().Total("DeleteCertificate")).To(BeNumerically(">", 0))
	g.Expect(certificateExists(h.sim, old)).To(BeTrue())
}

// holdTasks gives the simulator a clock of the test's, so that its tasks run until the test
// moves it; the simulator's rate limits, which would starve on a still clock, are off.
func holdTasks(c *harnessConfig) *clocktesting.FakeClock {
	clock := clocktesting.NewFakeClock(time.Now())
	c.sim.Now, c.sim.DeployDuration, c.sim.DisableRateLimits = clock.Now, 30*time.Second, true
	return clock
}
