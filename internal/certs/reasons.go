package certs

// Reasons Parse reports. They are stable and serve as condition and event reasons.
const (
	// CertificateTypeMismatch means the certificate does not fit the requested
	// type: TypeCA needs a CA certificate, TypeSVR a certificate that is not a
	// CA, and no other type exists.
	CertificateTypeMismatch = "CertificateTypeMismatch"

	// SecretTypeInvalid means the Secret is neither kubernetes.io/tls nor Opaque.
	SecretTypeInvalid = "SecretTypeInvalid"

	// SecretKeyMissing means tls.crt, or tls.key for TypeSVR, is absent or empty.
	SecretKeyMissing = "SecretKeyMissing"

	// CertificateParseFailed means tls.crt is not a PEM bundle of X.509
	// certificates and nothing else.
	CertificateParseFailed = "CertificateParseFailed"

	// PrivateKeyParseFailed means tls.key is not exactly one unencrypted PEM
	// private key in PKCS #1, PKCS #8 or SEC 1 form.
	PrivateKeyParseFailed = "PrivateKeyParseFailed"

	// ChainInvalid means the certificates in tls.crt are not one linear chain
	// from a single leaf, even after putting them in order.
	ChainInvalid = "ChainInvalid"

	// AlgorithmUnsupported means the key algorithm is not one Tencent Cloud
	// accepts through this API: RSA and ECDSA are; SM2, Ed25519 and DSA are not.
	AlgorithmUnsupported = "AlgorithmUnsupported"

	// KeyMismatch means the private key does not belong to the leaf certificate.
	KeyMismatch = "KeyMismatch"

	// CertificateExpired means the leaf certificate's NotAfter has passed.
	CertificateExpired = "CertificateExpired"

	// CertificateNotYetValid means the leaf certificate's NotBefore is still ahead.
	CertificateNotYetValid = "CertificateNotYetValid"
)
