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
	"k8s.io/utils/ptr"
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

// newStepEnv stores obj, objs and the default account in the fake client and returns the
// environment with a run on obj as read back, so that it carries a resourceVersion like a
// cached object. The default account selects every namespace, uses the ambient identity and
// allows adoption.
func newStepEnv(t *testing.T, obj *sslv1alpha1.TencentCertificate, objs ...client.Object) (*stepEnv, *run) {
	t.Helper()
	account := steptest.Account(sslv1alpha1.DefaultAccountName, func(s *sslv1alpha1.TencentCloudAccountSpec) { s.AllowAdoption = true })
	c := steptest.Client(append(objs, obj, account))
	got := &sslv1alpha1.TencentCertificate{}
	NewWithT(t).Expect(c.Get(context.Background(), client.ObjectKeyFromObject(obj), got)).To(Succeed())
	e := &stepEnv{api: fake.New(), clock: steptest.Clock(), rec: steptest.Recorder()}
	cloud := &fake.Factory{API: e.api}
	e.r = &Reconciler{Client: c, APIReader: c, Cloud: cloud, Accounts: steptest.Accounts(c, cloud), Recorder: e.rec, Clock: e.clock}
	e.r.Options.defaults()
	return e, &run{obj: got}
}

// runStep runs one step on obj, with the API programmed by program when it is not nil.
func runStep(t *testing.T, obj *sslv1alpha1.TencentCertificate, program func(*fake.Client),
	step func(*Reconciler, context.Context, *run) error, objs ...client.Object) (*stepEnv, *run, error) {
	t.Helper()
	e, rn := newStepEnv(t, obj, objs...)
	if program != nil {
		program(e.api)
	}
	return e, rn, step(e.r, context.Background(), rn)
}

// again is the run of the next reconcile of the same object: what one reconcile cached, such
// as ownership, is gone.
func again(rn *run) *run { return &run{obj: rn.obj} }

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

// ours are the tags of a certificate that shop/web of this cluster uploaded.
var ours = steptest.OwnerTags("shop", "web")

func TestUploadStep(t *testing.T) {
	cert := steptest.Leaf("www.example.com")
	fp := steptest.Bundle(t, cert).Fingerprint
	stamp := metav1.NewTime(steptest.Start)
	lookupThenUpload := []string{fake.VerbTagged, fake.VerbUpload}
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
		{name: "a new certificate is looked up by its tags, then uploaded once",
			obj: certificate(),
			program: func(c *fake.Client) {
				c.WithTagged(nil, nil).WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new", RequestID: "req-1"}, nil)
			},
			outcome: "ok", calls: lookupThenUpload,
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string) {
				g.Expect(st.CertificateID).To(Equal("cert-new"))
				g.Expect(st.Fingerprint).To(Equal(fp))
				g.Expect(st.LastUploadTime).To(Equal(&stamp))
				g.Expect(st.DNSNames).To(Equal([]string{"www.example.com"}))
				g.Expect(st.History).To(BeEmpty())
				g.Expect(st.Alias).To(Equal("shop/web"), "uploaded with the alias")
				g.Expect(st.ProjectID).To(Equal(ptr.To[int64](0)), "uploaded into the default project")
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
		{name: "an upload whose status write was lost is found by its tags and not uploaded again",
			obj: certificate(),
			program: func(c *fake.Client) {
				c.WithTagged([]string{"cert-lost"}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbTagged},
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string) {
				g.Expect(st.CertificateID).To(Equal("cert-lost"))
				g.Expect(st.Fingerprint).To(Equal(fp))
				g.Expect(st.Alias).To(Equal("shop/web"), "this object's own upload, made with its alias and project")
				g.Expect(st.ProjectID).To(Equal(ptr.To[int64](0)))
				g.Expect(notes).To(Equal([]string{"Uploaded: Uploaded certificate cert-lost for [www.example.com] " +
					"(found by its ownership tags: an earlier upload whose status was not written)"}))
			}},
		{name: "a renewal supersedes the previous certificate and plans the update of bound resources",
			obj: certificate(func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID, tc.Status.Fingerprint = "cert-old", "old-fingerprint"
				tc.Spec.Rotation = &sslv1alpha1.RotationSpec{UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{{ResourceType: "clb"}}}
			}),
			program: func(c *fake.Client) {
				c.WithTagged(nil, nil).WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new", RequestID: "req-2"}, nil)
			},
			outcome: "ok", calls: lookupThenUpload,
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
				c.WithTagged([]string{"cert-1"}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbTagged},
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, _ []string) {
				g.Expect(st.CertificateID).To(Equal("cert-1"))
				g.Expect(st.History).To(HaveLen(1))
				g.Expect(st.History[0].CertificateID).To(Equal("cert-2"))
				g.Expect(st.Update).To(BeNil(), "no rotation is configured")
			}},
		{name: "a certificate that was adopted before is never superseded by the upload",
			obj: certificate(func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID, tc.Status.Fingerprint, tc.Status.Adopted = "adopted-1", fp, true
				tc.Spec.Rotation = &sslv1alpha1.RotationSpec{UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{{ResourceType: "clb"}}}
			}),
			program: func(c *fake.Client) {
				c.WithTagged(nil, nil).WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new", RequestID: "req-5"}, nil)
			},
			outcome: "ok", calls: lookupThenUpload,
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string) {
				g.Expect(st.CertificateID).To(Equal("cert-new"))
				g.Expect(st.Adopted).To(BeFalse())
				g.Expect(st.History).To(BeEmpty(), "someone else's certificate is not ours to mute or delete")
				g.Expect(st.Update).To(BeNil(), "nor to switch resources from")
				g.Expect(notes).To(Equal([]string{"Uploaded: Uploaded certificate cert-new for [www.example.com] (RequestId req-5)"}))
			}},
		{name: "a rejected upload stalls and changes nothing",
			obj: certificate(),
			program: func(c *fake.Client) {
				c.WithTagged(nil, nil).WithUpload(tencentcloud.Uploaded{}, fake.Error("FailedOperation.CertificateParseError"))
			},
			outcome: "Terminal APIRejected", calls: lookupThenUpload,
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, notes []string) {
				g.Expect(st.CertificateID).To(BeEmpty())
				g.Expect(notes).To(BeEmpty())
			}},
		{name: "an upload answered as already existing is looked up again rather than trusted",
			obj: certificate(),
			program: func(c *fake.Client) {
				c.WithTagged(nil, nil).WithUpload(tencentcloud.Uploaded{CertificateID: "someone-elses"}, fake.Error(tencentcloud.CodeCertificateExists))
			},
			outcome: "Transient APIError", calls: lookupThenUpload,
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, _ []string) {
				g.Expect(st.CertificateID).To(BeEmpty())
			}},
		{name: "a failed lookup uploads nothing",
			obj: certificate(),
			program: func(c *fake.Client) {
				c.WithTagged(nil, fake.Error(tencentcloud.CodeRateLimitExceeded))
			},
			outcome: "Throttled APIError", calls: []string{fake.VerbTagged},
			check: func(g Gomega, st *sslv1alpha1.TencentCertificateStatus, _ []string) {
				g.Expect(st.CertificateID).To(BeEmpty())
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
	e.api.WithTagged(nil, nil).WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new"}, nil)
	g.Expect(e.r.reconcileUpload(context.Background(), rn)).To(Succeed())
	owner := []tencentcloud.Tag{{Key: sslv1alpha1.TagCluster, Value: steptest.Cluster},
		{Key: sslv1alpha1.TagNamespace, Value: "shop"}, {Key: sslv1alpha1.TagName, Value: "web"},
		{Key: sslv1alpha1.TagFingerprint, Value: rn.bundle.Fingerprint}}
	g.Expect(e.api.Calls(fake.VerbTagged)[0].Args[0]).To(Equal(owner), "the lookup asks for this object's upload of this content")
	in := e.api.Calls(fake.VerbUpload)[0].Args[0].(tencentcloud.UploadInput)
	g.Expect(in.CertificatePEM).To(Equal(rn.bundle.CertificatePEM))
	g.Expect(in.Alias).To(Equal("shop/web"))
	g.Expect(in.Repeatable).To(BeTrue(), "each object gets a certificate of its own")
	g.Expect(in.Tags).To(Equal(append([]tencentcloud.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "web"}}, owner...)),
		"sorted, and the ownership tags cannot be overridden")
}

func TestAdoptStep(t *testing.T) {
	cert := steptest.Leaf("www.example.com")
	future := steptest.Start.Add(24 * time.Hour)
	adopting := func(tc *sslv1alpha1.TencentCertificate) { tc.Spec.SecretRef, tc.Spec.CertificateID = nil, "adopted-1" }
	issued := func(status tencentcloud.CertificateStatus) func(*fake.Client) {
		return func(c *fake.Client) {
			c.WithDescribe(tencentcloud.Certificate{ID: "adopted-1", Status: status, Domain: "other.example.com",
				NotAfter: &future, CertificatePEM: string(cert.CertPEM)}, nil)
		}
	}
	cases := []struct {
		name     string
		obj      *sslv1alpha1.TencentCertificate
		describe func(*fake.Client)
		outcome  string
		calls    int
		wantFP   string
	}{
		{name: "an adopted certificate's details come from its chain",
			obj: certificate(adopting), describe: issued(statusIssued),
			outcome: "ok", calls: 1, wantFP: certs.Fingerprint(cert.Cert.Raw)},
		{name: "a certificate adopted in this generation is not described again",
			obj: certificate(adopting, func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID, tc.Status.ObservedGeneration, tc.Status.Fingerprint = "adopted-1", 1, "kept"
			}),
			outcome: "ok", calls: 0, wantFP: "kept"},
		{name: "an adopted certificate whose validity ended since stalls without a call",
			obj: certificate(adopting, func(tc *sslv1alpha1.TencentCertificate) {
				ended := metav1.NewTime(steptest.Start.Add(-time.Second))
				tc.Status.CertificateID, tc.Status.ObservedGeneration, tc.Status.Fingerprint, tc.Status.NotAfter = "adopted-1", 1, "kept", &ended
			}),
			outcome: "Terminal CertificateExpired", calls: 0, wantFP: "kept"},
		{name: "a certificate under review is waited for and not published",
			obj: certificate(adopting), describe: issued(0),
			outcome: "Waiting CertificateNotIssued", calls: 1},
		{name: "a revoked certificate stalls",
			obj: certificate(adopting), describe: issued(10),
			outcome: "Terminal CertificateNotIssued", calls: 1},
		{name: "a certificate Tencent Cloud does not have stalls",
			obj: certificate(adopting),
			describe: func(c *fake.Client) {
				c.WithDescribe(tencentcloud.Certificate{}, fake.Error(tencentcloud.CodeCertificateNotFound))
			},
			outcome: "Terminal CertificateNotFound", calls: 1},
		{name: "a throttled describe is looked at again, quietly",
			obj: certificate(adopting),
			describe: func(c *fake.Client) {
				c.WithDescribe(tencentcloud.Certificate{}, fake.Error(tencentcloud.CodeRateLimitExceeded))
			},
			outcome: "Throttled APIError", calls: 1},
		{name: "an account that does not allow adoption refuses before any call",
			obj: certificate(adopting, func(tc *sslv1alpha1.TencentCertificate) {
				tc.Spec.AccountRef = &sslv1alpha1.AccountReference{Name: "strict"}
			}),
			describe: issued(statusIssued),
			outcome:  "Terminal " + sslv1alpha1.ReasonAdoptionNotAllowed, calls: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn, err := runStep(t, c.obj, c.describe, (*Reconciler).reconcileUpload, steptest.Account("strict"))
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Count(fake.VerbDescribe)).To(Equal(c.calls))
			g.Expect(e.api.Count(fake.VerbUpload)).To(BeZero(), "an adopted certificate is never uploaded")
			g.Expect(rn.obj.Status.Fingerprint).To(Equal(c.wantFP))
			if c.outcome != "ok" && c.calls > 0 {
				g.Expect(rn.obj.Status.CertificateID).To(BeEmpty(), "a certificate that cannot serve is not published")
			}
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
	oldIsOurs := func(c *fake.Client) { c.WithTags(map[string]map[string]string{"cert-old": ours}, nil) }
	// nothingBound answers the update with nothing to switch, and the lists of both regions with
	// serving.
	nothingBound := func(serving map[string]string) func(*fake.Client) {
		return func(c *fake.Client) {
			oldIsOurs(c)
			c.WithStartUpdate(fake.Error("FailedOperation.CertificateDeployInstanceEmpty")).
				WithBindings(map[string]tencentcloud.Bindings{"clb": {Serving: serving}}, nil)
		}
	}
	cases := []struct {
		name    string
		obj     *sslv1alpha1.TencentCertificate
		program func(*fake.Client)
		outcome string
		calls   []string
		// want is the update left in status, nil when it was dropped.
		want  *sslv1alpha1.RecordStatus
		notes []string
	}{
		{name: "a planned update checks that the old certificate is ours, starts the task and keeps its record ID",
			obj: certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})),
			program: func(c *fake.Client) {
				oldIsOurs(c)
				c.WithStartUpdate(nil, tencentcloud.Task{RecordID: 42, RequestID: "req-4"})
			},
			outcome: "Progressing UpdateInProgress", calls: []string{fake.VerbTags, fake.VerbStartUpdate},
			want:  &sslv1alpha1.RecordStatus{ID: 42, Phase: sslv1alpha1.RecordRunning, StartTime: &stamp},
			notes: []string{"UpdateInProgress: Started update record 42 (cert-old to cert-new) (RequestId req-4)"}},
		{name: "resources bound to someone else's certificate are never switched",
			obj: certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})),
			program: func(c *fake.Client) {
				c.WithTags(map[string]map[string]string{"cert-old": steptest.OwnerTags("shop", "other")}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbTags},
			notes: []string{"CertificateNotOwned: Left certificate cert-old alone: its ownership tags do not name this object, " +
				"so it is never muted, switched from or deleted"}},
		{name: "nothing to switch is confirmed by a look at every requested region before the update ends",
			obj:     certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})),
			program: nothingBound(map[string]string{"lb-1|lbl-1": "cert-new"}),
			outcome: "ok", calls: []string{fake.VerbTags, fake.VerbStartUpdate, fake.VerbBindings, fake.VerbBindings},
			want:  &sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordSucceeded, CompletionTime: &stamp},
			notes: []string{"UpdateInProgress: No resource of the requested types and regions serves certificate cert-old; nothing to switch"}},
		{name: "nothing to switch while a resource still serves the old certificate is asked again later",
			obj:     certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})),
			program: nothingBound(map[string]string{"lb-1|lbl-1": "cert-old"}),
			outcome: "Progressing UpdateInProgress", calls: []string{fake.VerbTags, fake.VerbStartUpdate, fake.VerbBindings, fake.VerbBindings},
			want: &sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating}},
		{name: "a record Tencent Cloud forgot starts over",
			obj:     certificate(rotating(sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordRunning, StartTime: &stamp, Total: 2})),
			program: func(c *fake.Client) { c.WithRecord(nil, nil) },
			outcome: "Progressing UpdateInProgress", calls: []string{fake.VerbRecord},
			want: &sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating}},
		{name: "a finished record switches to Succeeded",
			obj: certificate(rotating(sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordRunning, StartTime: &stamp})),
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: {Items: []tencentcloud.RecordItem{{Status: tencentcloud.ItemSucceeded}}, RequestID: "req-7"}}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbRecord},
			want:  &sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordSucceeded, StartTime: &stamp, CompletionTime: &stamp, Total: 1, Succeeded: 1},
			notes: []string{"UpdateInProgress: update record 7 (cert-old to cert-new) ended Succeeded: 1 of 1 items succeeded (RequestId req-7)"}},
		{name: "a failed update waits for the user without a call",
			obj:     certificate(rotating(sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordFailed, Failed: 1, Total: 1})),
			outcome: "Terminal UpdateFailed",
			want:    &sslv1alpha1.RecordStatus{ID: 7, Phase: sslv1alpha1.RecordFailed, Failed: 1, Total: 1}},
		{name: "an update of an older certificate is left alone",
			obj: certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating}), func(tc *sslv1alpha1.TencentCertificate) {
				tc.Status.CertificateID = "cert-newer"
			}),
			outcome: "ok",
			want:    &sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn, err := runStep(t, c.obj, c.program, (*Reconciler).updateStep)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Verbs()).To(Equal(c.calls))
			if c.want != nil {
				c.want.Kind, c.want.OldCertificateID, c.want.CertificateID = sslv1alpha1.RecordUpdate, "cert-old", "cert-new"
			}
			g.Expect(rn.obj.Status.Update).To(BeComparableTo(c.want))
			g.Expect(steptest.Notes(rn.events)).To(Equal(c.notes))
		})
	}
	t.Run("the update covers the configured types and regions", func(t *testing.T) {
		g := NewWithT(t)
		e, rn := newStepEnv(t, certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})))
		oldIsOurs(e.api)
		e.api.WithStartUpdate(nil, tencentcloud.Task{RecordID: 42})
		_ = e.r.updateStep(context.Background(), rn)
		g.Expect(e.api.Calls(fake.VerbStartUpdate)[0].Args[0]).To(Equal(tencentcloud.UpdateInput{
			OldCertificateID: "cert-old", CertificateID: "cert-new", ResourceTypes: []string{"clb"},
			Regions: map[string][]string{"clb": {"ap-guangzhou", "ap-shanghai"}},
		}))
	})
	t.Run("the confirmation asks for the old certificate in each region", func(t *testing.T) {
		g := NewWithT(t)
		e, rn, _ := runStep(t, certificate(rotating(sslv1alpha1.RecordStatus{Phase: sslv1alpha1.RecordCreating})),
			nothingBound(nil), (*Reconciler).updateStep)
		var queries []any
		for _, call := range e.api.Calls(fake.VerbBindings) {
			queries = append(queries, call.Args[0])
		}
		g.Expect(queries).To(Equal([]any{
			tencentcloud.BindingsQuery{ResourceType: "clb", CertificateID: "cert-old", Region: "ap-guangzhou"},
			tencentcloud.BindingsQuery{ResourceType: "clb", CertificateID: "cert-old", Region: "ap-shanghai"},
		}))
		g.Expect(rn.obj.Status.Update.BindingsQuery).To(BeNil())
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
	oldIsOurs := map[string]map[string]string{"old-1": ours}
	// deleting has a delete task of old-1 running, its reminders muted.
	deleting := certificate(superseding, func(tc *sslv1alpha1.TencentCertificate) {
		tc.Status.History[0].DeleteTaskID, tc.Status.History[0].NotificationsMuted = "task-old-1", true
	})
	// superseded is old-1 muted and still superseded, with its delete task or last attempt.
	superseded := func(task string, attempt *metav1.Time) sslv1alpha1.CertificateHistoryEntry {
		return sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistorySuperseded,
			NotificationsMuted: true, DeleteTaskID: task, LastDeleteAttempt: attempt}
	}
	result := func(status tencentcloud.DeleteStatus) func(*fake.Client) {
		return func(c *fake.Client) {
			c.WithDeleteResult(map[string]tencentcloud.DeleteResult{"task-old-1": {CertificateID: "old-1", Status: status}})
		}
	}
	cases := []struct {
		name    string
		obj     *sslv1alpha1.TencentCertificate
		program func(*fake.Client)
		calls   []string
		want    sslv1alpha1.CertificateHistoryEntry
		notes   []string
		requeue time.Duration
	}{
		{name: "an old certificate of ours is muted and its checked deletion started, the task kept in the history",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithTags(oldIsOurs, nil).WithMuteExpiry(nil).WithDelete(nil)
			},
			calls:   []string{fake.VerbTags, fake.VerbMuteExpiry, fake.VerbDelete},
			want:    superseded("task-old-1", nil),
			requeue: 2 * time.Second},
		{name: "a running delete task is polled again soon",
			obj: deleting, program: result(tencentcloud.DeleteRunning),
			calls:   []string{fake.VerbDeleteResult},
			want:    superseded("task-old-1", nil),
			requeue: 2 * time.Second},
		{name: "a finished delete task marks the certificate deleted",
			obj: deleting, program: result(tencentcloud.DeleteDone),
			calls:   []string{fake.VerbDeleteResult},
			want:    sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistoryDeleted, Time: stamp, NotificationsMuted: true},
			notes:   []string{"OldCertificateDeleted: Deleted certificate old-1 (delete task task-old-1)"},
			requeue: 5 * time.Minute},
		{name: "a certificate Tencent Cloud kept because it is still bound is looked at again later",
			obj: deleting, program: result(tencentcloud.DeleteStillBound),
			calls:   []string{fake.VerbDeleteResult},
			want:    superseded("", &stamp),
			requeue: 5 * time.Minute},
		{name: "a delete refused because the certificate is bound is looked at again later",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithTags(oldIsOurs, nil).WithMuteExpiry(nil).WithDelete(map[string]error{"old-1": fake.Error("FailedOperation.BoundResources")})
			},
			calls:   []string{fake.VerbTags, fake.VerbMuteExpiry, fake.VerbDelete},
			want:    superseded("", &stamp),
			requeue: 5 * time.Minute},
		{name: "a certificate uploaded by someone else is retained, neither muted nor deleted",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithTags(map[string]map[string]string{"old-1": steptest.OwnerTags("other", "web")}, nil)
			},
			calls: []string{fake.VerbTags},
			want:  sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistoryRetained, Time: stamp},
			notes: []string{"CertificateNotOwned: Left certificate old-1 alone: its ownership tags do not name this object, " +
				"so it is never muted, switched from or deleted"},
			requeue: 5 * time.Minute},
		{name: "a certificate deleted elsewhere counts as deleted",
			obj: obj,
			program: func(c *fake.Client) {
				c.WithTags(nil, nil).WithMuteExpiry(fake.Error(tencentcloud.CodeCertificateNotFound))
			},
			calls:   []string{fake.VerbTags, fake.VerbMuteExpiry},
			want:    sslv1alpha1.CertificateHistoryEntry{CertificateID: "old-1", State: sslv1alpha1.HistoryDeleted, Time: stamp, NotificationsMuted: true},
			notes:   []string{"OldCertificateDeleted: Certificate old-1 no longer exists in Tencent Cloud"},
			requeue: 5 * time.Minute},
		{name: "under Retain old certificates are only muted",
			obj: certificate(superseding, func(tc *sslv1alpha1.TencentCertificate) {
				tc.Spec.Rotation.OldCertificates = sslv1alpha1.OldCertificatesRetain
			}),
			program: func(c *fake.Client) { c.WithTags(oldIsOurs, nil).WithMuteExpiry(nil) },
			calls:   []string{fake.VerbTags, fake.VerbMuteExpiry},
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
			g.Expect(rn.requeue).To(Equal(c.requeue))
		})
	}
	t.Run("a missing service role for the check waits, naming the role", func(t *testing.T) {
		g := NewWithT(t)
		_, rn, err := runStep(t, deleting, result(tencentcloud.DeleteRoleMissing), (*Reconciler).reconcileOldCertificates)
		g.Expect(steptest.Outcome(err)).To(Equal("Waiting " + sslv1alpha1.ReasonCredentialsInvalid))
		g.Expect(reconcile.As(err).After).To(BeNumerically(">", 0), "authorising the role is noticed without a change to the object")
		g.Expect(reconcile.As(err).Message).To(ContainSubstring("SSL_QCSLinkedRoleInReplaceLoadCertificate"))
		cond := metaCondition(rn.obj.Status.Conditions, sslv1alpha1.OldCertificatesHandledCondition)
		g.Expect(cond).NotTo(BeNil())
		g.Expect(cond.Status).To(Equal(metav1.ConditionUnknown))
		g.Expect(rn.obj.Status.History[0].DeleteTaskID).To(BeEmpty(), "the next try starts a new check")
	})
}

// A superseded certificate goes through Tencent's checked deletion: a task is started, polled,
// kept while bound, tried again once the recheck interval has passed on the clock and not
// before, and marked deleted when a task deletes it.
func TestOldCertificateCheckedDeletion(t *testing.T) {
	g := NewWithT(t)
	obj := certificate(superseding)
	e, rn := newStepEnv(t, obj)
	step := func() error {
		e.api.Reset()
		rn = again(rn)
		return e.r.reconcileOldCertificates(context.Background(), rn)
	}
	results := map[string]tencentcloud.DeleteResult{"task-old-1": {CertificateID: "old-1", Status: tencentcloud.DeleteRunning}}
	e.api.WithMuteExpiry(nil).WithTags(map[string]map[string]string{"old-1": ours}, nil).WithDelete(nil).WithDeleteResult(results)

	g.Expect(step()).To(Succeed())
	g.Expect(e.api.Verbs()).To(Equal([]string{fake.VerbTags, fake.VerbMuteExpiry, fake.VerbDelete}))
	g.Expect(rn.obj.Status.History[0].DeleteTaskID).To(Equal("task-old-1"))
	g.Expect(rn.requeue).To(Equal(e.r.Options.PollInterval), "a running task is polled soon")

	g.Expect(step()).To(Succeed())
	g.Expect(e.api.Verbs()).To(Equal([]string{fake.VerbDeleteResult}), "the task is polled, not started again")

	results["task-old-1"] = tencentcloud.DeleteResult{CertificateID: "old-1", Status: tencentcloud.DeleteStillBound}
	g.Expect(step()).To(Succeed())
	g.Expect(rn.obj.Status.History[0].State).To(Equal(sslv1alpha1.HistorySuperseded))
	g.Expect(rn.obj.Status.History[0].DeleteTaskID).To(BeEmpty())
	g.Expect(rn.requeue).To(Equal(e.r.Options.OldCertificateRecheck))

	e.clock.Step(e.r.Options.OldCertificateRecheck - time.Second)
	g.Expect(step()).To(Succeed())
	g.Expect(e.api.Calls()).To(BeEmpty(), "not due yet")

	e.clock.Step(time.Second)
	results["task-old-1"] = tencentcloud.DeleteResult{CertificateID: "old-1", Status: tencentcloud.DeleteDone}
	g.Expect(step()).To(Succeed())
	g.Expect(e.api.Verbs()).To(Equal([]string{fake.VerbTags, fake.VerbDelete}), "a new checked deletion, after the ownership check")
	g.Expect(step()).To(Succeed())
	g.Expect(e.api.Verbs()).To(Equal([]string{fake.VerbDeleteResult}))
	g.Expect(rn.obj.Status.History[0].State).To(Equal(sslv1alpha1.HistoryDeleted))
	g.Expect(steptest.Notes(rn.events)).To(Equal([]string{"OldCertificateDeleted: Deleted certificate old-1 (delete task task-old-1)"}))
}

// deleting marks the object deleted after it uploaded cert-1 and superseded old-1.
func deleting(tc *sslv1alpha1.TencentCertificate) {
	now := metav1.NewTime(steptest.Start)
	tc.DeletionTimestamp, tc.Finalizers = &now, []string{sslv1alpha1.Finalizer}
	tc.Status.CertificateID = "cert-1"
	tc.Status.History = []sslv1alpha1.CertificateHistoryEntry{{CertificateID: "old-1", State: sslv1alpha1.HistorySuperseded}}
}

// deleteTasksRunning has the delete tasks of both certificates running.
func deleteTasksRunning(tc *sslv1alpha1.TencentCertificate) {
	deleting(tc)
	tc.Status.DeleteTaskID, tc.Status.History[0].DeleteTaskID = "task-cert-1", "task-old-1"
}

func TestDeleteStep(t *testing.T) {
	both := map[string]map[string]string{"cert-1": ours, "old-1": ours}
	// results answers the delete tasks of cert-1 and old-1.
	results := func(cert1, old1 tencentcloud.DeleteStatus) func(*fake.Client) {
		return func(c *fake.Client) {
			c.WithDeleteResult(map[string]tencentcloud.DeleteResult{
				"task-cert-1": {CertificateID: "cert-1", Status: cert1}, "task-old-1": {CertificateID: "old-1", Status: old1}})
		}
	}
	polls := []string{fake.VerbDeleteResult, fake.VerbDeleteResult}
	cases := []struct {
		name     string
		obj      *sslv1alpha1.TencentCertificate
		program  func(*fake.Client)
		outcome  string
		calls    []string
		released bool
		attempts int32
		// tasks are the delete tasks of cert-1 and old-1 left in status.
		tasks [2]string
		notes []string
	}{
		{name: "certificates of ours get checked delete tasks, kept in status, and the object waits for them",
			obj:     certificate(deleting),
			program: func(c *fake.Client) { c.WithTags(both, nil).WithDelete(nil) },
			outcome: "Progressing CleanupBlocked", calls: []string{fake.VerbTags, fake.VerbDelete, fake.VerbTags, fake.VerbDelete},
			tasks: [2]string{"task-cert-1", "task-old-1"}},
		{name: "running tasks are waited for without counting an attempt",
			obj: certificate(deleteTasksRunning), program: results(tencentcloud.DeleteRunning, tencentcloud.DeleteRunning),
			outcome: "Progressing CleanupBlocked", calls: polls,
			tasks: [2]string{"task-cert-1", "task-old-1"}},
		{name: "tasks that deleted both certificates release the object",
			obj: certificate(deleteTasksRunning), program: results(tencentcloud.DeleteDone, tencentcloud.DeleteDone),
			outcome: "ok", calls: polls, released: true,
			notes: []string{"OldCertificateDeleted: Deleted certificate cert-1 (delete task task-cert-1)",
				"OldCertificateDeleted: Deleted certificate old-1 (delete task task-old-1)"}},
		{name: "a certificate still bound blocks deletion, with backoff",
			obj: certificate(deleteTasksRunning), program: results(tencentcloud.DeleteStillBound, tencentcloud.DeleteDone),
			outcome: "Waiting CleanupBlocked", calls: polls, attempts: 1,
			notes: []string{"OldCertificateDeleted: Deleted certificate old-1 (delete task task-old-1)"}},
		{name: "after the last attempt the object is released with a warning",
			obj:     certificate(deleteTasksRunning, func(tc *sslv1alpha1.TencentCertificate) { tc.Status.CleanupAttempts = 5 }),
			program: results(tencentcloud.DeleteStillBound, tencentcloud.DeleteCheckTimedOut),
			outcome: "ok", calls: polls, released: true, attempts: 6,
			notes: []string{"CleanupAbandoned: Released after 6 attempts; certificates left in Tencent Cloud: cert-1, old-1 (still bound to cloud resources)"}},
		{name: "certificates that are not ours or are gone release the object without a delete",
			obj: certificate(deleting),
			program: func(c *fake.Client) {
				c.WithTags(map[string]map[string]string{"cert-1": steptest.OwnerTags("shop", "other")}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbTags, fake.VerbTags}, released: true,
			notes: []string{"OldCertificateKept: Kept certificate cert-1: it was uploaded by someone else",
				"OldCertificateDeleted: Certificate old-1 no longer exists in Tencent Cloud"}},
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
			st := rn.obj.Status
			g.Expect(st.CleanupAttempts).To(Equal(c.attempts))
			g.Expect([2]string{st.DeleteTaskID, st.History[0].DeleteTaskID}).To(Equal(c.tasks))
			g.Expect(steptest.Notes(rn.events)).To(Equal(c.notes))
			gone := apierrors.IsNotFound(e.r.Get(context.Background(), client.ObjectKeyFromObject(rn.obj), &sslv1alpha1.TencentCertificate{}))
			g.Expect(gone).To(Equal(c.released), "the finalizer is removed only when the object is released")
			switch c.outcome {
			case "Waiting CleanupBlocked":
				g.Expect(reconcile.As(err).After).To(Equal(e.r.Options.CleanupBackoff))
				g.Expect(reconcile.As(err).Message).To(ContainSubstring("cert-1"))
			case "Progressing CleanupBlocked":
				g.Expect(reconcile.As(err).After).To(Equal(e.r.Options.PollInterval))
				g.Expect(reconcile.As(err).Message).To(ContainSubstring("cert-1, old-1"))
			}
		})
	}
}

func TestMetadataStep(t *testing.T) {
	named := func(tc *sslv1alpha1.TencentCertificate) {
		tc.Status.CertificateID, tc.Status.Alias, tc.Status.ProjectID = "cert-1", "shop/web", ptr.To[int64](0)
	}
	cases := []struct {
		name    string
		obj     *sslv1alpha1.TencentCertificate
		program func(*fake.Client)
		outcome string
		calls   []string
		notes   []string
	}{
		{name: "a certificate with the spec's alias and project makes no call",
			obj: certificate(named), outcome: "ok"},
		{name: "a changed alias and project are set on our certificate at once",
			obj: certificate(named, func(tc *sslv1alpha1.TencentCertificate) {
				tc.Spec.Alias, tc.Spec.ProjectID = "web", ptr.To[int64](7)
			}),
			program: func(c *fake.Client) { c.WithTags(map[string]map[string]string{"cert-1": ours}, nil).WithModify(nil) },
			outcome: "ok", calls: []string{fake.VerbTags, fake.VerbModifyAlias, fake.VerbModifyProject},
			notes: []string{`MetadataUpdated: Certificate cert-1: set its alias to "web" and moved it to project 7`}},
		{name: "someone else's certificate is left as it is",
			obj: certificate(named, func(tc *sslv1alpha1.TencentCertificate) { tc.Spec.Alias = "web" }),
			program: func(c *fake.Client) {
				c.WithTags(map[string]map[string]string{"cert-1": steptest.OwnerTags("shop", "other")}, nil)
			},
			outcome: "ok", calls: []string{fake.VerbTags},
			notes: []string{"OldCertificateKept: Left the alias and project of certificate cert-1 as they are: it was uploaded by someone else"}},
		{name: "a refused rename stalls",
			obj: certificate(named, func(tc *sslv1alpha1.TencentCertificate) { tc.Spec.Alias = "web" }),
			program: func(c *fake.Client) {
				c.WithTags(map[string]map[string]string{"cert-1": ours}, nil).WithModify(fake.Error("InvalidParameter"))
			},
			outcome: "Terminal APIRejected", calls: []string{fake.VerbTags, fake.VerbModifyAlias}},
		{name: "an adopted certificate is never changed",
			obj: certificate(named, func(tc *sslv1alpha1.TencentCertificate) {
				tc.Spec.SecretRef, tc.Spec.CertificateID, tc.Spec.Alias = nil, "cert-1", "web"
			}),
			outcome: "ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn, err := runStep(t, c.obj, c.program, (*Reconciler).reconcileMetadata)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.api.Verbs()).To(Equal(c.calls))
			g.Expect(steptest.Notes(rn.events)).To(Equal(c.notes))
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
		e.api.WithTagged(nil, nil).WithUpload(tencentcloud.Uploaded{CertificateID: "cert-new"}, err)
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
