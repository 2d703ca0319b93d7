package secretsync

import (
	"testing"

	. "github.com/onsi/gomega"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

func TestDesiredForRejectsUnusableAnnotations(t *testing.T) {
	cases := []struct {
		name, key, value, message string
	}{
		{"a project that is not a number", sslv1alpha1.ProjectIDAnnotation, "-1", "is not a non-negative integer"},
		{"an unknown old-certificate policy", sslv1alpha1.OldCertificatesAnnotation, "Keep", "is neither Retain nor Delete"},
		{"an unknown deletion policy", sslv1alpha1.DeletionPolicyAnnotation, "Orphan", "is neither Delete nor Retain"},
		{"a switch that is not a boolean", sslv1alpha1.MuteExpiryNotificationsAnnotation, "yes", "is neither true nor false"},
		{"a credentials name that no Secret can have", sslv1alpha1.CredentialsAnnotation, "Tencent_Creds", "is not a Secret name"},
		{"a template name that cannot name a copy", sslv1alpha1.DeploymentTemplatesAnnotation, "clb,CDN", `gives "CDN"`},
		{"an alias over the API's limit", sslv1alpha1.AliasAnnotation, string(make([]byte, 129)), "is longer than 128 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := desiredFor("web-tls", map[string]string{sslv1alpha1.SyncAnnotation: "true", c.key: c.value})
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring("annotation " + c.key)))
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring(c.message)))
		})
	}
}

func TestDesiredForDropsEmptyAndRepeatedTemplateNames(t *testing.T) {
	d, err := desiredFor("web-tls", map[string]string{sslv1alpha1.DeploymentTemplatesAnnotation: " clb, ,cdn,clb "})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	NewWithT(t).Expect(d.templates).To(Equal([]string{"clb", "cdn"}))
	NewWithT(t).Expect(d.certificate.Rotation).To(BeNil(), "no rotation settings without their annotations")
}
