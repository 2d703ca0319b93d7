package certs

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
)

// maxChainLength bounds the pairwise signature checks of orderChain. Real
// chains hold two to four certificates.
const maxChainLength = 10

// orderChain returns certs with the leaf first and each certificate followed
// by its issuer. The leaf is the one certificate that issues no other in the
// bundle; when several qualify, the one whose key is pub wins. Anything but a
// single linear chain is an error: guessing could upload the wrong chain.
func orderChain(certs []*x509.Certificate, pub crypto.PublicKey) ([]*x509.Certificate, *Error) {
	failed := func(format string, args ...any) *Error {
		return &Error{Reason: ChainInvalid, Message: fmt.Sprintf(format, args...)}
	}
	if len(certs) > maxChainLength {
		return nil, failed("%s holds %d certificates, more than a chain needs (at most %d): keep the certificate and its intermediates",
			TLSCertKey, len(certs), maxChainLength)
	}
	for i := range certs {
		for j := range i {
			if bytes.Equal(certs[i].Raw, certs[j].Raw) {
				return nil, failed("Certificates #%d and #%d in %s are identical: remove the duplicate", j+1, i+1, TLSCertKey)
			}
		}
	}

	// issuers[i] lists the certificates that issued certs[i].
	issuers := make([][]int, len(certs))
	issuesOther := make([]bool, len(certs))
	for i, child := range certs {
		for j, parent := range certs {
			if i != j && issued(parent, child) {
				issuers[i] = append(issuers[i], j)
				issuesOther[j] = true
			}
		}
	}

	var leaves []int
	for i := range certs {
		if !issuesOther[i] {
			leaves = append(leaves, i)
		}
	}
	if len(leaves) > 1 && pub != nil {
		var matching []int
		for _, i := range leaves {
			if publicKeyEqual(certs[i].PublicKey, pub) {
				matching = append(matching, i)
			}
		}
		if len(matching) == 1 {
			leaves = matching
		}
	}
	switch len(leaves) {
	case 0:
		return nil, failed("The certificates in %s issue each other in a loop, so none is the leaf: keep the certificate and its intermediates",
			TLSCertKey)
	case 1:
	default:
		return nil, failed("%s holds %d unrelated certificates (%s): keep one certificate and its intermediates",
			TLSCertKey, len(leaves), list(certs, leaves))
	}

	used := make([]bool, len(certs))
	cur := leaves[0]
	used[cur] = true
	ordered := []*x509.Certificate{certs[cur]}
	for {
		var next []int
		for _, j := range issuers[cur] {
			if !used[j] {
				next = append(next, j)
			}
		}
		if len(next) == 0 {
			break
		}
		if len(next) > 1 {
			return nil, failed("Certificate #%d %s in %s has %d issuers in the bundle (%s): keep only one chain",
				cur+1, describe(certs[cur]), TLSCertKey, len(next), list(certs, next))
		}
		cur = next[0]
		used[cur] = true
		ordered = append(ordered, certs[cur])
	}
	if len(ordered) < len(certs) {
		var stray []int
		for i := range certs {
			if !used[i] {
				stray = append(stray, i)
			}
		}
		return nil, failed("%s holds certificates that are not in the chain of %s (%s): remove them",
			TLSCertKey, describe(ordered[0]), list(certs, stray))
	}
	return ordered, nil
}

// issued reports whether parent issued child: the names and key identifiers
// match and the signature verifies. A signature Go declines to check (SHA-1,
// unknown algorithms) is accepted on names alone, because only the order
// depends on it and Tencent Cloud checks the chain itself.
func issued(parent, child *x509.Certificate) bool {
	if !bytes.Equal(child.RawIssuer, parent.RawSubject) {
		return false
	}
	if len(child.AuthorityKeyId) > 0 && len(parent.SubjectKeyId) > 0 &&
		!bytes.Equal(child.AuthorityKeyId, parent.SubjectKeyId) {
		return false
	}
	err := child.CheckSignatureFrom(parent)
	var insecure x509.InsecureAlgorithmError
	return err == nil || errors.As(err, &insecure) || errors.Is(err, x509.ErrUnsupportedAlgorithm)
}

func publicKeyEqual(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// list names the certificates at the given positions of certs.
func list(certs []*x509.Certificate, positions []int) string {
	names := make([]string, len(positions))
	for i, p := range positions {
		names[i] = fmt.Sprintf("#%d %s", p+1, describe(certs[p]))
	}
	return strings.Join(names, ", ")
}
