package integration_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"

	controllers "github.com/certsync/tencent-cert-operator/internal/controller"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

// The manager's metrics endpoint, as the operator configures it by default, serves HTTPS to
// callers the API server authenticates and authorizes for get on /metrics, and no one else.
func TestMetricsRefuseUnauthenticatedRequests(t *testing.T) {
	g := NewWithT(t)
	ctx := context.Background()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	g.Expect(err).NotTo(HaveOccurred())
	addr := l.Addr().String()
	g.Expect(l.Close()).To(Succeed())
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 env.Scheme,
		Metrics:                controllers.MetricsServerOptions(addr, true, ""),
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	g.Expect(err).NotTo(HaveOccurred())
	testenv.StartManager(t, mgr)

	// A self-signed certificate by default; Prometheus is told to skip verification the same way.
	httpc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	get := func(token string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, "https://"+addr+"/metrics", nil)
		g.Expect(err).NotTo(HaveOccurred())
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := httpc.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	g.Eventually(func() int { code, _ := get(""); return code }).WithTimeout(30*time.Second).
		Should(Equal(http.StatusUnauthorized), "an unauthenticated request is refused")
	// The TokenReview of a forged token reports an error, which controller-runtime answers with
	// 500; either way no metric is served.
	code, body := get("not-a-token")
	g.Expect(code).To(BeNumerically(">=", 400), "a forged token is refused")
	g.Expect(body).NotTo(ContainSubstring("controller_runtime_"))

	// A service account without the metrics-reader role is authenticated but not authorized;
	// one with it reads the metrics. (Denials are cached, so they are two accounts.)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "metrics-"}}
	g.Expect(env.Client.Create(ctx, ns)).To(Succeed())
	token := func(name string) string {
		sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns.Name, Name: name}}
		g.Expect(env.Client.Create(ctx, sa)).To(Succeed())
		tr := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](600)}}
		g.Expect(env.Client.SubResource("token").Create(ctx, sa, tr)).To(Succeed())
		g.Expect(tr.Status.Token).NotTo(BeEmpty())
		return tr.Status.Token
	}
	code, _ = get(token("stranger"))
	g.Expect(code).To(Equal(http.StatusForbidden), "a caller without get on /metrics is refused")

	// The role the chart and kustomize install as metrics-reader.
	role := &rbacv1.ClusterRole{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "metrics-reader-"},
		Rules:      []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics"}, Verbs: []string{"get"}}},
	}
	g.Expect(env.Client.Create(ctx, role)).To(Succeed())
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "metrics-reader-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role.Name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: ns.Name, Name: "prometheus"}},
	}
	g.Expect(env.Client.Create(ctx, binding)).To(Succeed())
	t.Cleanup(func() { _ = env.Client.Delete(ctx, binding); _ = env.Client.Delete(ctx, role) })
	prometheus := token("prometheus")
	g.Eventually(func() string {
		code, body := get(prometheus)
		return strconv.Itoa(code) + " " + body
	}).WithTimeout(30 * time.Second).Should(And(HavePrefix("200 "), ContainSubstring("controller_runtime_")))
}
