package secretsync

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// desired is what a Secret's annotations ask for.
type desired struct {
	// certificate is the spec of the generated TencentCertificate.
	certificate sslv1alpha1.TencentCertificateSpec
	// templates are the names of the CertificateDeployment templates to stamp out, in order.
	templates []string
}

// enabled reports whether the Secret's annotations turn sync on.
func enabled(annotations map[string]string) bool {
	return annotations[sslv1alpha1.SyncAnnotation] == "true"
}

// desiredFor reads the annotations of the Secret secretName. An annotation with an unusable
// value is an error that names it, so that nothing half-configured is created.
func desiredFor(secretName string, a map[string]string) (*desired, error) {
	d := &desired{certificate: sslv1alpha1.TencentCertificateSpec{
		SecretRef: &sslv1alpha1.LocalObjectReference{Name: secretName},
	}}
	spec := &d.certificate
	if v, ok := a[sslv1alpha1.AliasAnnotation]; ok {
		if len(v) > 128 {
			return nil, invalid(sslv1alpha1.AliasAnnotation, v, "is longer than 128 characters")
		}
		spec.Alias = v
	}
	if v, ok := a[sslv1alpha1.ProjectIDAnnotation]; ok {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 0 {
			return nil, invalid(sslv1alpha1.ProjectIDAnnotation, v, "is not a non-negative integer")
		}
		spec.ProjectID = ptr.To(id)
	}
	if v, ok := a[sslv1alpha1.CredentialsAnnotation]; ok {
		if errs := validation.IsDNS1123Subdomain(v); len(errs) > 0 {
			return nil, invalid(sslv1alpha1.CredentialsAnnotation, v, "is not a Secret name")
		}
		spec.CredentialsRef = &sslv1alpha1.LocalObjectReference{Name: v}
	}
	if v, ok := a[sslv1alpha1.DeletionPolicyAnnotation]; ok {
		p := sslv1alpha1.DeletionPolicy(v)
		if p != sslv1alpha1.DeletionPolicyDelete && p != sslv1alpha1.DeletionPolicyRetain {
			return nil, invalid(sslv1alpha1.DeletionPolicyAnnotation, v, "is neither Delete nor Retain")
		}
		spec.DeletionPolicy = p
	}
	if v, ok := a[sslv1alpha1.OldCertificatesAnnotation]; ok {
		p := sslv1alpha1.OldCertificatePolicy(v)
		if p != sslv1alpha1.OldCertificatesDelete && p != sslv1alpha1.OldCertificatesRetain {
			return nil, invalid(sslv1alpha1.OldCertificatesAnnotation, v, "is neither Retain nor Delete")
		}
		rotation(spec).OldCertificates = p
	}
	if v, ok := a[sslv1alpha1.MuteExpiryNotificationsAnnotation]; ok {
		mute, err := strconv.ParseBool(v)
		if err != nil {
			return nil, invalid(sslv1alpha1.MuteExpiryNotificationsAnnotation, v, "is neither true nor false")
		}
		rotation(spec).MuteExpiryNotifications = ptr.To(mute)
	}
	if v := a[sslv1alpha1.DeploymentTemplatesAnnotation]; v != "" {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" || slices.Contains(d.templates, name) {
				continue
			}
			if errs := validation.IsDNS1123Subdomain(deploymentName(secretName, name)); len(errs) > 0 {
				return nil, invalid(sslv1alpha1.DeploymentTemplatesAnnotation, v,
					fmt.Sprintf("gives %q, which cannot name a CertificateDeployment copy", name))
			}
			d.templates = append(d.templates, name)
		}
	}
	return d, nil
}

func rotation(spec *sslv1alpha1.TencentCertificateSpec) *sslv1alpha1.RotationSpec {
	if spec.Rotation == nil {
		spec.Rotation = &sslv1alpha1.RotationSpec{}
	}
	return spec.Rotation
}

// deploymentName names the copy of a template for a Secret.
func deploymentName(secretName, template string) string {
	return secretName + "-" + template
}

// invalidAnnotation is an annotation whose value cannot be used.
type invalidAnnotation struct{ key, value, problem string }

func invalid(key, value, problem string) error {
	if len(value) > 64 {
		value = value[:64] + "..."
	}
	return &invalidAnnotation{key: key, value: value, problem: problem}
}

func (e *invalidAnnotation) Error() string {
	return fmt.Sprintf("annotation %s value %q %s", e.key, e.value, e.problem)
}
