package tencentcertificate

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/steptest"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud/fake"
)

// stepEnv runs single steps of a Reconciler on the fake API, a fake clock and a fake client.
type stepEnv struct {
	r     *Reconciler
	api   *fake.Client
	clock *clocktesting.FakeClock
	rec   *events.FakeRecorder
}

// newStepEnv stores obj in the fake client and returns the environment with a run on obj as
// read back, so that it carries a resourceVersion like a cached object.
func newStepEnv(t *testing.T, obj *sslv1alpha1.TencentCertificate, objs ...client.Object) (*stepEnv, *run) {
	t.Helper()
	c := steptest.Client(append(objs, obj))
	got := &sslv1alpha1.TencentCertificate{}
	NewWithT(t).Expect(c.Get(context.Background(), client.ObjectKeyFromObject(obj), got)).To(Succeed())
	e := &stepEnv{api: fake.New(), clock: steptest.Clock(), rec: steptest.Recorder()}
	e.r = &Reconciler{Client: c, APIReader: c, Cloud: &fake.Factory{API: e.api}, Recorder: e.rec, Clock: e.clock}
	e.r.Options.defaults()
	return e, &run{obj: got}
}

// runStep runs one step on obj, with the API programmed by program when it is not nil.
func runStep(t *testing.T, obj *sslv1alpha1.TencentCertificate, program func(*fake.Client),
	step func(*Reconciler, context.Context, *run) error) (*stepEnv, *run, error) {
	t.Helper()
	e, rn := newStepEnv(t, obj)
	if program != nil {
		program(e.api)
	}
	return e, rn, step(e.r, context.Background(), rn)
}

func certificate(mutate ...func(*sslv1alpha1.TencentCertificate)) *sslv1alpha1.TencentCertificate {
	tc := &sslv1alpha1.TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", Generation: 1},
		Spec:       sslv1alpha1.TencentCertificateSpec{SecretRef: &sslv1alpha1.LocalObjectReference{Name: "web-tls"}, Type: sslv1alpha1.CertificateType(certs.TypeSVR)},
	}
	for _, m := range mutate {
		m(tc)
	}
	return tc
}

func owned(tc *sslv1alpha1.TencentCertificate) map[string]string {
	return map[string]string{sslv1alpha1.TagNamespace: tc.Namespace, sslv1alpha1.TagName: tc.Name}
}

func TestUploadStep(t *testing.T) {
	cert := steptest.Leaf("www.example.com")
	fp := steptest.Bundle(t, cert).Fingerprint
	stamp := metav1.NewTime(steptest.Start)
	cases := []struct {
		name    string
		obj     *sslv1alpha1.TencentCertificate
		program func(*fake.Client)
		// stale changes the stored object after the run read it, as a newer write would.
		stale   bool
		outcome string
		calls   []string
		check   func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string)
	}{
		{name: "a new certificate is uploaded once, tagged with its owner",
			obj: certificate(),
			program: func(c *fake.Client) {
				c.WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new", RequestID: "req-1"}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbUpload},
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string) {
				g.Expect(st.CertificateID).To(Equal("cert-new"))
				g.Expect(st.Fingerprint).To(Equal(fp))
				g.Expect(st.LastUploadTime).To(Equal(&stamp))
				g.Expect(st.DNSNames).To(Equal([]string{"www.example.com"}))
				g.Expect(st.History).To(BeEmpty())
				g.Expect(notes).To(Equal([]string{"Uploaded: Uploaded certificate cert-new for [www.example.com] (RequestId req-1)"}))
			}},
		{name: "an unchanged certificate makes no call",
			obj: certificate(func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID, tc.Status.Fingerprint = "cert-1", fp
			}),
			outcome: "ok",
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string) {
				g.Expect(st.CertificateID).To(Equal("cert-1"))
				g.Expect(notes).To(BeEmpty())
			}},
		{name: "a renewal supersedes the previous certificate and plans the update of bound resources",
			obj: certificate(func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID, tc.Status.Fingerprint = "cert-old", "old-fingerprint"
				tc.Spec.Rotation = &sslv1alpha1.RotationSpec{UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{{ResourceType: "clb"}}}
			}),
			program: func(c *fake.Client) {
				c.WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new", RequestID: "req-2"}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbUpload},
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string) {
				g.Expect(st.History).To(Equal([]sslv1alpha1.CertificateHistoryEntry{{
					CertificateID: "cert-old", Fingerprint: "old-fingerprint", Time: stamp, State: sslv1alpha1.HistorySuperseded}}))
				g.Expect(st.Update).To(Equal(&sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordUpdate, Phase: sslv1alpha1.RecordCreating,
					OldCertificateID: "cert-old", CertificateID: "cert-new"}))
				g.Expect(notes).To(Equal([]string{"Uploaded: Uploaded certificate cert-new, replacing cert-old (RequestId req-2)"}))
			}},
		{name: "a Secret reverted to an earlier certificate takes that certificate back from the history",
			obj: certificate(func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID, tc.Status.Fingerprint = "cert-2", "second"
				tc.Status.History = []sslv1alpha1.CertificateHistoryEntry{{CertificateID: "cert-1", State: sslv1alpha1.HistorySuperseded}}
			}),
			program: func(c *fake.Client) {
				c.WithUpload(tencentcloud.Uploaded{CertificateID: "cert-1", Existing: true, RequestID: "req-3"}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbUpload},
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, _ []string) {
				g.Expect(st.CertificateID).To(Equal("cert-1"))
				g.Expect(st.History).To(HaveLen(1))
				g.Expect(st.History[0].CertificateID).To(Equal("cert-2"))
				g.Expect(st.Update).To(BeNil(), "no rotation is configured")
			}},
		{name: "a rejected upload stalls and changes nothing",
			obj: certificate(),
			program: func(c *fake.Client) {
				c.WithUpload(tencentcloud.Uploaded{}, fake.Error("FailedOperation.CertificateParseError"))
			},
			outcome: "Terminal APIRejected", calls: []string{fake.VerbUpload},
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string) {
				g.Expect(st.CertificateID).To(BeEmpty())
				g.Expect(notes).To(BeEmpty())
			}},
		{name: "an object changed since it was read uploads nothing",
			obj: certificate(), stale: true,
			outcome: "Progressing Progressing",
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, _ []string) {
				g.Expect(st.CertificateID).To(BeEmpty())
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn, err := runStep(t, c.obj, c.program, func(r *Reconciler, ctx context.Context, rn *run) error {
				rn.bundle = steptest.Bundle(t, cert)
				if c.stale {
					newer := rn.obj.DeepCopy()
					newer.Labels = map[string]string{"touched": "yes"}
					g.Expect(r.Update(ctx, newer)).To(Succeed())
				}
				return r.reconcileUpload(ctx, rn)
			})
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Verbs()).To(Equal(c.calls))
			c.check(g, &rn.obj.Status, steptest.Notes(rn.events))
		})
	}
}

func TestUploadSendsTheSecretsChainAndTags(t *testing.T) {
	g := NewWithT(t)
	cert := steptest.Leaf("www.example.com")
	e, rn := newStepEnv(t, certificate(func(tc *sslv1alpha1.TencentCertificate) {
		tc.Spec.Tags = map[string]string{"team": "web", "env": "prod", sslv1alpha1.TagName: "spoofed"}
	}))
	rn.bundle = steptest.Bundle(t, cert)
	e.api.WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new"}, nil)
	g.Expect(e.r.reconcileUpload(context.Background(), rn)).To(Succeed())
	in := e.api.Calls(fake.VerbUpload)[0].Args[0].(tencentcloud.UploadInput)
	g.Expect(in.CertificatePEM).To(Equal(rn.bundle.CertificatePEM))
	g.Expect(in.Alias).To(Equal("shop/web"))
	g.Expect(in.Tags).To(Equal([]tencentcloud.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "web"},
		{Key: sslv1alpha1.TagNamespace, Value: "shop"}, {Key: sslv1alpha1.TagName, Value: "web"}}), "sorted, and the owner tags cannot be overridden")
}

func TestAdoptStep(t *testing.T) {
	cert := steptest.Leaf("www.example.com")
	adopting := func(tc *sslv1alpha1.TencentCertificate) { tc.Spec.SecretRef, tc.Spec.CertificateID = nil, "adopted-1" }
	cases := []struct {
		name     string
		obj      *sslv1alpha1.TencentCertificate
		describe func(*fake.Client)
		outcome  string
		calls    int
		wantFP   string
	}{
		{name: "an adopted certificate's details come from its chain",
			obj: certificate(adopting),
			describe: func(c *fake.Client) {
				c.WithDescribe(tencentcloud.Certificate{ID: "adopted-1", Domain: "other.example.com", CertificatePEM: string(cert.CertPEM)}, nil)
			},
			outcome: "ok", calls: 1, wantFP: certs.Fingerprint(cert.Cert.Raw)},
		{name: "a certificate adopted in this generation is not described again",
			obj: certificate(adopting, func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID, tc.Status.ObservedGeneration, tc.Status.Fingerprint = "adopted-1", 1, "kept"
			}),
			outcome: "ok", calls: 0, wantFP: "kept"},
		{name: "a certificate Tencent Cloud does not have stalls",
			obj: certificate(adopting),
			describe: func(c *fake.Client) {
				c.WithDescribe(tencentcloud.Certificate{}, fake.Error(tencentcloud.CodeCertificateNotFound))
			},
			outcome: "Terminal CertificateNotFound", calls: 1},
		{name: "a throttled describe is retried by the workqueue",
			obj: certificate(adopting),
			describe: func(c *fake.Client) {
				c.WithDescribe(tencentcloud.Certificate{}, fake.Error(tencentcloud.CodeRateLimitExceeded))
			},
			outcome: "Transient APIError", calls: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn, err := runStep(t, c.obj, c.describe, (*Reconciler).reconcileUpload)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Count(fake.VerbDescribe)).To(Equal(c.calls))
			g.Expect(e.api.Count(fake.VerbUpload)).To(BeZero(), "an adopted certificate is never uploaded")
			g.Expect(rn.obj.Status.Fingerprint).To(Equal(c.wantFP))
		})
	}
}

// rotating makes cert-new the replacement of cert-old, with update u of the clb resources in
// two regions.
func rotating(u sslv1alpha1.RecordStatus) func(*sslv1alpha1.TencentCertificate) {
	return func(tc *sslv1alpha1.TencentCertificate) {
		tc.Spec.Rotation = &sslv1alpha1.RotationSpec{UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{
			{ResourceType: "clb", Regions: []sslv1alpha1.Region{"ap-guangzhou", "ap-shanghai"}}}}
		tc.Status.CertificateID, tc.Status.ObservedGeneration = "cert-new", 1
		u.Kind, u.OldCertificateID, u.CertificateID = sslv1alpha1.RecordUpdate, "cert-old", "cert-new"
		tc.Status.Update = &u
	}
}

func TestUpdateStep(t *testing.T) {
	stamp := metav1.NewTime(steptest.Start)
	cases := []struct {
		name    string
		obj     *sslv1alpha1.TencentCertificate
		program func(*fake.Client)
		outcome string
		calls   []string
		want    sslv1alpha1.RecordStatus
	}{
		{name: "a planned update starts the task and keeps its record ID",
			obj:     certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})),
			program: func(c *fake.Client) { c.WithStartUpdate(nil, tencentcloud.Task{RecordID: 42, RequestID: "req-4"}) },
			outcome: "Progressing UpdateInProgress", calls: []string{fake.VerbStartUpdate},
			want: sslv1alpha1.RecordStatus{ID: 42, Phase: sslv1alpha1.RecordRunning, StartTime: &stamp}},
		{name: "nothing bound to the old certificate ends the update",
			obj:     certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})),
			program: func(c *fake.Client) { c.WithStartUpdate(fake.Error("FailedOperation.CertificateDeployInstanceEmpty")) },
			outcome: "ok", calls: []string{fake.VerbStartUpdate},
			want: sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordSucceeded, CompletionTime: &stamp}},
		{name: "a record Tencent Cloud forgot starts over",
			obj:     certificate(rotating(sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordRunning, StartTime: &stamp, Total: 2})),
			program: func(c *fake.Client) { c.WithRecord(nil, nil) },
			outcome: "Progressing UpdateInProgress", calls: []string{fake.VerbRecord},
			want: sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating}},
		{name: "a finished record switches to Succeeded",
			obj: certificate(rotating(sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordRunning, StartTime: &stamp})),
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: {Items: []tencentcloud.RecordItem{{Status: tencentcloud.ItemSucceeded}}}}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbRecord},
			want: sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordSucceeded, StartTime: &stamp, CompletionTime: &stamp, Total: 1, Succeeded: 1}},
		{name: "a failed update waits for the user without a call",
			obj:     certificate(rotating(sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordFailed, Failed: 1, Total: 1})),
			outcome: "Terminal UpdateFailed",
			want:    sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordFailed, Failed: 1, Total: 1}},
		{name: "an update of an older certificate is left alone",
			obj: certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating}), func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID = "cert-newer"
			}),
			outcome: "ok",
			want:    sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn, err := runStep(t, c.obj, c.program, (*Reconciler).updateStep)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Verbs()).To(Equal(c.calls))
			c.want.Kind, c.want.OldCertificateID, c.want.CertificateID = sslv1alpha1.RecordUpdate, "cert-old", "cert-new"
			g.Expect(*rn.obj.Status.Update).To(BeComparableTo(c.want))
		})
	}
	t.Run("the update covers the configured types and regions", func(t *testing.T) {
		g := NewWithT(t)
		e, rn := newStepEnv(t, certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})))
		e.api.WithStartUpdate(nil, tencentcloud.Task{RecordID: 42})
		_ = e.r.updateStep(context.Background(), rn)
		g.Expect(e.api.Calls(fake.VerbStartUpdate)[0].Args[0]).To(Equal(tencentcloud.UpdateInput{
			OldCertificateID: "cert-old", CertificateID: "cert-new", ResourceTypes: []string{"clb"},
			Regions: map[string][]string{"clb": {"ap-guangzhou", "ap-shanghai"}},
		}))
	})
}

// A reconcile request re-runs the failed items of a failed update, after the retry backoff
// has passed on the clock.
func TestUpdateRetryOnRequestWaitsForTheBackoff(t *testing.T) {
	g := NewWithT(t)
	obj := certificate(rotating(sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordFailed, Retries: 3, Failed: 1, Total: 1}),
		func(tc *sslv1alpha1.TencentCertificate) {
			tc.Annotations = map[string]string{sslv1alpha1.ReconcileRequestAnnotation: "now"}
		})
	e, rn := newStepEnv(t, obj)
	e.api.WithRecord(map[int64]tencentcloud.Record{7: {Items: []tencentcloud.RecordItem{{Name: "clb lb-1", Status: tencentcloud.ItemFailed, Message: "busy"}}}}, nil).
		WithRetry("req-retry", nil)

	g.Expect(steptest.Outcome(e.r.updateStep(context.Background(), rn))).To(Equal("Progressing UpdateInProgress"))
	g.Expect(e.api.Count(fake.VerbRetry)).To(BeZero(), "the first retry waits one poll interval")
	g.Expect(rn.obj.Status.Update.Retries).To(BeZero(), "a request starts a fresh retry budget")

	e.clock.Step(e.r.Options.PollInterval)
	g.Expect(steptest.Outcome(e.r.updateStep(context.Background(), rn))).To(Equal("Progressing UpdateInProgress"))
	g.Expect(e.api.Count(fake.VerbRetry)).To(Equal(1))
	g.Expect(rn.obj.Status.Update.Retries).To(Equal(int32(1)))
	g.Expect(steptest.Notes(rn.events)).To(ContainElement(ContainSubstring("clb lb-1 (busy)")))
}

// superseding gives the object one superseded certificate, old-1, under oldCertificates: Delete.
func superseding(tc *sslv1alpha1.TencentCertificate) {
	tc.Spec.Rotation = &sslv1alpha1.RotationSpec{OldCertificates: sslv1alpha1.OldCertificatesDelete}
	tc.Status.CertificateID = "cert-new"
	tc.Status.History = []sslv1alpha1.CertificateHistoryEntry{{CertificateID: "old-1", State: sslv1alpha1.HistorySuperseded}}
}

func TestOldCertificatesStep(t *testing.T) {
	stamp := metav1.NewTime(steptest.Start)
	obj := certificate(superseding)
	cases := []struct {
		name    string
		obj     *sslv1alpha1.TencentCertificate
		program func(*fake.Client)
		calls   []string
		want    sslv1alpha1.CertificateHistoryEntry
		notes   []string
	}{
		{name: "an unbound old certificate is muted and deleted",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithMuteExpiry(nil).WithTags(map[string]map[string]string{"old-1": owned(obj)}, nil).
					WithInUse(nil, nil).WithDelete(nil)
			},
			calls: []string{fake.VerbMuteExpiry, fake.VerbTags, fake.VerbInUse, fake.VerbDelete},
			want:  sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistoryDeleted, Time: stamp, NotificationsMuted: true},
			notes: []string{"OldCertificateDeleted: Deleted certificate old-1"}},
		{name: "a bound old certificate is kept and looked at again later",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithMuteExpiry(nil).WithTags(map[string]map[string]string{"old-1": owned(obj)}, nil).
					WithInUse(map[string]bool{"old-1": true}, nil)
			},
			calls: []string{fake.VerbMuteExpiry, fake.VerbTags, fake.VerbInUse},
			want:  sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistorySuperseded, LastDeleteAttempt: &stamp, NotificationsMuted: true}},
		{name: "a certificate uploaded by someone else is retained",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithMuteExpiry(nil).WithTags(map[string]map[string]string{"old-1": {sslv1alpha1.TagNamespace: "other"}}, nil)
			},
			calls: []string{fake.VerbMuteExpiry, fake.VerbTags},
			want:  sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistoryRetained, Time: stamp, NotificationsMuted: true},
			notes: []string{"OldCertificateKept: Kept certificate old-1: it was uploaded by someone else"}},
		{name: "a certificate deleted elsewhere counts as deleted",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithMuteExpiry(fake.Error(tencentcloud.CodeCertificateNotFound)).WithTags(nil, nil)
			},
			calls: []string{fake.VerbMuteExpiry, fake.VerbTags},
			want:  sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistoryDeleted, Time: stamp, NotificationsMuted: true},
			notes: []string{"OldCertificateDeleted: Certificate old-1 no longer exists in Tencent Cloud"}},
		{name: "under Retain old certificates are only muted",
			obj: certificate(superseding, func(tc *sslv1alpha1.TencentCertificate) {
				tc.Spec.Rotation.OldCertificates = sslv1alpha1.OldCertificatesRetain
			}),
			program: func(c *fake.Client) { c.WithMuteExpiry(nil) },
			calls:   []string{fake.VerbMuteExpiry},
			want:    sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistorySuperseded, NotificationsMuted: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn, err := runStep(t, c.obj, c.program, (*Reconciler).reconcileOldCertificates)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(e.api.Verbs()).To(Equal(c.calls))
			g.Expect(rn.obj.Status.History).To(Equal([]sslv1alpha1.CertificateHistoryEntry{c.want}))
			g.Expect(steptest.Notes(rn.events)).To(Equal(c.notes))
		})
	}
}

// A certificate still bound is checked again once the recheck interval has passed on the
// clock, not before.
func TestBoundOldCertificateIsRecheckedAfterTheInterval(t *testing.T) {
	g := NewWithT(t)
	obj := certificate(superseding)
	e, rn := newStepEnv(t, obj)
	e.api.WithMuteExpiry(nil).WithTags(map[string]map[string]string{"old-1": owned(obj)}, nil).WithInUse(map[string]bool{"old-1": true}, nil)
	g.Expect(e.r.reconcileOldCertificates(context.Background(), rn)).To(Succeed())
	g.Expect(rn.requeue).To(Equal(e.r.Options.OldCertificateRecheck))

	e.api.Reset()
	e.clock.Step(e.r.Options.OldCertificateRecheck - time.Second)
	g.Expect(e.r.reconcileOldCertificates(context.Background(), rn)).To(Succeed())
	g.Expect(e.api.Calls()).To(BeEmpty(), "not due yet")

	e.api.WithInUse(nil, nil).WithDelete(nil)
	e.clock.Step(time.Second)
	g.Expect(e.r.reconcileOldCertificates(context.Background(), rn)).To(Succeed())
	g.Expect(e.api.Verbs()).To(Equal([]string{fake.VerbTags, fake.VerbInUse, fake.VerbDelete}))
	g.Expect(rn.obj.Status.History[0].State).To(Equal(sslv1alpha1.HistoryDeleted))
}

// deleting marks the object deleted after it uploaded cert-1 and superseded old-1.
func deleting(tc *sslv1alpha1.TencentCertificate) {
	now := metav1.NewTime(steptest.Start)
	tc.DeletionTimestamp, tc.Finalizers = &now, []string{sslv1alpha1.Finalizer}
	tc.Status.CertificateID = "cert-1"
	tc.Status.History = []sslv1alpha1.CertificateHistoryEntry{{CertificateID: "old-1", State: sslv1alpha1.HistorySuperseded}}
}

func TestDeleteStep(t *testing.T) {
	obj := certificate(deleting)
	both := map[string]map[string]string{"cert-1": owned(obj), "old-1": owned(obj)}
	cases := []struct {
		name     string
		obj      *sslv1alpha1.TencentCertificate
		program  func(*fake.Client)
		outcome  string
		calls    []string
		released bool
		attempts int32
		notes    []string
	}{
		{name: "unbound certificates are deleted and the object released",
			obj:     obj,
			program: func(c *fake.Client) { c.WithTags(both, nil).WithInUse(nil, nil).WithDelete(nil) },
			outcome: "ok", calls: []string{fake.VerbTags, fake.VerbTags, fake.VerbInUse, fake.VerbDelete, fake.VerbDelete},
			released: true,
			notes:    []string{"OldCertificateDeleted: Deleted certificate cert-1", "OldCertificateDeleted: Deleted certificate old-1"}},
		{name: "a bound certificate blocks deletion, with backoff",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithTags(both, nil).WithInUse(map[string]bool{"cert-1": true}, nil).WithDelete(nil)
			},
			outcome: "Waiting CleanupBlocked", calls: []string{fake.VerbTags, fake.VerbTags, fake.VerbInUse, fake.VerbDelete},
			attempts: 1,
			notes:    []string{"OldCertificateDeleted: Deleted certificate old-1"}},
		{name: "after the last attempt the object is released with a warning",
			obj: certificate(deleting, func(tc *sslv1alpha1.TencentCertificate) { tc.Status.CleanupAttempts = 5 }),
			program: func(c *fake.Client) {
				c.WithTags(both, nil).WithInUse(map[string]bool{"cert-1": true, "old-1": true}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbTags, fake.VerbTags, fake.VerbInUse},
			released: true, attempts: 6,
			notes: []string{"CleanupAbandoned: Released after 6 attempts; certificates left in Tencent Cloud: cert-1, old-1 (Reconciliation failed and will be retried)"}},
		{name: "Retain releases the object without a call",
			obj:     certificate(deleting, func(tc *sslv1alpha1.TencentCertificate) { tc.Spec.DeletionPolicy = sslv1alpha1.DeletionPolicyRetain }),
			outcome: "ok", released: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn, err := runStep(t, c.obj, c.program, (*Reconciler).reconcileDelete)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Verbs()).To(Equal(c.calls))
			g.Expect(rn.obj.Status.CleanupAttempts).To(Equal(c.attempts))
			g.Expect(steptest.Notes(rn.events)).To(Equal(c.notes))
			gone := apierrors.IsNotFound(e.r.Get(context.Background(), client.ObjectKeyFromObject(rn.obj), &sslv1alpha1.TencentCertificate{}))
			g.Expect(gone).To(Equal(c.released), "the finalizer is removed only when the object is released")
			if c.outcome == "Waiting CleanupBlocked" {
				g.Expect(reconcile.As(err).After).To(Equal(e.r.Options.CleanupBackoff))
				g.Expect(reconcile.As(err).Message).To(ContainSubstring("cert-1"))
			}
		})
	}
}

// The upload step keeps key material out of status, notes and outcomes, on success and on
// refusal.
func TestUploadKeepsKeyMaterialOutOfStatusAndNotes(t *testing.T) {
	cert := steptest.Leaf("www.example.com")
	for _, err := range []error{nil, fake.Error("FailedOperation.CertificateParseError")} {
		g := NewWithT(t)
		e, rn := newStepEnv(t, certificate())
		rn.bundle = steptest.Bundle(t, cert)
		e.api.WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new"}, err)
		out := e.r.reconcileUpload(context.Background(), rn)
		status, jerr := json.Marshal(rn.obj.Status)
		g.Expect(jerr).NotTo(HaveOccurred())
		text := strings.Join(append(steptest.Notes(rn.events), string(status), steptest.Outcome(out), fmt.Sprint(out)), "\n")
		g.Expect(text).NotTo(ContainSubstring("PRIVATE KEY"))
		for _, line := range strings.Split(string(cert.KeyPEM), "\n") {
			if len(line) > 16 && !strings.HasPrefix(line, "-----") {
				g.Expect(text).NotTo(ContainSubstring(line))
			}
		}
	}
}
