package huaweiapigcertificate

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/steptest"
)

const group = "g1"

// fakeAPIG is a small APIG: one group's domains by ID, the serial number of each bound
// certificate, and programmed failures by call, such as "Bind www". It records every call.
type fakeAPIG struct {
	mu      sync.Mutex
	domains map[string]*huaweicloud.Domain
	serials map[string]string
	fail    map[string]error
	calls   []string
	bound   int
}

func newFakeAPIG(domains ...huaweicloud.Domain) *fakeAPIG {
	f := &fakeAPIG{domains: map[string]*huaweicloud.Domain{}, serials: map[string]string{}, fail: map[string]error{}}
	for _, d := range domains {
		d.GroupID = group
		f.domains[d.ID] = &d
	}
	return f
}

// call records a call and returns its programmed failure.
func (f *fakeAPIG) call(verb, domain string) error {
	f.calls = append(f.calls, verb+" "+domain)
	return f.fail[verb+" "+domain]
}

func notFound() error {
	return &huaweicloud.Error{Code: huaweicloud.CodeDomainNotFound, HTTPStatus: 404, RequestID: "r-404"}
}

func (f *fakeAPIG) ResolveDomain(_ context.Context, ref huaweicloud.DomainRef) (*huaweicloud.Domain, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := ref.DomainID + ref.URLDomain
	if err := f.call("Resolve", key); err != nil {
		return nil, err
	}
	for _, d := range f.domains {
		if ref.GroupID == d.GroupID && (d.ID == ref.DomainID || d.URLDomain == ref.URLDomain) {
			cp := *d
			return &cp, nil
		}
	}
	return nil, notFound()
}

func (f *fakeAPIG) DomainCertificate(_ context.Context, d *huaweicloud.Domain) (*huaweicloud.Certificate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d.SSLID == "" {
		return nil, nil
	}
	if err := f.call("Certificate", d.ID); err != nil {
		return nil, err
	}
	return &huaweicloud.Certificate{ID: d.SSLID, SerialNumber: f.serials[d.SSLID]}, nil
}

func (f *fakeAPIG) Bind(_ context.Context, d *huaweicloud.Domain, req huaweicloud.BindRequest) (*huaweicloud.Binding, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Bind", d.ID); err != nil {
		return nil, err
	}
	f.bound++
	id := fmt.Sprintf("ssl-%d", f.bound)
	f.serials[id] = certs.SerialNumber(certs.Leaf(req.CertificatePEM))
	f.domains[d.ID].SSLID, f.domains[d.ID].SSLName = id, req.Name
	return &huaweicloud.Binding{SSLID: id, SSLName: req.Name, CNAMEStatus: 3, RequestID: "r-bind"}, nil
}

func (f *fakeAPIG) Unbind(_ context.Context, d *huaweicloud.Domain, sslID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("Unbind", d.ID); err != nil {
		return err
	}
	f.domains[d.ID].SSLID, f.domains[d.ID].SSLName = "", ""
	return nil
}

func (f *fakeAPIG) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

type fakeFactory struct{ api huaweicloud.API }

func (f fakeFactory) For(context.Context, *huaweicloud.Credentials, huaweicloud.Scope) (huaweicloud.API, error) {
	return f.api, nil
}

func tlsSecret(name string, data map[string][]byte) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name}, Type: corev1.SecretTypeTLS, Data: data}
}

// stepEnv runs single steps on the fake APIG, a fake clock and a fake client.
type stepEnv struct {
	r     *Reconciler
	apig  *fakeAPIG
	clock *clocktesting.FakeClock
	rec   *events.FakeRecorder
}

// apigObject binds web-tls to domain www by ID and to api.example.com by name.
func apigObject(mutate ...func(*sslv1alpha1.HuaweiAPIGCertificate)) *sslv1alpha1.HuaweiAPIGCertificate {
	obj := &sslv1alpha1.HuaweiAPIGCertificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web", Generation: 1},
		Spec: sslv1alpha1.HuaweiAPIGCertificateSpec{SecretRef: &sslv1alpha1.LocalObjectReference{Name: "web-tls"},
			Region: "cn-north-4", ProjectID: "p1", InstanceID: "i1",
			Domains: []sslv1alpha1.APIGDomain{{GroupID: group, DomainID: "www"}, {GroupID: group, URLDomain: "api.example.com"}}},
	}
	for _, m := range mutate {
		m(obj)
	}
	return obj
}

func newStepEnv(t *testing.T, apig *fakeAPIG, obj *sslv1alpha1.HuaweiAPIGCertificate, objs ...client.Object) (*stepEnv, *reconcileRun) {
	t.Helper()
	c := steptest.Client(append(objs, obj))
	got := &sslv1alpha1.HuaweiAPIGCertificate{}
	NewWithT(t).Expect(c.Get(context.Background(), client.ObjectKeyFromObject(obj), got)).To(Succeed())
	e := &stepEnv{apig: apig, clock: steptest.Clock(), rec: steptest.Recorder()}
	opts := Options{Cloud: fakeFactory{api: apig}, Clock: e.clock, OperatorCredentials: true}
	opts.defaults()
	e.r = &Reconciler{Client: c, apiReader: c, recorder: e.rec, opts: opts}
	return e, &reconcileRun{obj: got}
}

func twoDomains() *fakeAPIG {
	return newFakeAPIG(huaweicloud.Domain{ID: "www", URLDomain: "www.example.com"}, huaweicloud.Domain{ID: "api", URLDomain: "api.example.com"})
}

func TestSourceAndCoverageSteps(t *testing.T) {
	good := steptest.Leaf("www.example.com", "api.example.com")
	mismatched := steptest.Leaf("www.example.com", "api.example.com").SecretData()
	mismatched["tls.key"] = steptest.Leaf("www.example.com").KeyPEM
	byCertificate := func(o *sslv1alpha1.HuaweiAPIGCertificate) {
		o.Spec.SecretRef, o.Spec.CertificateRef = nil, &sslv1alpha1.LocalObjectReference{Name: "web"}
	}
	tc := func(secret *sslv1alpha1.LocalObjectReference) *sslv1alpha1.TencentCertificate {
		return &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
			Spec: sslv1alpha1.TencentCertificateSpec{SecretRef: secret, CertificateID: "adopted"}}
	}
	cases := []struct {
		name    string
		obj     *sslv1alpha1.HuaweiAPIGCertificate
		objs    []client.Object
		outcome string
	}{
		{"a valid Secret covering every domain passes", apigObject(), []client.Object{tlsSecret("web-tls", good.SecretData())}, "ok"},
		{"a missing Secret is waited for", apigObject(), nil, "Waiting SecretNotFound"},
		{"a key that does not match stalls", apigObject(), []client.Object{tlsSecret("web-tls", mismatched)}, "Terminal " + certs.KeyMismatch},
		{"a domain named by URL and not covered stalls", apigObject(),
			[]client.Object{tlsSecret("web-tls", steptest.Leaf("www.example.com").SecretData())}, "Terminal DomainNotCovered"},
		{"a domain named by ID is checked once its name is known", apigObject(func(o *sslv1alpha1.HuaweiAPIGCertificate) {
			o.Status.Domains = []sslv1alpha1.APIGDomainStatus{{GroupID: group, DomainID: "www", URLDomain: "www.example.com"}}
		}), []client.Object{tlsSecret("web-tls", steptest.Leaf("api.example.com").SecretData())}, "Terminal DomainNotCovered"},
		{"a missing TencentCertificate is waited for", apigObject(byCertificate), nil, "Waiting CertificateRefInvalid"},
		{"a TencentCertificate without a Secret stalls", apigObject(byCertificate), []client.Object{tc(nil)}, "Terminal CertificateRefInvalid"},
		{"a TencentCertificate's Secret is followed", apigObject(byCertificate),
			[]client.Object{tc(&sslv1alpha1.LocalObjectReference{Name: "cm-tls"}), tlsSecret("cm-tls", good.SecretData())}, "ok"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn := newStepEnv(t, twoDomains(), c.obj, c.objs...)
			err := e.r.reconcileSource(context.Background(), rn)
			if err == nil {
				err = e.r.reconcileCoverage(context.Background(), rn)
			}
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.apig.Calls()).To(BeEmpty(), "bad input makes no APIG call")
		})
	}
}

func TestBindingsStep(t *testing.T) {
	cert := steptest.Leaf("www.example.com", "api.example.com")
	fp := certs.Fingerprint(cert.Cert.Raw)
	stamp := metav1.NewTime(steptest.Start)
	// confirmed has both domains showing this certificate in status.
	confirmed := func(o *sslv1alpha1.HuaweiAPIGCertificate) {
		o.Status.Domains = []sslv1alpha1.APIGDomainStatus{
			{GroupID: group, DomainID: "www", URLDomain: "www.example.com", SSLID: "ssl-a", Fingerprint: fp},
			{GroupID: group, DomainID: "api", URLDomain: "api.example.com", SSLID: "ssl-b", Fingerprint: fp}}
	}
	cases := []struct {
		name    string
		obj     *sslv1alpha1.HuaweiAPIGCertificate
		apig    func() *fakeAPIG
		outcome string
		calls   []string
		// domains are the status entries' domain IDs with their SSL IDs.
		domains []string
		// events are the events in full; nil checks one Bound event per bind.
		events []string
		ready  bool
	}{
		{name: "each domain is resolved and bound once",
			obj: apigObject(), apig: twoDomains, outcome: "ok",
			calls:   []string{"Resolve www", "Bind www", "Resolve api.example.com", "Bind api"},
			domains: []string{"www=ssl-1", "api=ssl-2"}, ready: true,
			events: []string{
				"Normal Bound Bound certificate cert_web (serial " + certs.SerialNumber(cert.Cert) + ") to domain www.example.com as ssl-1 (request ID r-bind)",
				"Normal Bound Bound certificate cert_web (serial " + certs.SerialNumber(cert.Cert) + ") to domain api.example.com as ssl-2 (request ID r-bind)",
			}},
		{name: "domains whose status shows the certificate cost no call",
			obj: apigObject(confirmed), apig: twoDomains, outcome: "ok",
			domains: []string{"www=ssl-a", "api=ssl-b"}, ready: true},
		{name: "a reconcile request checks every domain again",
			obj: apigObject(confirmed, func(o *sslv1alpha1.HuaweiAPIGCertificate) {
				o.Annotations = map[string]string{sslv1alpha1.ReconcileRequestAnnotation: "now"}
			}), apig: twoDomains, outcome: "ok",
			calls:   []string{"Resolve www", "Bind www", "Resolve api.example.com", "Bind api"},
			domains: []string{"www=ssl-1", "api=ssl-2"}, ready: true},
		{name: "a domain serving the same serial number is read, not bound",
			obj: apigObject(), outcome: "ok",
			apig: func() *fakeAPIG {
				f := twoDomains()
				f.domains["www"].SSLID, f.serials["console"] = "console", certs.SerialNumber(cert.Cert)
				return f
			},
			calls:   []string{"Resolve www", "Certificate www", "Resolve api.example.com", "Bind api"},
			domains: []string{"www=console", "api=ssl-1"}, ready: true},
		{name: "a missing domain stalls without holding up the others",
			obj: apigObject(func(o *sslv1alpha1.HuaweiAPIGCertificate) {
				o.Spec.Domains = append([]sslv1alpha1.APIGDomain{{GroupID: group, DomainID: "gone"}}, o.Spec.Domains...)
			}), apig: twoDomains, outcome: "Terminal DomainNotFound",
			calls:   []string{"Resolve gone", "Resolve www", "Bind www", "Resolve api.example.com", "Bind api"},
			domains: []string{"www=ssl-1", "api=ssl-2"}},
		{name: "a failure that applies to every domain stops at once",
			obj: apigObject(), outcome: "Transient APIError",
			apig: func() *fakeAPIG {
				f := twoDomains()
				f.fail["Bind www"] = &huaweicloud.Error{Code: huaweicloud.CodeSystemError, HTTPStatus: 500, RequestID: "r-500"}
				return f
			},
			calls: []string{"Resolve www", "Bind www"}, domains: []string{"www="}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn := newStepEnv(t, c.apig(), c.obj)
			rn.bundle = steptest.Bundle(t, cert)
			err := e.r.reconcileBindings(context.Background(), rn)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.apig.Calls()).To(Equal(c.calls))
			st := rn.obj.Status
			var domains []string
			for _, d := range st.Domains {
				domains = append(domains, d.DomainID+"="+d.SSLID)
				if strings.HasPrefix(d.SSLID, "ssl-") && len(c.calls) > 0 {
					g.Expect(d.LastBindTime).To(BeComparableTo(&stamp), "bind times come from the clock")
				}
			}
			g.Expect(domains).To(Equal(c.domains))
			if evs := steptest.Events(e.rec); c.events != nil {
				g.Expect(evs).To(Equal(c.events))
			} else {
				g.Expect(evs).To(HaveLen(e.apig.bound), "one Bound event per bind")
			}
			if c.ready {
				g.Expect(st.Fingerprint).To(Equal(fp))
				g.Expect(st.CertificateName).To(Equal("cert_web"))
			} else {
				g.Expect(st.Fingerprint).To(BeEmpty(), "the certificate is recorded only once every domain has it")
			}
		})
	}
}

// deleting marks the object deleted under policy Delete, after it bound ssl-1 to both domains.
func deleting(o *sslv1alpha1.HuaweiAPIGCertificate) {
	now := metav1.NewTime(steptest.Start)
	o.DeletionTimestamp, o.Finalizers = &now, []string{sslv1alpha1.Finalizer}
	o.Spec.DeletionPolicy = sslv1alpha1.DeletionPolicyDelete
	o.Status.Domains = []sslv1alpha1.APIGDomainStatus{
		{GroupID: group, DomainID: "www", URLDomain: "www.example.com", SSLID: "ssl-1", Fingerprint: "fp"},
		{GroupID: group, DomainID: "api", URLDomain: "api.example.com", SSLID: "ssl-1", Fingerprint: "fp"}}
}

func TestDeleteStep(t *testing.T) {
	bound := func() *fakeAPIG {
		f := twoDomains()
		f.domains["www"].SSLID, f.domains["api"].SSLID = "ssl-1", "ssl-1"
		return f
	}
	failing := func() *fakeAPIG {
		f := bound()
		f.fail["Unbind www"] = &huaweicloud.Error{Code: huaweicloud.CodeSystemError, HTTPStatus: 500, RequestID: "r-500"}
		return f
	}
	cases := []struct {
		name     string
		obj      *sslv1alpha1.HuaweiAPIGCertificate
		apig     func() *fakeAPIG
		outcome  string
		calls    []string
		released bool
		attempts int32
		events   []string
	}{
		{name: "Delete unbinds every domain and releases the object",
			obj: apigObject(deleting), apig: bound, outcome: "ok", released: true,
			calls:  []string{"Resolve www", "Unbind www", "Resolve api", "Unbind api"},
			events: []string{"Normal Unbound Unbound certificate ssl-1 from domain www.example.com", "Normal Unbound Unbound certificate ssl-1 from domain api.example.com"}},
		{name: "a certificate someone else bound since is left alone",
			obj: apigObject(deleting), outcome: "ok", released: true,
			apig: func() *fakeAPIG {
				f := bound()
				f.domains["www"].SSLID = "theirs"
				return f
			},
			calls:  []string{"Resolve www", "Resolve api", "Unbind api"},
			events: []string{"Normal Unbound Unbound certificate ssl-1 from domain api.example.com"}},
		{name: "a failed unbind is retried with backoff",
			obj: apigObject(deleting), apig: failing, outcome: "Waiting CleanupBlocked", attempts: 1,
			calls:  []string{"Resolve www", "Unbind www", "Resolve api", "Unbind api"},
			events: []string{"Normal Unbound Unbound certificate ssl-1 from domain api.example.com"}},
		{name: "after the last attempt the object is released with a warning",
			obj:  apigObject(deleting, func(o *sslv1alpha1.HuaweiAPIGCertificate) { o.Status.CleanupAttempts = 4 }),
			apig: failing, outcome: "ok", released: true, attempts: 5,
			calls: []string{"Resolve www", "Unbind www", "Resolve api", "Unbind api"},
			events: []string{"Normal Unbound Unbound certificate ssl-1 from domain api.example.com",
				"Warning CleanupAbandoned Released after 5 attempts; still bound: www.example.com (error_code APIG.9999, request ID r-500)"}},
		{name: "Retain releases the object without a call",
			obj:  apigObject(deleting, func(o *sslv1alpha1.HuaweiAPIGCertificate) { o.Spec.DeletionPolicy = sslv1alpha1.DeletionPolicyRetain }),
			apig: bound, outcome: "ok", released: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := NewWithT(t)
			e, rn := newStepEnv(t, c.apig(), c.obj)
			err := e.r.reconcileDelete(context.Background(), rn)
			g.Expect(steptest.Outcome(err)).To(Equal(c.outcome))
			g.Expect(e.apig.Calls()).To(Equal(c.calls))
			g.Expect(rn.obj.Status.CleanupAttempts).To(Equal(c.attempts))
			g.Expect(steptest.Events(e.rec)).To(Equal(c.events))
			gone := apierrors.IsNotFound(e.r.Get(context.Background(), client.ObjectKeyFromObject(rn.obj), &sslv1alpha1.HuaweiAPIGCertificate{}))
			g.Expect(gone).To(Equal(c.released))
			if err != nil {
				backoff := e.r.opts.CleanupBackoff
				g.Expect(reconcile.As(err).After).To(BeNumerically("~", backoff, backoff/10), "the first delay, with jitter")
				g.Expect(reconcile.CloudDetails(err)).To(Equal(" (error_code APIG.9999, request ID r-500)"))
			}
		})
	}
}

func TestOperatorCredentialsAreLentOnlyWhenAllowed(t *testing.T) {
	g := NewWithT(t)
	e, rn := newStepEnv(t, twoDomains(), apigObject())
	e.r.opts.OperatorCredentials = false
	_, err := e.r.cloud(context.Background(), rn)
	g.Expect(steptest.Outcome(err)).To(Equal("Terminal CredentialsNotFound"))

	e.r.opts.OperatorCredentials = true
	api, err := e.r.cloud(context.Background(), rn)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(api).NotTo(BeNil())
}
